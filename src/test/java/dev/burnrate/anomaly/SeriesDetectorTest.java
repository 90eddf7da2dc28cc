package dev.burnrate.anomaly;

import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeriesDetectorTest {
    private final SeriesDetector detector = new SeriesDetector(SeriesDetector.Settings.defaults());

    /** 12 weeks of daily spend: weekdays 1000, weekends 600, 3% noise. */
    private static double[] weeklySpend(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[84];
        for (int d = 0; d < v.length; d++) v[d] = (d % 7 >= 5 ? 600 : 1000) * (1 + 0.03 * rnd.nextGaussian());
        return v;
    }

    private static List<Integer> flagged(SeriesDetector.Scores s) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.anomaly().length; i++) if (s.anomaly()[i]) out.add(i);
        return out;
    }

    @Test
    void score_weeklySeasonWithoutIncident_flagsNothing() {
        assertThat(flagged(detector.score(weeklySpend(1), 7))).isEmpty();
    }

    @Test
    void score_spikeOnOneDay_flagsExactlyThatDayWithExpectedNearTheNormal() {
        double[] v = weeklySpend(2);
        v[60] = 2600; // a runaway retrain: 2.6x a weekday
        SeriesDetector.Scores s = detector.score(v, 7);
        assertThat(flagged(s)).containsExactly(60);
        assertThat(s.expected()[60]).isBetween(900.0, 1100.0);
        assertThat(s.score()[60]).isGreaterThan(0.5).isLessThan(1.0);
    }

    @Test
    void score_levelShift_isFlaggedAtItsStartThenAccepted() {
        double[] v = weeklySpend(3);
        for (int d = 50; d < v.length; d++) v[d] *= 2.5; // a new GPU cluster that stays
        List<Integer> f = flagged(detector.score(v, 7));
        assertThat(f).contains(50).allSatisfy(d -> assertThat(d).isBetween(50, 60));
    }

    @Test
    void score_missingPoints_areSkippedNotFlagged() {
        double[] v = weeklySpend(4);
        v[40] = Double.NaN;
        v[41] = Double.NaN;
        SeriesDetector.Scores s = detector.score(v, 7);
        assertThat(flagged(s)).isEmpty();
        assertThat(s.expected()[42]).isNotNaN();
    }

    @Test
    void score_isCausal_aPrefixScoresTheSameWhateverComesAfter() {
        double[] v = weeklySpend(5);
        double[] changedFuture = Arrays.copyOf(v, v.length);
        for (int d = 70; d < v.length; d++) changedFuture[d] = 99_999;
        SeriesDetector.Scores a = detector.score(v, 7);
        SeriesDetector.Scores b = detector.score(changedFuture, 7);
        assertThat(Arrays.copyOf(b.score(), 70)).containsExactly(Arrays.copyOf(a.score(), 70));
        assertThat(Arrays.copyOf(b.expected(), 70)).containsExactly(Arrays.copyOf(a.expected(), 70));
    }

    @Test
    void score_sparseCounts_doNotAlarmOnEveryNonZeroPoint() {
        SplittableRandom rnd = new SplittableRandom(6);
        double[] v = new double[24 * 20];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(4) == 0 ? 1 : 0;
        v[400] = 40;
        long nonZero = Arrays.stream(v).filter(x -> x > 0).count();
        List<Integer> f = flagged(detector.score(v, 24));
        assertThat(f).contains(400);
        assertThat(f.size()).isLessThan((int) (nonZero / 10));
    }

    /** The labelled fixture's values and labels, read as the eval tools read them. */
    private record Labelled(GenericSeries.Series series, int[] label) {
        static Labelled read(Path dir) throws Exception {
            Path file = TestLedger.fixture("anomaly/app1-01.csv", dir);
            GenericSeries.Series s = GenericSeries.read(file, "TimeStamp", "Value");
            List<String> lines = java.nio.file.Files.readAllLines(file);
            return new Labelled(s, lines.stream().skip(1).mapToInt(l -> Integer.parseInt(l.substring(l.lastIndexOf(',') + 1).strip())).toArray());
        }
    }

    /**
     * Event-wise as in tools/anomaly_eval.py: a labelled run is detected by a flag inside it or within 3 rows of its
     * start; a run of flags that touches no such zone is a false alarm. Returns {segments, detected, alarms, false}.
     */
    private static int[] events(int[] label, boolean[] flag) {
        int segments = 0;
        int detected = 0;
        for (int i = 0; i < label.length; i++) {
            if (label[i] == 1 && (i == 0 || label[i - 1] == 0)) {
                int e = i;
                while (e + 1 < label.length && label[e + 1] == 1) e++;
                segments++;
                boolean hit = false;
                for (int j = i; j <= Math.max(e, i + 3) && j < label.length; j++) hit |= flag[j];
                if (hit) detected++;
            }
        }
        int alarms = 0;
        int falseAlarms = 0;
        for (int i = 0; i < label.length; i++) {
            if (flag[i] && (i == 0 || !flag[i - 1])) {
                alarms++;
                int e = i;
                while (e + 1 < label.length && flag[e + 1]) e++;
                boolean touches = false;
                for (int j = Math.max(0, i - 3); j <= e; j++) touches |= label[j] == 1;
                if (!touches) falseAlarms++;
            }
        }
        return new int[] {segments, detected, alarms, falseAlarms};
    }

    @Test
    void detect_realLabelledCrashRateSeries_findsMostIncidentsWithFewFalseAlarms(@TempDir Path dir) throws Exception {
        Labelled l = Labelled.read(dir);
        assertThat(l.series().medianStepSeconds()).isEqualTo(3600);
        SeriesDetector.Scores sc = GenericSeries.score(l.series(), GenericSeries.Method.ROBUST, SeriesDetector.Settings.defaults());
        int[] ev = events(l.label(), sc.anomaly());
        assertThat(ev[0]).isEqualTo(7);
        assertThat(ev[1]).isGreaterThanOrEqualTo(5);
        assertThat(ev[3]).isLessThanOrEqualTo(ev[2] / 3);
    }

    @Test
    void baseline_rollingMeanTwoSigma_onOrdinaryNoise_alarmsOftenWhereTheRobustDetectorIsQuiet() {
        // the same series for both, long enough for the baseline's window to fill many times over: mean + 2 sigma
        // flags about one ordinary point in 40 (the one-sided normal tail at 2); the calibrated score almost never
        SplittableRandom rnd = new SplittableRandom(18);
        double[] v = new double[5000];
        for (int i = 0; i < v.length; i++) v[i] = 100 + 5 * rnd.nextGaussian();
        int baseline = flagged(RollingMeanBaseline.score(v, 7)).size();
        int robust = flagged(detector.score(v, 0)).size();
        assertThat(baseline).isGreaterThan(v.length / 60);
        assertThat(robust).isLessThanOrEqualTo(3).isLessThan(baseline / 10);
    }

    @Test
    void score_ordinaryGaussianNoise_scoresNearZeroAlmostEverywhere() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] v = new double[5000];
        for (int i = 0; i < v.length; i++) v[i] = 100 + 5 * rnd.nextGaussian();
        SeriesDetector.Scores s = detector.score(v, 0);
        long zero = Arrays.stream(s.score()).filter(x -> x == 0).count();
        assertThat(zero).isGreaterThan(v.length * 95L / 100);
        assertThat(flagged(s).size()).isLessThanOrEqualTo(3);
    }

    @Test
    void score_levelShiftOfSecondsSensor_flaggedOnceNearOnsetThenQuiet() {
        SplittableRandom rnd = new SplittableRandom(12);
        double[] v = new double[1200];
        for (int i = 0; i < v.length; i++) v[i] = (i >= 600 ? 60 : 50) + rnd.nextGaussian();
        long[] slots = new long[v.length];
        for (int i = 0; i < v.length; i++) slots[i] = i;
        SeriesDetector.Scores s = detector.score(v, slots, GenericSeries.period(1));
        List<Integer> f = flagged(s);
        assertThat(f).isNotEmpty().allSatisfy(i -> assertThat(i).isBetween(600, 610));
        for (int i = 700; i < v.length; i++) assertThat(s.score()[i]).as("row " + i).isLessThan(0.5);
    }

    private static long[] everySecond(int n) {
        long[] slots = new long[n];
        for (int i = 0; i < n; i++) slots[i] = i;
        return slots;
    }

    @Test
    void score_secondRunawayDaySoonAfterAnother_isFlaggedToo() {
        // a runaway day, back to normal the next day, and another runaway day after it: two incidents, the second
        // within the refractory period of the first (w = 3 days) and no bigger than it
        double[] v = weeklySpend(21);
        v[60] = 3000;
        v[62] = 3000;
        List<Integer> f = flagged(detector.score(v, 7));
        assertThat(f).contains(60, 62);
    }

    /** 20 days of an hourly count with a daily cycle (30 ± 15, noise 5), a 3-hour burst at hour 300, then {@code after}. */
    private static double[] hourlyCountsWithBurst(long seed, double after) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[480];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, Math.round(30 + 15 * Math.sin(2 * Math.PI * i / 24) + 5 * rnd.nextGaussian())) + (i >= 303 ? after : 0);
        }
        v[300] = 1000;
        v[301] = 2000;
        v[302] = 800;
        return v;
    }

    @Test
    void score_burstOfThreeHoursThatEnded_isNoNewLevel_andLaterSpikesAreFlagged() {
        // crash counts per hour: a burst of 3 hours (the alarm and 2 points after it) that has ended by the third of
        // the 3 points after the alarm that decide a new level on hourly data. Their residuals were against a level
        // window already half full of the burst, so their median said "a new level": the detector re-anchored on the
        // burst, was blind for its warm-up, learnt its scale from the way back, and the spikes of the next two days
        // scored 0-0.4 (a real series of the dev set, app1-04, lost four labelled spikes so). Whether the series is
        // still away is now judged against what was expected at the alarm
        for (long seed = 1; seed <= 20; seed++) {
            double[] v = hourlyCountsWithBurst(seed, 0);
            for (int s : new int[]{312, 330, 350}) v[s] = 1000;
            assertThat(flagged(detector.score(v, 24))).as("seed %d", seed).contains(300, 312, 330, 350);
        }
        // a level that lasts is still one: flagged at its start, then accepted
        for (long seed = 1; seed <= 20; seed++) {
            List<Integer> f = flagged(detector.score(hourlyCountsWithBurst(seed, 300), 24));
            assertThat(f).as("seed %d", seed).contains(300).noneMatch(i -> i > 303);
        }
    }

    @Test
    void score_lastingStepOnADailyCycle_atAnyHour_isFlaggedOnceAndAccepted() {
        // whether the series is still away after an alarm is judged against what was expected at the alarm carried
        // along the season: a level merely held there (the level swings with the cycle) took a step at some hours of
        // the day for a burst that had ended, and the step alarmed again later (10 times in these 480 series; now 0)
        int onsets = 0;
        int later = 0;
        for (double step : new double[]{12, -12}) {
            for (int hour = 0; hour < 24; hour++) {
                for (long seed = 1; seed <= 10; seed++) {
                    SplittableRandom rnd = new SplittableRandom(seed * 100 + hour);
                    int t0 = 400 + hour;
                    double[] v = new double[720];
                    for (int i = 0; i < v.length; i++) v[i] = 100 + 15 * Math.sin(2 * Math.PI * i / 24) + rnd.nextGaussian() + (i >= t0 ? step : 0);
                    List<Integer> f = flagged(detector.score(v, 24));
                    if (f.stream().anyMatch(i -> i >= t0 && i <= t0 + 3)) onsets++;
                    later += (int) f.stream().filter(i -> i > t0 + 3).count();
                }
            }
        }
        assertThat(onsets).isGreaterThanOrEqualTo(470);
        assertThat(later).isLessThanOrEqualTo(2);
    }

    @Test
    void score_shortSeriesOfMinuteSamples_isJudgedAndItsShiftFlaggedAtOnset() {
        // 3 hours of a minute metric, a step of 10 sigma at minute 120: a day's level window (60 points) would need 240
        // points of learning before the first judgement, longer than the whole file
        SplittableRandom rnd = new SplittableRandom(31);
        double[] v = new double[180];
        for (int i = 0; i < v.length; i++) v[i] = (i >= 120 ? 110 : 100) + rnd.nextGaussian();
        long[] slots = everySecond(v.length);
        SeriesDetector.Scores s = detector.score(v, slots, GenericSeries.period(60));
        assertThat(flagged(s)).isNotEmpty().allSatisfy(i -> assertThat(i).isBetween(120, 124));
        // the cap leaves long series as they were: the level window of 1,000 minute samples is a day's (60 points)
        assertThat(SeriesDetector.window(GenericSeries.period(60), 1000)).isEqualTo(60);
        assertThat(SeriesDetector.window(GenericSeries.period(60), 180)).isEqualTo(15);
    }

    @Test
    void score_noiseComingBackAfterAQuietStretch_isNotTakenForAnIncident() {
        // a sensor at its usual noise, quiet for 5 minutes (a tenth of the noise), then as noisy as before: that is
        // what the series has always done, so its return is not an alarm (the scale had forgotten it after the quiet)
        int alarmedAtReturn = 0;
        for (int seed = 0; seed < 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(100 + seed);
            double[] v = new double[1500];
            for (int i = 0; i < v.length; i++) v[i] = 10 + (i >= 700 && i < 1000 ? 0.1 : 1) * rnd.nextGaussian();
            List<Integer> f = flagged(detector.score(v, everySecond(v.length), GenericSeries.period(1)));
            if (f.stream().anyMatch(i -> i >= 1000 && i < 1060)) alarmedAtReturn++;
        }
        assertThat(alarmedAtReturn).as("series of 10 alarmed in the minute the usual noise came back").isLessThanOrEqualTo(2);
    }

    @Test
    void score_heavyTailedNoise_alarmsAtMostThreeTimesPerThousandRows() {
        // one row in five from a noise five times wider: the robust scale follows the narrow part, so the standardised
        // residuals spread wider than 1 and a CUSUM that assumed unit variance would take their clusters for shifts
        int alarms = 0;
        int rows = 0;
        for (int seed = 0; seed < 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(200 + seed);
            double[] v = new double[1200];
            for (int i = 0; i < v.length; i++) v[i] = 10 + (rnd.nextDouble() < 0.2 ? 1.0 : 0.2) * rnd.nextGaussian();
            alarms += flagged(detector.score(v, everySecond(v.length), GenericSeries.period(1))).size();
            rows += v.length;
        }
        assertThat(alarms).isLessThanOrEqualTo(3 * rows / 1000);
    }

    @Test
    void score_noiseGrowingWithADailyLevel_alarmsAtMostOncePerThousandRows() {
        // 5-minute data whose noise is 8% of a level that swings from 400 to 1,600 through the day: the running scale
        // (most of a day's memory) is too narrow at the peak, where a CUSUM assuming unit variance takes the wider
        // noise for a shift (2 alarms per 1,000 rows before the increments were shrunk by the phase's own spread)
        int alarms = 0;
        int rows = 0;
        for (int seed = 0; seed < 6; seed++) {
            SplittableRandom rnd = new SplittableRandom(300 + seed);
            double[] v = new double[288 * 28];
            for (int i = 0; i < v.length; i++) v[i] = 1000 * (1 + 0.6 * Math.sin(2 * Math.PI * i / 288)) * (1 + 0.08 * rnd.nextGaussian());
            alarms += flagged(detector.score(v, 288)).size();
            rows += v.length;
        }
        assertThat(alarms).isLessThanOrEqualTo(rows / 1000);
    }

    @Test
    void score_gpuIdleThenBusyInBursts_burstsAreNotIncidents_butAGpuPinnedAt100Is() {
        // a serving GPU's duty cycle per minute: idle (0) for stretches of about 20 minutes, busy at 20-95% for about 5
        // (the Alibaba GenAI trace's busiest pods); then a job holds it at 100% for two hours. The level is 0 and
        // residuals enter the scale clipped at 3 scales, so the scale settled near 0 and every burst after an idle
        // stretch was an incident: 596 alarms in these 60 days without the floor at rest, 75 with it
        int day = 1440;
        int alarms = 0;
        int pinsFound = 0;
        for (int seed = 0; seed < 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] v = new double[8 * day];
            boolean busy = false;
            for (int i = 0; i < v.length; i++) {
                if (rnd.nextDouble() < (busy ? 0.2 : 0.05)) busy = !busy;
                v[i] = busy ? 20 + 75 * rnd.nextDouble() : 0;
            }
            int pinned = 7 * day + 600;
            for (int i = pinned; i < pinned + 120; i++) v[i] = 100;
            List<Integer> flagged = flagged(detector.score(v, day));
            alarms += (int) flagged.stream().filter(i -> i >= day && i < 7 * day).count();
            if (flagged.stream().anyMatch(i -> i >= pinned && i < pinned + 30)) pinsFound++;
        }
        assertThat(alarms).isLessThanOrEqualTo(150);
        assertThat(pinsFound).as("pinned GPUs found within 30 minutes (7 of 10 without the floor)").isGreaterThanOrEqualTo(7);
    }

    @Test
    void score_spendOfATeamIdleMostHours_runawayIsFlaggedAtItsFirstHourWithoutTheFloorAtRest() {
        // hourly spend of a team that runs a 2-hour job (about 230 an hour) every day at a shifting hour and spends
        // nothing otherwise; on the last day a run at 500 an hour. Spend is judged without the floor at rest
        // (CostAnomalies): that run is the runaway to catch, not "what the team does". With the floor its first hour
        // scores 0.33 (the jobs are a twelfth of the hours, so their size sets the scale)
        double[] v = new double[24 * 21];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int d = 1; d < 20; d++) {
            for (int h = 0; h < 2; h++) v[24 * d + (d * 7) % 20 + 2 + h] = 230 * (0.97 + 0.06 * rnd.nextDouble());
        }
        int runaway = 24 * 20 + 14;
        for (int h = 0; h < 2; h++) v[runaway + h] = 500;
        SeriesDetector spend = new SeriesDetector(SeriesDetector.Settings.defaults().withRestFloor(false));
        assertThat(flagged(spend.score(v, 24))).contains(runaway);
        assertThat(detector.score(v, 24).score()[runaway]).isLessThan(0.5);
    }

    @Test
    void score_chargeBilledOnceADayAtTheSameHour_isExpectedThereAndNotFlagged() {
        // hourly spend of a commitment's daily charge, posted at 00:00 in amounts that vary tenfold (the demo's Savings
        // Plan scope, 2026-11-17 .. 12-02): nothing in the other 23 hours. The same hour of earlier days predicts it; the
        // last hour (a level) predicts 0. Both miss by more than three scales on most days, so errors clipped there
        // could not tell them apart and 242.78 on the last day was "expected 0.00"
        double[] daily = {428.45, 272.82, 237.32, 222.41, 1624.18, 1771.84, 121.92, 152.13, 123.74, 286.34, 208.17, 349.02, 470.71, 158.23, 31.78, 242.78};
        double[] v = new double[24 * daily.length];
        for (int d = 0; d < daily.length; d++) v[24 * d] = daily[d];
        SeriesDetector.Scores s = detector.score(v, 24);
        int last = 24 * (daily.length - 1);
        assertThat(s.expected()[last]).isGreaterThan(100);
        assertThat(flagged(s)).noneMatch(i -> i >= 24 * 10);
    }

    @Test
    void score_dailyCycleOfHourlyData_isNotFlaggedButABreakOfItIs() {
        SplittableRandom rnd = new SplittableRandom(13);
        double[] v = new double[24 * 28];
        for (int i = 0; i < v.length; i++) v[i] = 1000 + 600 * Math.sin(2 * Math.PI * (i % 24) / 24.0) + 20 * rnd.nextGaussian();
        assertThat(flagged(detector.score(v, 24))).isEmpty();
        v[24 * 20 + 3] += 400; // 20 scales off its usual hour, well inside the day's range
        assertThat(flagged(detector.score(v, 24))).containsExactly(24 * 20 + 3);
    }

    @Test
    void read_samplingRate_isInferredFromTheTimestamps(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.csv");
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2020, 3, 9, 10, 0);
        for (int i = 0; i < 300; i++) {
            if (i == 100) t = t.plusSeconds(30); // a gap of 30 seconds
            sb.append(t.plusSeconds(i)).append(',').append(i % 3).append('\n');
        }
        java.nio.file.Files.writeString(f, sb);
        GenericSeries.Series s = GenericSeries.read(f, null, null);
        assertThat(s.medianStepSeconds()).isEqualTo(1);
        assertThat(s.slots()[100]).isEqualTo(130); // the gap is kept: the season is looked up by time
        assertThat(GenericSeries.period(s.medianStepSeconds())).isEqualTo(86400);
        assertThat(GenericSeries.period(3600)).isEqualTo(24);
        assertThat(GenericSeries.period(86400)).isEqualTo(7);
    }

    @Test
    void read_timesThatDriftAroundTheirSchedule_keepTheScheduleAndItsSeason_andAreAsQuietAsExactOnes(@TempDir Path dir) throws Exception {
        // 10 days of 5-minute samples of a daily cycle (noise 5), each time up to 2 minutes off its schedule, as a
        // collector's are. The median spacing came out at 297-302 s (a season of 286-291 rows) and slots were counted
        // from the first row's own drift, so the same time of the previous days was looked up rows off: 49 alarms on
        // these ordinary series (0-9 each), 5 now, about what exact times give (14 in 40 such series)
        int alarms = 0;
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            StringBuilder csv = new StringBuilder("timestamp,value\n");
            long start = java.time.Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();
            for (int i = 0; i < 2880; i++) {
                long t = start + 300L * i + rnd.nextInt(-120, 121);
                csv.append(java.time.Instant.ofEpochSecond(t)).append(',')
                        .append(200 + 50 * Math.sin(2 * Math.PI * i / 288) + 5 * rnd.nextGaussian()).append('\n');
            }
            Path f = dir.resolve("drift-" + seed + ".csv");
            java.nio.file.Files.writeString(f, csv);
            GenericSeries.Series s = GenericSeries.read(f, null, null);
            assertThat(s.medianStepSeconds()).isEqualTo(300);
            assertThat(s.period()).isEqualTo(288);
            long[] slots = s.slots();
            for (int i = 0; i < slots.length; i++) assertThat(slots[i]).as("row %d", i).isEqualTo(i);
            alarms += flagged(GenericSeries.score(s, GenericSeries.Method.ROBUST, SeriesDetector.Settings.defaults())).size();
        }
        assertThat(alarms).isLessThanOrEqualTo(8);
    }

    @Test
    void read_epochSecondsMillisecondsAndSequenceNumbers_areTimesLikeIsoOnes(@TempDir Path dir) throws Exception {
        Path secs = dir.resolve("secs.csv");
        java.nio.file.Files.writeString(secs, "timestamp,value\n1396310400,1\n1396310700,2\n1396311000,1\n1396311600,3\n");
        GenericSeries.Series s = GenericSeries.read(secs, null, null);
        assertThat(s.medianStepSeconds()).isEqualTo(300);
        assertThat(s.period()).isEqualTo(288); // five-minute data: a day is 288 points
        assertThat(s.slots()).containsExactly(0, 1, 2, 4);

        Path millis = dir.resolve("millis.csv");
        java.nio.file.Files.writeString(millis, "timestamp,value\n1396310400000,1\n1396314000000,2\n1396317600000,1\n");
        assertThat(GenericSeries.read(millis, null, null).period()).isEqualTo(24);

        Path rows = dir.resolve("rows.csv");
        java.nio.file.Files.writeString(rows, "timestamp,value\n1,5\n2,6\n3,5\n5,7\n");
        GenericSeries.Series r = GenericSeries.read(rows, null, null);
        assertThat(r.clock()).isFalse();
        assertThat(r.period()).isZero(); // the sampling rate is unknown, so is a daily season
        assertThat(r.slots()).containsExactly(0, 1, 2, 4);
        assertThat(r.timestamps()).containsExactly("1", "2", "3", "5");

        Path slashes = dir.resolve("slashes.csv");
        java.nio.file.Files.writeString(slashes, "timestamp,value\n2014/04/01 00:00:00,1\n2014/04/01 01:00:00,2\n2014/04/01 02:00:00,1\n");
        assertThat(GenericSeries.read(slashes, null, null).medianStepSeconds()).isEqualTo(3600);

        // nanoseconds (Prometheus, pandas) and microseconds are not read as milliseconds (a 300 s step, not 300,000,000)
        Path nanos = dir.resolve("nanos.csv");
        java.nio.file.Files.writeString(nanos, "timestamp,value\n1396310400000000000,1\n1396310700000000000,2\n1396311000000000000,1\n");
        assertThat(GenericSeries.read(nanos, null, null).medianStepSeconds()).isEqualTo(300);
        Path micros = dir.resolve("micros.csv");
        java.nio.file.Files.writeString(micros, "timestamp,value\n1396310400000000,1\n1396310700000000,2\n1396311000000000,1\n");
        assertThat(GenericSeries.read(micros, null, null).medianStepSeconds()).isEqualTo(300);
        // an offset written without its colon, and a spreadsheet's byte-order mark before the header
        Path offsets = dir.resolve("offsets.csv");
        java.nio.file.Files.writeString(offsets, "\uFEFFtimestamp,value\n2024-05-01T00:00:00+0000,1\n2024-05-01T01:00:00+0000,2\n2024-05-01T03:00:00+0200,3\n");
        assertThat(GenericSeries.read(offsets, null, null).slots()).containsExactly(0, 1, 1);
    }

    @Test
    void read_whatIsNotACommaSeparatedSeries_isRefusedSayingWhat(@TempDir Path dir) throws Exception {
        Path semicolons = dir.resolve("semi.csv");
        java.nio.file.Files.writeString(semicolons, "timestamp;value\n2024-05-01 01:00:00;1\n");
        assertThatThrownBy(() -> GenericSeries.read(semicolons, null, null))
                .hasMessage(semicolons + ":1: the header 'timestamp;value' is one column separated by ';': the file must be comma-separated");
        assertThatThrownBy(() -> GenericSeries.read(dir, null, null)).hasMessage("cannot read " + dir + ": it is a folder, not a CSV file");
        Path gz = dir.resolve("series.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gz))) {
            out.write("timestamp,value\n2024-05-01 01:00:00,1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> GenericSeries.read(gz, null, null)).hasMessage("cannot read " + gz + ": it is gzip-compressed (gunzip it first), not a CSV file");
        Path infinite = dir.resolve("inf.csv");
        java.nio.file.Files.writeString(infinite, "timestamp,value\n2024-05-01 01:00:00,1\n2024-05-01 02:00:00,1e999\n");
        // file, line, column (its place and name), value and reason (a trial's error named no column)
        assertThatThrownBy(() -> GenericSeries.read(infinite, null, null)).hasMessage(infinite + ":3: column 2 (value) '1e999' is not a finite number");
        Path named = dir.resolve("named.csv");
        java.nio.file.Files.writeString(named, "host,TimeStamp,Value\na,2024-05-01 01:00:00,1\na,2024-05-01 02:00:00,12x4.5\n");
        assertThatThrownBy(() -> GenericSeries.read(named, "timestamp", "value")).hasMessage(named + ":3: column 3 (Value) '12x4.5' is not a number");
        // a bad time too, whichever kind of time it is not
        Path badTime = dir.resolve("badtime.csv");
        java.nio.file.Files.writeString(badTime, "timestamp,value\n2024-05-01 01:00:00,1\n2024-13-01 02:00:00,2\n");
        assertThatThrownBy(() -> GenericSeries.read(badTime, null, null)).hasMessageStartingWith(badTime + ":3: column 1 (timestamp) '2024-13-01 02:00:00' is not an ISO 8601 time");
        Path quote = dir.resolve("quote.csv");
        java.nio.file.Files.writeString(quote, "timestamp,value\n2024-05-01 01:00:00,\"1\n2024-05-01 02:00:00,2\n");
        assertThatThrownBy(() -> GenericSeries.read(quote, null, null)).hasMessageContaining("quote.csv:2: column 2 (value)").hasMessageEndingWith("(it runs over several lines: is a quote left open?)");
    }

    @Test
    void read_timesOfDifferentKindsInOneColumn_isRefusedWithItsLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mixed.csv");
        java.nio.file.Files.writeString(f, "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,2\n17,3\n");
        assertThatThrownBy(() -> GenericSeries.read(f, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixed.csv:4").hasMessageContaining("'17' is a sequence number").hasMessageContaining("an ISO 8601 time");
    }

    @Test
    void read_rowsOutOfOrderOfAnotherWidthOrNone_areRefusedNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path back = dir.resolve("back.csv");
        java.nio.file.Files.writeString(back, "timestamp,value\n2024-05-01 02:00:00,1\n2024-05-01 01:00:00,2\n");
        assertThatThrownBy(() -> GenericSeries.read(back, null, null)).hasMessageContaining("back.csv:3: column 1 (timestamp)")
                .hasMessageContaining("'2024-05-01 01:00:00' is before the row above it ('2024-05-01 02:00:00')");
        Path same = dir.resolve("same.csv"); // repeated times are kept: real telemetry has them
        java.nio.file.Files.writeString(same, "timestamp,value\n2024-05-01 01:00:00,1\n2024-05-01 01:00:00,2\n2024-05-01 02:00:00,2\n");
        assertThat(GenericSeries.read(same, null, null).values()).hasSize(3);
        // ... but a file where every time comes twice is two series read as one (two hosts of a long-format export)
        StringBuilder hosts = new StringBuilder("timestamp,value\n");
        for (int m = 0; m < 40; m++) hosts.append(String.format("2024-05-01 01:%02d:00,%d%n2024-05-01 01:%02d:00,%d%n", m, 10, m, 90));
        Path twoHosts = dir.resolve("hosts.csv");
        java.nio.file.Files.writeString(twoHosts, hosts);
        assertThat(GenericSeries.read(twoHosts, null, null).medianStepSeconds()).as("the step between distinct times").isEqualTo(60);
        assertThat(GenericSeries.read(twoHosts, null, null).mixedSeriesWarning()).hasValue(
                "40 of 80 rows repeat the time of the row above: if the file holds several series (a host or label column), score each one alone");
        Path crash = TestLedger.fixture("anomaly/app1-01.csv", dir); // a real series with a few repeated hours: no warning
        GenericSeries.Series real = GenericSeries.read(crash, "TimeStamp", "Value");
        assertThat(real.repeatedTimes()).isPositive();
        assertThat(real.mixedSeriesWarning()).isEmpty();
        Path semicolons = dir.resolve("semi.csv");
        java.nio.file.Files.writeString(semicolons, "timestamp,value\n2024-05-01 01:00:00,1\n2024-05-01 02:00:00;2\n");
        assertThatThrownBy(() -> GenericSeries.read(semicolons, null, null)).hasMessageContaining("semi.csv:3: 1 fields where the header has 2");
        Path empty = dir.resolve("empty.csv");
        java.nio.file.Files.writeString(empty, "timestamp,value\n");
        assertThatThrownBy(() -> GenericSeries.read(empty, null, null)).hasMessageContaining("empty.csv: no rows to score");
        assertThatThrownBy(() -> GenericSeries.read(dir.resolve("missing.csv"), null, null)).hasMessageEndingWith("missing.csv: no such file");
    }

    @Test
    void score_levelShift_isOneIncidentRunFromItsAlarmWhileASpikeIsItsAlarmAlone() {
        SplittableRandom rnd = new SplittableRandom(18);
        double[] v = new double[600];
        for (int i = 0; i < v.length; i++) v[i] = (i >= 400 ? 80 : 50) + rnd.nextGaussian();
        v[200] = 70; // a spike that comes straight back
        SeriesDetector.Scores s = detector.score(v, 0);
        assertThat(flagged(s)).containsExactly(200, 400);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < v.length; i++) if (s.incident(i)) rows.add(i);
        // the spike is its alarm alone; the shift's incident runs on from its alarm while the level window still lags
        // (the 3 points, w/2, over which the detector confirms a new level), contiguous, so it is one alarm
        assertThat(rows).containsExactly(200, 400, 401, 402, 403);
        assertThat(s.score()[401]).isZero(); // the score stays the onset's: once per incident
    }

    @Test
    void score_firstMorningOfADailyCycle_isNotTakenForAnIncident() {
        // hourly purchases that triple every morning from 14:00 UTC (a real series of anomaly-dev starts like this):
        // on its first day the detector has no season to know the ramp by
        SplittableRandom rnd = new SplittableRandom(19);
        double[] v = new double[24 * 10];
        for (int i = 0; i < v.length; i++) {
            int hour = i % 24;
            double shape = hour >= 14 && hour < 22 ? 3 : hour >= 22 || hour < 4 ? 1.6 : 1;
            v[i] = Math.round(shape * 3000 * (1 + 0.04 * rnd.nextGaussian()));
        }
        assertThat(flagged(detector.score(v, 24))).isEmpty();
    }

    @Test
    void score_missingIntervalBeforeAShift_stillFlagsTheShiftAndNotTheGap() {
        SplittableRandom rnd = new SplittableRandom(14);
        double[] v = new double[400];
        for (int i = 0; i < v.length; i++) v[i] = (i >= 300 ? 80 : 50) + rnd.nextGaussian();
        for (int i = 150; i < 200; i++) v[i] = Double.NaN;
        SeriesDetector.Scores s = detector.score(v, 0);
        assertThat(flagged(s)).isNotEmpty().allSatisfy(i -> assertThat(i).isBetween(300, 305));
        for (int i = 150; i < 200; i++) assertThat(s.score()[i]).isZero();
    }

    /**
     * 10 days of 5-minute samples of a daily cycle (200 ± 50, noise 5) with 4 gaps of 3 hours, as rows the file does
     * not have ({@code asRows}) or as missing values; with {@code shift}, 40 more from the end of the third gap on.
     * Returns the values and their slots (null for missing values: evenly spaced) and the first row after each gap.
     */
    private static Object[] cycleWithGaps(long seed, boolean asRows, boolean shift) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Double> v = new ArrayList<>();
        List<Long> slots = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        for (int i = 0; i < 2880; i++) {
            double x = 200 + 50 * Math.sin(2 * Math.PI * i / 288) + 5 * rnd.nextGaussian() + (shift && i >= 7 * 288 + 136 ? 40 : 0);
            int day = i / 288;
            boolean gap = day >= 3 && day % 2 == 1 && i % 288 >= 100 && i % 288 < 136; // days 3, 5, 7, 9
            if (day >= 3 && day % 2 == 1 && i % 288 == 136) after.add(asRows ? v.size() : i);
            if (gap && asRows) continue;
            v.add(gap ? Double.NaN : x);
            slots.add((long) i);
        }
        return new Object[] {v.stream().mapToDouble(Double::doubleValue).toArray(), asRows ? slots.stream().mapToLong(Long::longValue).toArray() : null, after};
    }

    @Test
    @SuppressWarnings("unchecked")
    void score_gapsInADailyCycle_areBridgedByTheSameTimeOfEarlierDays_notAlarmedAfter_whileAShiftAcrossOneIs() {
        // the level after a gap was the cycle's before it: the first rows after 3 hours without data alarmed after 23
        // of these 40 gaps (as missing values: 40 of 40), a shift across the third gap was found at its first rows in 5
        // of 10 series (as missing values: 0), and the 110 single missing values of the hourly series below were
        // followed by 95 alarms (a missing point switched to the plain predictor, which lags a cycle)
        int afterGaps = 0;
        int gaps = 0;
        int shiftsFound = 0;
        for (long seed = 1; seed <= 10; seed++) {
            for (boolean asRows : new boolean[] {true, false}) {
                Object[] c = cycleWithGaps(seed, asRows, false);
                SeriesDetector.Scores s = detector.score((double[]) c[0], (long[]) c[1], 288);
                for (int e : (List<Integer>) c[2]) {
                    gaps++;
                    for (int i = e; i < e + 20; i++) if (s.anomaly()[i]) afterGaps++;
                }
                // the same series 40 higher from the end of the third gap: a change across a gap is a change
                Object[] shifted = cycleWithGaps(seed, asRows, true);
                int end = ((List<Integer>) shifted[2]).get(2);
                if (flagged(detector.score((double[]) shifted[0], (long[]) shifted[1], 288)).stream().anyMatch(i -> i >= end && i < end + 3)) shiftsFound++;
            }
        }
        assertThat(gaps).isEqualTo(80);
        assertThat(afterGaps).isLessThanOrEqualTo(2);
        assertThat(shiftsFound).isEqualTo(20);

        int afterMissing = 0;
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] v = new double[24 * 60];
            for (int i = 0; i < v.length; i++) v[i] = 200 + 50 * Math.sin(2 * Math.PI * i / 24) + 5 * rnd.nextGaussian();
            for (int d = 5; d < 60; d += 5) v[d * 24 + (int) (seed * 7 % 24)] = Double.NaN;
            SeriesDetector.Scores s = detector.score(v, 24);
            for (int d = 5; d < 60; d += 5) for (int i = d * 24 + (int) (seed * 7 % 24); i < d * 24 + (int) (seed * 7 % 24) + 20; i++) if (s.anomaly()[i]) afterMissing++;
        }
        assertThat(afterMissing).isLessThanOrEqualTo(2); // of 110 missing values
    }

    /**
     * Minute samples of a daily cycle (1,000 ± 300, noise 20) over 6 days, with {@code missing} of the rows dropped at
     * random (the rows the file does not have; their slots kept); with {@code step}, 200 more from 14:00 of day 5 on.
     * Returns the values, their slots and the row of the step's first minute.
     */
    private static Object[] minutesWithRowsMissing(long seed, double missing, boolean step) {
        return minutesWithGaps(seed, missing, step, false);
    }

    /** The same, with the missing rows kept and their values left empty ({@code empty}: NaN, evenly spaced). */
    private static Object[] minutesWithGaps(long seed, double missing, boolean step, boolean empty) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Double> v = new ArrayList<>();
        List<Long> slots = new ArrayList<>();
        int stepAt = 5 * 1440 + 14 * 60;
        int stepRow = -1;
        for (int i = 0; i < 6 * 1440; i++) {
            double x = 1000 + 300 * Math.sin(2 * Math.PI * i / 1440) + 20 * rnd.nextGaussian() + (step && i >= stepAt ? 200 : 0);
            boolean gone = rnd.nextDouble() < missing && i != stepAt;
            if (gone && !empty) continue;
            if (i == stepAt) stepRow = v.size();
            v.add(gone ? Double.NaN : x);
            slots.add((long) i);
        }
        return new Object[] {v.stream().mapToDouble(Double::doubleValue).toArray(), empty ? null : slots.stream().mapToLong(Long::longValue).toArray(), stepRow};
    }

    @Test
    void score_minuteCycleWithATenthOfItsRowsMissingAtRandom_alarmsAtMostTwiceAsOftenAsComplete_andStillFindsAStep() {
        // where no row held a phase's minute in an earlier day, the seasonal predictor fell back to the plain level
        // (which lags the cycle) and handed back again: these 10 series alarmed 70 times with a tenth of their rows
        // missing, 12 times complete (anomaly-dev's minute series: 85 and 34). A row up to 5 minutes off now stands in
        // for the missing one: 20
        int complete = 0;
        int thinned = 0;
        int found = 0;
        for (long seed = 1; seed <= 10; seed++) {
            Object[] full = minutesWithRowsMissing(seed, 0, false);
            complete += flagged(detector.score((double[]) full[0], (long[]) full[1], 1440)).size();
            Object[] thin = minutesWithRowsMissing(seed, 0.1, false);
            thinned += flagged(detector.score((double[]) thin[0], (long[]) thin[1], 1440)).size();
            Object[] step = minutesWithRowsMissing(seed, 0.1, true);
            int at = (int) step[2];
            if (flagged(detector.score((double[]) step[0], (long[]) step[1], 1440)).stream().anyMatch(i -> i >= at && i < at + 5)) found++;
        }
        assertThat(thinned).as("alarms with a tenth of the rows missing, %d complete", complete).isLessThanOrEqualTo(2 * complete);
        assertThat(found).isEqualTo(10);
    }

    @Test
    void score_minuteCycleWithATenthOfItsValuesEmpty_alarmsAtMostTwiceAsOftenAsComplete_andStillFindsAStep() {
        // the same with the rows kept and their values empty: the phase's row is there but has no value, and the
        // season lost its offset as when the row was missing (44 alarms against 12 complete; now 21)
        int complete = 0;
        int empty = 0;
        int found = 0;
        for (long seed = 1; seed <= 10; seed++) {
            complete += flagged(detector.score((double[]) minutesWithGaps(seed, 0, false, true)[0], null, 1440)).size();
            empty += flagged(detector.score((double[]) minutesWithGaps(seed, 0.1, false, true)[0], null, 1440)).size();
            Object[] step = minutesWithGaps(seed, 0.1, true, true);
            int at = (int) step[2];
            if (flagged(detector.score((double[]) step[0], null, 1440)).stream().anyMatch(i -> i >= at && i < at + 5)) found++;
        }
        assertThat(empty).as("alarms with a tenth of the values empty, %d complete", complete).isLessThanOrEqualTo(2 * complete);
        assertThat(found).isEqualTo(10);
    }

    /** 10 weeks of hourly data with a daily cycle, at half its level at weekends (noise 5%); days 0, 7, ... are Mondays. */
    private static double[] weekendsAtHalf(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[24 * 70];
        for (int i = 0; i < v.length; i++) v[i] = ((i / 24) % 7 >= 5 ? 50 : 100) * (1 + 0.4 * Math.sin(2 * Math.PI * i / 24)) * (1 + 0.05 * rnd.nextGaussian());
        return v;
    }

    @Test
    void score_hourlySeriesQuieterAtWeekends_weekendsAreNotAlarmedOnceTwoWeeksShowThem_whileAWeekendSpikeIs() {
        // the season learnt is a day: most weekends' start alarmed (126 alarms from the third week on in these 20
        // series, 4.7 per 1,000 hours; now 3), and a spike on a Saturday was found in 17 of 20 (the alarms around it)
        int alarms = 0;
        int spikes = 0;
        for (long seed = 1; seed <= 20; seed++) {
            alarms += (int) flagged(detector.score(weekendsAtHalf(seed), 24)).stream().filter(i -> i >= 24 * 14).count();
            double[] v = weekendsAtHalf(seed);
            int saturdayNoon = 24 * (7 * 8 + 5) + 12;
            v[saturdayNoon] *= 4; // twice a weekday's level, on a Saturday
            if (flagged(detector.score(v, 24)).contains(saturdayNoon)) spikes++;
        }
        assertThat(alarms).isLessThanOrEqualTo(20);
        assertThat(spikes).isEqualTo(20);
    }

    @Test
    void score_hourlySpendBackUpToALevelLeftDaysBefore_isFlagged_notTakenForTheWeeksPattern() {
        // a review of the week's-pattern rule: the same hour one and two weeks before was at the level the spend came
        // back to, so the rise scored 0 again and again (found in 9 and 11 of 20 series 2 and 5 days after the drop);
        // the weeks before must themselves have been off what was expected of them
        SeriesDetector spend = new SeriesDetector(SeriesDetector.Settings.defaults().withRestFloor(false).withEndAtReturn(false));
        for (int days : new int[] {2, 5}) {
            int found = 0;
            for (long seed = 1; seed <= 20; seed++) {
                SplittableRandom rnd = new SplittableRandom(seed);
                double[] v = new double[24 * 60];
                int drop = 24 * 40;
                int rise = 24 * (40 + days) + 9;
                for (int i = 0; i < v.length; i++) v[i] = 1000 * (1 + 0.2 * Math.sin(2 * Math.PI * i / 24)) * (i >= drop && i < rise ? 0.4 : 1) * (1 + 0.03 * rnd.nextGaussian());
                int r = rise;
                if (flagged(spend.score(v, 24)).stream().anyMatch(i -> i >= r && i < r + 24)) found++;
            }
            assertThat(found).as("back up %d days after the drop", days).isEqualTo(20);
        }
    }

    @Test
    void score_outageRightAfterAGap_itsRestoreEndsIt_notANewIncident() {
        // a review: the level of a point expected across the gap was not kept, so an outage that began there kept no
        // level before it, never ended, and its restore alarmed (10 of 10)
        int restores = 0;
        for (long seed = 1; seed <= 10; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<Double> v = new ArrayList<>();
            List<Long> slots = new ArrayList<>();
            for (int i = 0; i < 2880; i++) {
                if (i >= 1500 && i < 1536) continue; // 3 hours without rows
                v.add((i >= 1536 && i < 1836 ? 10 : 200) + 2 * rnd.nextGaussian()); // then an outage of 25 hours
                slots.add((long) i);
            }
            SeriesDetector.Scores s = detector.score(v.stream().mapToDouble(Double::doubleValue).toArray(), slots.stream().mapToLong(Long::longValue).toArray(), 288);
            int restore = 1836 - 36;
            if (flagged(s).stream().anyMatch(i -> i >= restore && i < restore + 60)) restores++;
            assertThat(flagged(s)).as("seed %d", seed).anyMatch(i -> i >= 1500 && i < 1503);
        }
        assertThat(restores).isLessThanOrEqualTo(1);
    }

    /** {@code n} days from a Monday: weekdays at {@code weekday}, weekends at {@code weekend}, 3% noise. */
    private static double[] weekdaysAndWeekends(long seed, int n, double weekday, double weekend) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int t = 0; t < n; t++) v[t] = (t % 7 >= 5 ? weekend : weekday) * (1 + 0.03 * rnd.nextGaussian());
        return v;
    }

    @Test
    void score_dailySeriesWithSingleMissingDays_doesNotAlarmAfterThem() {
        // with a level window of 3 days, one missing left Friday and the weekend as a Monday's level: 122 alarms within
        // 3 days of these 280 missing days
        int after = 0;
        for (long seed = 1; seed <= 20; seed++) {
            double[] v = weekdaysAndWeekends(seed, 400, 1000, 200);
            List<Integer> missing = new ArrayList<>();
            for (int t = 30 + (int) (seed % 7); t < 380; t += 25) {
                v[t] = Double.NaN;
                missing.add(t);
            }
            List<Integer> f = flagged(detector.score(v, 7));
            for (int m : missing) after += (int) f.stream().filter(i -> i > m && i <= m + 3).count();
        }
        assertThat(after).isLessThanOrEqualTo(2);
    }

    @Test
    void score_dailySeriesMissingADayInItsThirdWeek_doesNotAlarmAfterIt() {
        // a trial's file of 39 days (weekdays 1,300, weekends 800) without its second Sunday alarmed on an ordinary
        // Tuesday nine days later: the next Sunday had one earlier Sunday to take its offset from, not the two the
        // season asks for, so it was expected at the weekday level, and the week's predictor had to win its place again
        int after = 0;
        for (long seed = 1; seed <= 21; seed++) {
            double[] v = weekdaysAndWeekends(seed, 42, 1300, 800);
            int m = 14 + (int) (seed % 7);
            v[m] = Double.NaN;
            after += (int) flagged(detector.score(v, 7)).stream().filter(i -> i > m).count();
        }
        assertThat(after).isZero();
    }

    @Test
    void score_furtherShiftAfterAnAcceptedOne_isFlaggedAgain() {
        SplittableRandom rnd = new SplittableRandom(16);
        double[] v = new double[500];
        for (int i = 0; i < v.length; i++) v[i] = (i >= 380 ? 110 : i >= 300 ? 80 : 50) + rnd.nextGaussian();
        List<Integer> f = flagged(detector.score(v, 0));
        assertThat(f).contains(300).anySatisfy(i -> assertThat(i).isBetween(380, 385))
                .allSatisfy(i -> assertThat(i).satisfiesAnyOf(x -> assertThat(x).isBetween(300, 305), x -> assertThat(x).isBetween(380, 385)));
    }

    /**
     * 9 weeks of a daily series at 1,000 on weekdays and 200 at weekends (3% noise); 600 a day more from day
     * {@code rise}, and, where {@code runaway} is set, one day at 4 times its usual 9 days before.
     */
    private static double[] weekdaysThenRise(long seed, int rise, boolean runaway) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[63];
        for (int t = 0; t < v.length; t++) {
            v[t] = (t % 7 >= 5 ? 200 : 1000) * (1 + 0.03 * rnd.nextGaussian());
            if (runaway && t == rise - 9) v[t] *= 4;
            if (t >= rise) v[t] += 600 * (1 + 0.03 * rnd.nextGaussian());
        }
        return v;
    }

    private static final SeriesDetector DAILY_SPEND = new SeriesDetector(SeriesDetector.Settings.defaults().withTailDf(7).withRestFloor(false));

    @Test
    void score_newWeekdayHeavySpend_isQuietInItsThirdWeeks_whenTheSeasonalScaleMustRestOnASeason() {
        // a new scope at 1,000 on weekdays and 500 at weekends, 10% noise: the seasonal predictor may take over from day
        // 14, and the scale started from its own residuals then, a handful of them, which can be a fifth of the days'
        // real spread (a weekday-heavy network service of the demo: 19-39 for days that vary by 100-300). With that scale
        // taken only once it rests on a whole season of residuals, those weeks stay quiet; a runaway day later is
        // found as before, and a lasting rise a few days after the switch more often
        SeriesDetector.Settings spend = SeriesDetector.Settings.defaults().withTailDf(7).withRestFloor(false).withEndAtReturn(false)
                .withSettledStart(false);
        int[] early = new int[2];
        int[] rises = new int[2];
        for (int proven = 0; proven < 2; proven++) {
            SeriesDetector d = new SeriesDetector(spend.withSeasonProven(proven == 1));
            for (long seed = 1; seed <= 200; seed++) {
                SplittableRandom rnd = new SplittableRandom(seed);
                double[] v = new double[120];
                for (int i = 0; i < v.length; i++) v[i] = (i % 7 >= 5 ? 500 : 1000) * (1 + 0.1 * rnd.nextGaussian());
                early[proven] += (int) flagged(d.score(v, 7)).stream().filter(i -> i < 42).count();
                double[] runaway = v.clone();
                runaway[90] = 3000;
                assertThat(d.score(runaway, 7).anomaly()[90]).as("runaway, seed %d", seed).isTrue();
                double[] rise = v.clone();
                for (int i = 26; i < rise.length; i++) rise[i] += 600;
                if (flaggedWithin(d.score(rise, 7), 26, 2)) rises[proven]++;
            }
        }
        assertThat(early[0]).isGreaterThanOrEqualTo(8);
        assertThat(early[1]).isLessThanOrEqualTo(1);
        assertThat(rises[1]).isGreaterThanOrEqualTo(rises[0]);
    }

    @Test
    void score_sustainedRiseOfADailySeriesQuietAtWeekends_isFlaggedWithinTwoDays_evenAfterARunaway() {
        // the scale learnt while the season was unknown (weekday against weekend: residuals of 800) was kept when the
        // weekly predictor took over (500 on day 14 for residuals of 30-60), and such a rise was found within two days in 26 of
        // 40 draws, 5 of 40 after a runaway
        int found = 0;
        int foundAfterRunaway = 0;
        for (long seed = 1; seed <= 40; seed++) {
            int rise = 44 + (int) (seed % 7); // every day of the week
            if (flaggedWithin(DAILY_SPEND.score(weekdaysThenRise(seed, rise, false), 7), rise, 2)) found++;
            if (flaggedWithin(DAILY_SPEND.score(weekdaysThenRise(seed, rise, true), 7), rise, 2)) foundAfterRunaway++;
        }
        assertThat(found).isEqualTo(40);
        // after a runaway (on some draws a weekend day), its spike stayed in the level's median and the scale was still
        // the one the weekly predictor started from: 33 of 40 before (below)
        assertThat(foundAfterRunaway).isEqualTo(40);
    }

    @Test
    void score_runawayOnAWeekendOfSpendQuietAtWeekends_isFlaggedAlone_notTheOrdinaryMondayAfterIt() {
        // 200 series of 120 days at 1,000 on weekdays and 200 at weekends (3% noise), each with a Saturday at 4 times
        // its usual. The median of Friday, the runaway and Sunday was the runaway, so the Monday after it was
        // expected at about 1,700: a false alarm in 198 of 200 series (219 alarms besides the runaways), which also
        // re-anchored the detector at a "new level" and left it blind for 10 days
        int runaways = 0;
        int mondays = 0;
        int otherAlarms = 0;
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] v = new double[120];
            int saturday = 33 + 7 * (int) (seed % 10); // days 0, 7, ... are Mondays
            for (int t = 0; t < v.length; t++) v[t] = (t % 7 >= 5 ? 200 : 1000) * (1 + 0.03 * rnd.nextGaussian()) * (t == saturday ? 4 : 1);
            List<Integer> f = flagged(DAILY_SPEND.score(v, 7));
            if (f.contains(saturday)) runaways++;
            if (f.contains(saturday + 2)) mondays++;
            otherAlarms += f.size() - (f.contains(saturday) ? 1 : 0);
        }
        assertThat(runaways).isGreaterThanOrEqualTo(198);
        assertThat(mondays).isZero();
        // the few left are in the series' fourth week, when the weekly predictor's scale has few residuals yet
        assertThat(otherAlarms).isLessThanOrEqualTo(8);
    }

    @Test
    void score_dailySpendQuietAtWeekends_scaleSettlesNearItsNoiseOnceTheWeekIsLearnt() {
        // the weekly offsets were taken against the first days' levels, medians of one or two points, so the seasonal
        // predictor's first errors were several times its later ones, and the long-run floor held the scale there for
        // months: 84 on average over days 28-62 for residuals of about 45, where a lasting rise of 60% was missed
        double sum = 0;
        int count = 0;
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] v = new double[63];
            for (int t = 0; t < v.length; t++) v[t] = (t % 7 >= 5 ? 200 : 1000) * (1 + 0.03 * rnd.nextGaussian());
            double[] scale = DAILY_SPEND.score(v, 7).scale();
            for (int t = 28; t < v.length; t++) {
                sum += scale[t];
                count++;
            }
        }
        assertThat(sum / count).isBetween(30.0, 55.0);
    }

    @Test
    void score_dailySeriesQuietAtWeekendsWithoutIncident_alarmsAtMostOnceIn2000Days() {
        int alarms = 0;
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] v = new double[120];
            for (int t = 0; t < v.length; t++) v[t] = (t % 7 >= 5 ? 200 : 1000) * (1 + 0.1 * rnd.nextGaussian());
            alarms += flagged(DAILY_SPEND.score(v, 7)).size();
        }
        assertThat(alarms).isLessThanOrEqualTo(24000 / 2000);
    }

    private static boolean flaggedWithin(SeriesDetector.Scores s, int from, int days) {
        for (int t = from; t < from + days; t++) if (s.anomaly()[t]) return true;
        return false;
    }

    /**
     * 14 days of 5-minute data: 80 from 09:00 to 18:00, 20 otherwise (noise 3), as an artificial benchmark series or a
     * service used in working hours; with {@code jump}, 40 more in working hours from row 3,000 (day 11).
     */
    private static double[] workingHours(long seed, boolean jump) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[4032];
        for (int i = 0; i < v.length; i++) {
            int minute = (i * 5) % 1440;
            boolean day = minute >= 540 && minute < 1080;
            v[i] = (day ? 80 : 20) + 3 * rnd.nextGaussian() + (jump && i >= 3000 && day ? 40 : 0);
        }
        return v;
    }

    @Test
    void score_dailyCycleWithSharpSteps_isLearnt_notAlarmedEveryDay_andAJumpIsStillFound() {
        // each step was taken for a new level and re-anchored, which forgot the seasons: 12 alarms a series after
        // its first two days (240 in 20 series). Once a step's level is where the series was a day before, it is the cycle
        int alarms = 0;
        for (long seed = 1; seed <= 20; seed++) {
            alarms += flagged(detector.score(workingHours(seed, false), 288)).stream().filter(i -> i >= 605).count();
            List<Integer> f = flagged(detector.score(workingHours(seed, true), 288));
            // at its first half hour (w/2 points), before the day's next step at 18:00
            assertThat(f).as("seed " + seed).anySatisfy(i -> assertThat(i).isBetween(3000, 3000 + 30));
        }
        assertThat(alarms).isLessThanOrEqualTo(60);
    }

    /** 50 with unit noise; from row 300 the level of {@code during}, from row 400 the level of {@code after}. */
    private static double[] shiftThen(long seed, double during, double after, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i >= 400 ? after : i >= 300 ? during : 50) + rnd.nextGaussian();
        return v;
    }

    @Test
    void score_levelShiftThatEndsBackAtTheLevelBefore_isFlaggedAtItsOnsetOnly() {
        // a fault that lasts (a new level) and clears: the way back is the incident's end, not a second incident
        for (long seed = 30; seed < 40; seed++) {
            SeriesDetector.Scores s = detector.score(shiftThen(seed, 80, 50, 600), 0);
            // (ordinary noise alarms about once in 10,000 rows: the rows before the fault are not what is tested)
            assertThat(flagged(s)).filteredOn(i -> i >= 250).isNotEmpty().allSatisfy(i -> assertThat(i).isBetween(300, 305));
            for (int i = 400; i < 410; i++) assertThat(s.score()[i]).isZero();
        }
    }

    @Test
    void score_withoutTheEndAtAReturn_theWayBackAlarms() {
        SeriesDetector spend = new SeriesDetector(SeriesDetector.Settings.defaults().withEndAtReturn(false));
        assertThat(flagged(spend.score(shiftThen(30, 80, 50, 600), 0))).anySatisfy(i -> assertThat(i).isBetween(400, 405));
    }

    @Test
    void score_dropThatEndsBackAtTheLevelBefore_isFlaggedAtItsOnsetOnly() {
        SeriesDetector.Scores s = detector.score(shiftThen(31, 20, 50, 600), 0);
        assertThat(flagged(s)).filteredOn(i -> i >= 250).isNotEmpty().allSatisfy(i -> assertThat(i).isBetween(300, 305));
    }

    @Test
    void score_wayBackThatPausesAtTheLevelBeforeAndGoesOnPastIt_isANewIncident() {
        // one point back at 50, then 20: the return only passed through the usual level. It is found once the points
        // after it show where it went (w/2 points later), and the way back from there ends it
        double[] v = shiftThen(43, 80, 20, 700);
        v[400] = 50;
        for (int i = 550; i < v.length; i++) v[i] += 30;
        List<Integer> f = flagged(detector.score(v, 0));
        assertThat(f).filteredOn(i -> i >= 250).hasSize(2).anySatisfy(i -> assertThat(i).isBetween(300, 305))
                .anySatisfy(i -> assertThat(i).isBetween(401, 410));
    }

    @Test
    void score_returnThatOvershootsTheLevelBefore_isANewIncident() {
        // back past the usual level by far more than its noise: the series is somewhere it has not been
        List<Integer> f = flagged(detector.score(shiftThen(41, 80, 20, 600), 0));
        assertThat(f).anySatisfy(i -> assertThat(i).isBetween(300, 305)).anySatisfy(i -> assertThat(i).isBetween(400, 405));
    }

    @Test
    void score_sameShiftAgainAfterTheFirstEnded_isFlaggedAgain() {
        double[] v = shiftThen(42, 80, 50, 700);
        for (int i = 500; i < v.length; i++) v[i] += 30; // the fault comes back a hundred rows after it cleared
        List<Integer> f = flagged(detector.score(v, 0));
        assertThat(f).anySatisfy(i -> assertThat(i).isBetween(300, 305)).anySatisfy(i -> assertThat(i).isBetween(500, 505))
                .noneSatisfy(i -> assertThat(i).isBetween(400, 420));
    }

    @Test
    void score_spikeThenBackToNormal_keepsTheSeasonAndFlagsALaterBreak() {
        SplittableRandom rnd = new SplittableRandom(17);
        double[] v = new double[24 * 28];
        for (int i = 0; i < v.length; i++) v[i] = 1000 + 600 * Math.sin(2 * Math.PI * (i % 24) / 24.0) + 20 * rnd.nextGaussian();
        v[24 * 20 + 3] += 3000;
        v[24 * 20 + 18] += 400; // found only with the daily cycle: were the spike taken for a new level, it would be lost
        assertThat(flagged(detector.score(v, 24))).containsExactly(24 * 20 + 3, 24 * 20 + 18);
    }

    @Test
    void score_flagMatchesTheDefaultThresholdOnTheScore() {
        double[] v = weeklySpend(15);
        v[60] = 2600;
        SeriesDetector.Scores s = detector.score(v, 7);
        for (int i = 0; i < v.length; i++) {
            assertThat(s.anomaly()[i]).isEqualTo(s.score()[i] >= SeriesDetector.Settings.defaults().threshold());
            assertThat(s.score()[i]).isBetween(0.0, 1.0);
        }
    }
}

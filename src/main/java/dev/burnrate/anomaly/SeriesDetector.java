package dev.burnrate.anomaly;

import java.util.Arrays;

/**
 * Causal anomaly scoring of one series: each point is judged only from the values before it (for a series under 720
 * points the level window is also sized from the series' length, see {@link #window(int, int)}), and the score is a
 * calibrated tail probability, so one threshold serves every series whatever its scale, noise or sampling rate.
 * <ol>
 *   <li>Expected value: a robust level (the median of the last {@code w} points) plus, where the series has a
 *       season, the median deviation of the same phase from its level in up to {@code K} previous seasons. Both
 *       predictors run side by side and the one with the smaller mean absolute error over about two seasons (at least
 *       4w points) is used, so a season is used only where the data show one (and never before two seasons of
 *       history exist). {@code w} follows from the
 *       season: a quarter of it, between 3 and 60 points, and at most a twelfth of the series, so that a short
 *       series of fast samples is judged from its first third rather than never.</li>
 *   <li>Scale: a robust running mean absolute deviation of the residuals (each residual clipped at a few scales
 *       before it enters, so an outlier does not blind the next points), floored at the smallest step the data have
 *       taken (counts, sensors with discrete readings), at 1% of the level, and at the same estimate with a 16 times
 *       longer memory (what the series has shown over its life, so a quiet stretch does not lower the bar for the
 *       noise that comes back). When the seasonal predictor takes over, the scale starts from that predictor's own
 *       residuals, learnt beside it. While the median level is 0 and the window holds nothing below 0 (an idle GPU, a
 *       queue at rest: a series that is 0 most of the time and busy in bursts), the point is judged (not learnt) on a
 *       scale of at least a third of the upper quantile of the last {@code 16w} residuals that the point test's Student
 *       t puts 3 scales out (5.8% of them for 3 degrees of freedom): the clipped estimates settle at the idle noise
 *       unless a quarter of the points are bursts, and each ordinary burst would be an incident; bursts rarer than
 *       that quantile leave it at the idle noise and still alarm ({@link Settings#restFloor}). What is learnt is the
 *       same either way, but for the new levels that the fewer alarms re-anchor at. The price: at rest the CUSUM,
 *       corrected for the bursts' correlation learnt on the narrow scale, barely grows, so a GPU held inside its usual
 *       burst range (60%) is found on about half of simulated pods, and one held at 100% when the level leaves 0
 *       (5-30 minutes in rather than 0-2).</li>
 *   <li>Evidence, as -log10 of a tail probability: for the point alone, the two-sided tail of a Student t (3 degrees
 *       of freedom by default: raw telemetry's residuals have heavy tails; see {@link Settings#tailDf}) at {@code |residual| / scale}; for a sustained shift or drift, a
 *       two-sided CUSUM of the standardised residuals, whose null probability of reaching {@code h} is about
 *       {@code exp(-2kh)}; that holds for independent increments of unit variance, so the increments are corrected for
 *       their lag-1 correlation and shrunk where their observed (clipped) variance is above 1, and, where the season is
 *       used, by how much wider the residuals have been at the same phase (within w/8 points) in the previous
 *       seasons: noise that grows with a daily level is wider at the peak than a scale learnt over most of a day. The
 *       larger of the two counts.</li>
 *   <li>Score in [0, 1]: 0 up to a tail probability of 10% (ordinary points), rising linearly in -log10 p to 1 at
 *       {@code 10^-fullEvidence}.</li>
 *   <li>Once per incident: a point scores only if its evidence is a new high over the last {@code R} points (a
 *       refractory period of w points); an alarm (score at or above the threshold) restarts the CUSUM, so a long fault alarms
 *       at its onset. An alarm whose next w/2 points came back (a spike, a short fault) has ended there: the
 *       refractory period ends with it and its peak no longer holds back the next incident, and its points are taken
 *       at what was expected of them in the level and seasonal offsets of the points after it (a runaway Saturday
 *       of weekday-heavy spend must not make Monday's expected a weekday above it). An incident that began a
 *       new level (below), judged against the plain level, ends when the series comes back
 *       ({@link Settings#endAtReturn}): a point on the way back that lies within {@code CLIP} scales of the level
 *       before the incident scores 0 (a fault cleared, traffic restored after an outage is no new incident). A return
 *       that goes on past that level by more than that, or a further shift, is one; after 64w points the new level
 *       is the normal and a return from it is a change.</li>
 *   <li>Re-anchoring: if the {@code w/2} points after an alarm stay more than {@code CLIP} scales off on the
 *       alarm's side (the level window still lags there), and the last quarter of them (at least the last one) are
 *       still that far off the alarm's expected value carried along the season (a burst that has ended by then is no
 *       new level), the alarm began a new level. The level window then starts
 *       at the alarm, seasonal offsets are taken only from points after the new level settled, and the trend, scale
 *       and predictor errors are learnt afresh (nothing scores for a warm-up of {@code max(10, 2w)} points; at the start of a series, also not before the
 *       scale's memory of 4w points has filled or one season has passed, whichever comes first), so the same shift
 *       does not alarm again when the refractory period ends while a further shift still does. A spike or a short
 *       fault comes back and changes nothing. Where the points after the alarm settled where the series was at the
 *       same time a season before (a daily cycle with sharp steps), it is the season: nothing is re-anchored.</li>
 * </ol>
 * The one thing taken from the whole series is its length, and only for series under 720 points (see
 * {@link #window(int, int)}); no value after a point changes its score.
 * Missing points are NaN: they are not scored and count for nothing. Where the level window misses a gap's worth of
 * points (missing values, or slots no row holds: at least 2 and w/8), the points after it, while the window still
 * holds it, are expected at their time's median in the previous seasons plus the window's median deviation from
 * its own times' medians. Values are telemetry or estimates, not ledger money.
 */
public final class SeriesDetector {
    /**
     * The few global parameters; defaults chosen on two development sets of different sources (see bench/RESULTS.md),
     * never per series.
     *
     * @param threshold    score at which a point is flagged (and the CUSUM restarts)
     * @param fullEvidence -log10 of the tail probability that scores 1
     * @param cusumDrift   CUSUM reference k, in scales: shifts of about 2k scales are what it looks for
     * @param seasons      previous seasons whose same phase gives the seasonal offset (0 = no season)
     * @param tailDf       degrees of freedom (odd) of the Student t a single point is judged by: 3 for raw telemetry,
     *                     whose residuals have heavy tails; more for sums of many charges, which are closer to normal
     * @param restFloor    whether a series at rest at 0 is judged by the size of its own frequent bursts (telemetry: an
     *                     idle GPU that is busy in bursts); off for spend, where a team idle most hours whose next run
     *                     costs twice its usual is the runaway to catch (with the floor such a run alarms an hour late,
     *                     or not at all)
     * @param endAtReturn  whether the way back from an incident that began a new level, to the level before it, ends
     *                     the incident rather than alarming (telemetry: a fault cleared); off for spend, where drops
     *                     are not reported by default and spend back at a level it left is a rise to report
     * @param settledStart whether, at the start of a series, seasonal offsets are taken only from its w-th point on, as
     *                     after a new level (telemetry: the scale is then the seasonal predictor's from its first
     *                     weeks); off for spend, whose first weeks keep the wider scale of offsets taken against the
     *                     first days' levels: with the settled start, organic variation in the demo's quiet weeks (a
     *                     team's training run on a Sunday, a day of doubled data transfer) was an incident at 4 of 25
     *                     load times; without it, at 1 (a ticket of 176 on a network service)
     * @param seasonProven whether the scale starts from the seasonal predictor's own residuals only once it has a whole
     *                     season of them, rather than when that predictor takes over (spend: from the handful of a third
     *                     week, a weekday-heavy scope's scale was 19-39 for days that vary by 100-300, so ordinary Sundays
     *                     alarmed: that ticket of 176. In 200 simulated new scopes, 12 false alarms in their first 6
     *                     weeks, now 0). Meanwhile the predictor is used with the scale it had. Off for telemetry, where
     *                     holding the takeover itself back cost anomaly-dev 0.01 of event F1
     */
    public record Settings(double threshold, double fullEvidence, double cusumDrift, int seasons, int tailDf, boolean restFloor,
                           boolean endAtReturn, boolean settledStart, boolean seasonProven) {
        public Settings(double threshold, double fullEvidence, double cusumDrift, int seasons) {
            this(threshold, fullEvidence, cusumDrift, seasons, 3, true, true, true, false);
        }

        public Settings(double threshold, double fullEvidence, double cusumDrift, int seasons, int tailDf) {
            this(threshold, fullEvidence, cusumDrift, seasons, tailDf, true, true, true, false);
        }

        public Settings {
            if (tailDf < 1 || tailDf % 2 == 0) throw new IllegalArgumentException("tailDf must be odd and positive, was " + tailDf);
            if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
            if (!(fullEvidence > 1)) throw new IllegalArgumentException("fullEvidence must be above 1, was " + fullEvidence);
            if (!(cusumDrift > 0)) throw new IllegalArgumentException("cusumDrift must be positive, was " + cusumDrift);
            if (seasons < 0) throw new IllegalArgumentException("seasons must not be negative, was " + seasons);
        }

        public static Settings defaults() {
            return new Settings(0.5, 4.5, 0.75, 7);
        }

        public Settings withThreshold(double t) {
            return new Settings(t, fullEvidence, cusumDrift, seasons, tailDf, restFloor, endAtReturn, settledStart, seasonProven);
        }

        public Settings withTailDf(int df) {
            return new Settings(threshold, fullEvidence, cusumDrift, seasons, df, restFloor, endAtReturn, settledStart, seasonProven);
        }

        public Settings withRestFloor(boolean on) {
            return new Settings(threshold, fullEvidence, cusumDrift, seasons, tailDf, on, endAtReturn, settledStart, seasonProven);
        }

        public Settings withEndAtReturn(boolean on) {
            return new Settings(threshold, fullEvidence, cusumDrift, seasons, tailDf, restFloor, on, settledStart, seasonProven);
        }

        public Settings withSettledStart(boolean on) {
            return new Settings(threshold, fullEvidence, cusumDrift, seasons, tailDf, restFloor, endAtReturn, on, seasonProven);
        }

        public Settings withSeasonProven(boolean on) {
            return new Settings(threshold, fullEvidence, cusumDrift, seasons, tailDf, restFloor, endAtReturn, settledStart, on);
        }
    }

    /**
     * Per point: expected value, the scale of normal deviation, robust z-score, score in [0, 1], flag (an alarm: the
     * onset of an incident, once), and whether the point continues the incident alarmed just before it (the points
     * right after an alarm that stay more than {@code CLIP} scales off on its side, while the alarm is being
     * confirmed). An incident's rows are its alarm and the ongoing points after it: one contiguous run.
     */
    public record Scores(double[] expected, double[] scale, double[] z, double[] score, boolean[] anomaly, boolean[] ongoing) {
        /** Scores whose incidents are their alarms alone. */
        public Scores(double[] expected, double[] scale, double[] z, double[] score, boolean[] anomaly) {
            this(expected, scale, z, score, anomaly, new boolean[anomaly.length]);
        }

        /** Whether point {@code t} belongs to an alarmed incident: its alarm or a point that continues it. */
        public boolean incident(int t) {
            return anomaly[t] || ongoing[t];
        }
    }

    /** Tail probability at which the score starts to rise above 0: ordinary points are those with p above 10%. */
    private static final double EVIDENCE_FLOOR = 1;
    /** Residuals enter the scale clipped at this many scales. */
    private static final double CLIP = 3;
    /** The scale is at least 1% of the level: a change smaller than that is not worth an alarm on any signal. */
    private static final double REL_FLOOR = 0.01;
    /**
     * The long-run scale's memory, in multiples of the scale's: the scale is never below what the series has shown
     * over its life (since the start or its last new level), so a quiet stretch does not make ordinary noise look
     * like an anomaly when it comes back.
     */
    private static final int LONG_MEMORY = 16;
    /** Residuals needed before any point is scored. */
    private static final int MIN_HISTORY = 10;

    private final Settings settings;

    public SeriesDetector(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * @param values evenly spaced values (NaN = missing)
     * @param period points per season (e.g. 24 for hourly data with a daily cycle, 7 for daily data); 0 = none
     */
    public Scores score(double[] values, int period) {
        return score(values, null, period);
    }

    /**
     * @param values values in time order (NaN = missing)
     * @param slots  per value, its time as a count of sampling steps (gaps skip slots, repeated times share one);
     *               null = evenly spaced, slot = index
     * @param period slots per season; 0 = none
     */
    public Scores score(double[] values, long[] slots, int period) {
        int n = values.length;
        double[] expected = new double[n];
        double[] scales = new double[n];
        double[] zs = new double[n];
        double[] score = new double[n];
        boolean[] flag = new boolean[n];
        boolean[] ongoing = new boolean[n];
        double[] levels = new double[n];
        Arrays.fill(expected, Double.NaN);
        Arrays.fill(levels, Double.NaN);
        int w = window(period, n);
        int warmUp = Math.max(MIN_HISTORY, 2 * w); // the first median windows' residuals understate the scale
        // a new series is not judged before the scale's memory (4w points) has filled once, or before it has shown one
        // whole season where that is shorter: on its first morning, a daily ramp looks like an incident. After a new
        // level the series has shown its noise, and 2w points do
        int firstScored = Math.max(warmUp, period > 1 ? Math.min(period, 4 * w) : 0);
        int refractory = w; // a rising fault alarms once; a level shift is re-anchored, not merely waited out // by then the level window holds mostly the new normal
        int lastAlarm = Integer.MIN_VALUE / 2; // after an alarm, nothing scores for the refractory period
        double alpha = 1.0 / (4 * w); // the scale's memory: about 4w points
        // the predictors' errors are compared over two seasons at least: a charge posted once a day at the same hour
        // tells them apart at one point a day, which a memory of 4w points would forget by the next
        double alphaErr = period > 1 ? 1.0 / Math.max(4 * w, 2 * period) : alpha;
        int seasons = period > 1 ? settings.seasons() : 0;
        double[] buf = new double[Math.max(w, seasons) + 1];
        double[] evidence = new double[n];
        int[] peakQueue = new int[n]; // indices of a decreasing run of evidence over the last R points
        int qHead = 0;
        int qTail = 0;
        double quantum = Double.POSITIVE_INFINITY; // the smallest step the data have taken so far: 1 for counts
        double previous = Double.NaN;
        double scale = 0;
        boolean usedSeasonal = false;
        double longScale = 0; // the same, with a memory LONG_MEMORY times as long: what the series has shown, not just lately
        // at rest at 0: the last LONG_MEMORY * w residual sizes, whose upper quantile (the one the point test puts 3
        // scales out) is what the series' bursts are. Needs twice as many residuals as that quantile's share takes
        double tailRate = twoSidedTailT(CLIP, settings.tailDf());
        double[] recent = settings.restFloor() ? new double[LONG_MEMORY * w] : null;
        double[] sorted = settings.restFloor() ? new double[LONG_MEMORY * w] : null;
        int nRecent = 0;
        int minRecent = (int) Math.ceil(2 / tailRate);
        int longCount = 0; // residuals in it since the start, the last new level or the last change of predictor
        int history = 0;
        double errPlain = 0;
        double errSeasonal = Double.POSITIVE_INFINITY;
        boolean seasonalScalePending = false; // the seasonal predictor is in use, its own scale not yet taken (spend)
        // the scale of the seasonal predictor's own residuals, learnt beside it (a plain mean until it has the scale's
        // memory; each residual clipped at 3 of it once it has MIN_HISTORY): the scale starts from it, where it is
        // smaller, when that predictor takes over
        double scaleSeasonal = Double.NaN;
        int nSeasonal = 0;
        double cusumUp = 0;
        double cusumDown = 0;
        double slope = 0; // running mean of the level's change per point: the median lags (w + 1) / 2 points behind
        double lastMedian = Double.NaN;
        double zPrev = Double.NaN;
        double lag1 = 0; // running lag-1 autocovariance and variance of standardised residuals: their correlation
        double var1 = 1;
        double fullEvidence = settings.fullEvidence();
        double k = settings.cusumDrift();
        double cusumCap = fullEvidence * Math.log(10) / (2 * k); // evidence beyond a score of 1 adds nothing
        int anchor = 0; // first point of the current level: the level window starts no earlier
        // seasons are looked up only from here: where the current level had settled. At the start, too, the first w
        // levels are medians of fewer points (the first, of one): offsets taken against them made the seasonal
        // predictor's first errors, and so the scale it starts from, several times its later ones. On daily spend at
        // 1,000 on weekdays and 200 at weekends (3% noise: residuals of about 45), the scale was 257 on day 19, and
        // the long-run floor, which holds the scale at the switch as worth 10 residuals, kept it at 132 on day 39 and
        // 67 on day 119 (now 30-57 from day 19). Not for spend ({@link Settings#settledStart})
        int seasonFrom = settings.settledStart() ? w : 0;
        int pending = -1; // an alarm whose next points decide whether it began a new level
        double sign = 0;
        double preScale = 0;
        int confirm = Math.max(1, w / 2); // points after an alarm that decide it: the level window still lags there
        double[] post = new double[confirm];
        double[] postTail = new double[confirm];
        double[] postHeld = new double[confirm];
        int nPost = 0;
        // the incident that began the current level: the level and scale before its alarm, and its side (0: none, or
        // over). A point that comes back within CLIP scales of that level is its end, not a new incident
        double before = 0;
        double beforeScale = 0;
        double incidentSign = 0;
        boolean pendingEnd = false; // the pending alarm is an incident's end: a new level there is no incident
        double pendingScore = 0; // the pending alarm's score (an end's, withheld)
        boolean pendingSeasonal = false; // whether the pending alarm was judged against the season
        int incidentFrom = 0; // where the incident began
        double[] postX = new double[confirm]; // the values of the points that decide an end
        double[] absZ = new double[n]; // clipped |z| of each point learnt from, NaN for the others: the phase's spread
        Arrays.fill(absZ, Double.NaN);
        int phaseHalf = Math.round(w / 8f); // points either side of the same phase that tell its spread (0 for days)
        int[] phase = new int[Math.max(1, seasons)]; // the points at the same phase in the previous seasons
        // the values the level and the seasonal offsets are taken from: a spike or a short fault that came back is
        // replaced there by what was expected of it, so it does not move the level of the points after it
        double[] clean = values.clone();
        double[] profile = new double[n]; // per point, the median of its phase in the previous seasons (NaN: none)
        Arrays.fill(profile, Double.NaN);
        double[] deviations = new double[w + 1];
        boolean[] bridgedAt = new boolean[n]; // expected across a gap: its level is no base for later offsets
        // a gap: points missing from the level window (missing values, or slots no row holds), enough that its median
        // is no level of the time the point is at: one of daily data's 3 (a missing Monday left Friday and the
        // weekend's median: 122 alarms within 3 days of 280 single missing days of weekday-heavy data, now 0); 2 and
        // w/8 of finer data's (one missing hour of 6 does not matter, and bridging it cost anomaly-dev 0.015 of F1)
        int gapSize = w <= 3 ? 1 : Math.max(2, w / 8);
        int lastGap = Integer.MIN_VALUE / 2; // the last point whose level window missed a gap
        // the missing-value counts serve only across gaps: a series with none (every spend series) skips them, which
        // changes no score
        boolean mayHaveGaps = slots != null && n > 0 && slots[n - 1] - slots[0] > n - 1;
        for (int i = 0; i < n && !mayHaveGaps; i++) mayHaveGaps = Double.isNaN(values[i]);
        for (int t = 0; t < n; t++) {
            while (qHead < qTail && peakQueue[qHead] < t - refractory) qHead++;
            double x = values[t];
            int from = Math.max(t - w, anchor);
            double med = median(clean, from, t, buf);
            if (Double.isNaN(med)) continue;
            int absent = slots == null || from >= t ? 0 : (int) Math.max(0, slots[t] - slots[from] - (t - from));
            if (mayHaveGaps) for (int i = from; i < t; i++) if (Double.isNaN(values[i])) absent++;
            if (!Double.isNaN(lastMedian)) slope += alpha * (med - lastMedian - slope);
            lastMedian = med;
            double level = med + slope * (w + 1) / 2.0;
            levels[t] = level;
            double seasonal = Double.NaN;
            int phases = 0;
            if (seasons > 0) {
                int m = 0;
                phases = samePhase(slots, t, period, seasons, seasonFrom, phase, clean, levels); // not before the level had settled
                for (int i = 0; i < phases; i++) {
                    int j = phase[i];
                    if (!Double.isNaN(clean[j]) && !Double.isNaN(levels[j]) && !bridgedAt[j]) buf[m++] = clean[j] - levels[j];
                }
                // two seasons' offsets at least; but where the season is in use and a missing point leaves one, that
                // one: without it the point fell back to the plain level (a Sunday expected at the weekday level, the
                // second Sunday of a three-week file missing) and the season had to win its place again, which an
                // ordinary Tuesday nine days after the gap alarmed for
                if (m >= 2 || m == 1 && phases > 1 && usedSeasonal) seasonal = level + medianOf(buf, m);
                // the same time's median in the previous seasons: what a gap is bridged by, and the shape along which
                // an alarm's expected value is carried while the points after it decide it (so taken where there may be
                // gaps, for those points, and at an alarm, below; not for every point)
                if (mayHaveGaps || pending >= 0) profile[t] = phaseMedian(clean, phase, phases, buf);
            }
            // across a gap, and while the level window still holds one, the level is that of another time: on a daily
            // cycle, the first points after 3 hours without data were expected where the cycle was before them, and
            // alarmed after most gaps (so did a single missing value, which switched to the plain predictor). The
            // point is expected at the same time's median in the previous seasons plus how far the points before it
            // ran from theirs: each compared with its own time of day. Such a level is no base for later offsets
            if (absent >= gapSize) lastGap = t;
            double bridged = Double.NaN;
            if (absent > 0 && t - lastGap <= w && !Double.isNaN(profile[t])) {
                // the last w points that have a value and a profile, back past the gap (missing values leave fewer
                // in the window, and the first points after the gap, an outage's say, would soon be all of them)
                int md = 0;
                for (int i = t - 1; i >= Math.max(anchor, t - LONG_MEMORY * w) && md < w; i--) {
                    if (!Double.isNaN(clean[i]) && !Double.isNaN(profile[i])) deviations[md++] = clean[i] - profile[i];
                }
                if (md >= Math.max(1, w / 8)) {
                    bridged = profile[t] + medianOf(deviations, md);
                    bridgedAt[t] = true;
                }
            }
            // a level from a window with a gap is not comparable with the levels the offsets were taken from (after a
            // missing weekend, a Monday's offset would be added to a weekday level)
            boolean complete = absent < gapSize;
            boolean useSeasonal = complete && !Double.isNaN(seasonal) && errSeasonal < errPlain;
            double exp = !Double.isNaN(bridged) ? bridged : useSeasonal ? seasonal : level;
            // the long-run scale is the history of one predictor's errors: when the other takes over, it starts again
            // from the recent scale (worth MIN_HISTORY residuals), not from the next residual alone, which may be the
            // very change the switch followed
            if (useSeasonal != usedSeasonal && history >= MIN_HISTORY) {
                // the scale, whose memory (4w points: 12 days of daily data) is shorter than the two seasons the
                // seasonal predictor waits for, holds nothing but the plain predictor's errors when it takes over: on
                // a daily series at 1,000 on weekdays and 200 at weekends it was 500 for residuals of 30, and a rise of
                // 600 a day was missed. It starts from the seasonal predictor's own residuals instead (below); where
                // the season has to prove itself (spend), once they are a whole season of them (Settings#seasonProven)
                seasonalScalePending = useSeasonal;
                if (!useSeasonal) {
                    longScale = Math.min(longScale, scale);
                    longCount = MIN_HISTORY;
                }
                // the recent residual sizes stay: at rest both predictors expect about 0, and a missing point alone
                // switches predictors for w points (restarting here left a series with rare gaps mostly unfloored)
            }
            if (!useSeasonal) {
                seasonalScalePending = false;
            } else if (seasonalScalePending && (!settings.seasonProven() || nSeasonal >= period)) {
                seasonalScalePending = false;
                if (!Double.isNaN(scaleSeasonal)) scale = Math.min(scale, scaleSeasonal);
                longScale = Math.min(longScale, scale);
                longCount = MIN_HISTORY;
            }
            usedSeasonal = useSeasonal;
            expected[t] = exp;
            if (Double.isNaN(x)) {
                zPrev = Double.NaN;
                continue;
            }
            double r = x - exp;
            double floor = Math.max(Math.max(REL_FLOOR * Math.abs(level), longScale), quantum == Double.POSITIVE_INFINITY ? 1e-12 : quantum / 2);
            double sLearnt = Math.max(scale, floor); // what the residuals are learnt on
            double zLearnt = r / sLearnt;
            double s = sLearnt;
            if (recent != null && med == 0 && nRecent >= minRecent && !belowZero(values, Math.max(t - w, anchor), t)) {
                // at rest at 0, its frequent bursts are what it does: the point is judged on their size
                int m = Math.min(nRecent, recent.length);
                System.arraycopy(recent, 0, sorted, 0, m);
                Arrays.sort(sorted, 0, m);
                s = Math.max(s, sorted[(int) ((1 - tailRate) * (m - 1))] / CLIP);
            }
            double z = r / s;
            scales[t] = s;
            zs[t] = Math.abs(z);
            double e = 0;
            if (history >= warmUp && t >= firstScored) {
                // the CUSUM's null probability exp(-2kh) holds for independent increments of unit variance. Sums of
                // correlated residuals spread wider, so it runs on the long-run scale; and where the standardised
                // residuals themselves spread wider than 1 (discrete readings that flicker by a whole step, heavy
                // tails: the robust scale then understates their variance) they are shrunk to unit variance. Never
                // widened: a spread below 1 is the robust scale being cautious, not evidence
                double rho = Math.max(0, Math.min(0.9, lag1 / var1));
                double zl = z * Math.sqrt((1 - rho) / (1 + rho)) / Math.sqrt(Math.max(1, var1));
                // noise that grows with a daily level spreads wider at the peak than the running scale (most of a
                // day's memory) says: the increments are shrunk by how much wider the same phase has been before
                if (useSeasonal && phaseHalf > 0) zl /= phaseWidth(absZ, phase, phases, t, seasonFrom, phaseHalf);
                cusumUp = Math.min(cusumCap, Math.max(0, cusumUp + Math.min(zl, CLIP) - k));
                cusumDown = Math.min(cusumCap, Math.max(0, cusumDown - Math.max(zl, -CLIP) - k));
                double eSpike = -Math.log10(twoSidedTailT(Math.abs(z), settings.tailDf()));
                double eShift = 2 * k * Math.max(cusumUp, cusumDown) / Math.log(10);
                e = Math.min(fullEvidence, Math.max(eSpike, eShift));
            }
            evidence[t] = e;
            boolean newHigh = t - lastAlarm > refractory && (qHead == qTail || e > evidence[peakQueue[qHead]]);
            double sc = newHigh ? Math.min(1, Math.max(0, (e - EVIDENCE_FLOOR) / (fullEvidence - EVIDENCE_FLOOR))) : 0;
            // a level that has drifted back to where it was before the incident has ended it quietly
            if (incidentSign != 0 && Math.abs(level - before) <= CLIP * beforeScale) incidentSign = 0;
            // and one the series has stayed in for as long as the long-run scale remembers is its normal: a return
            // from there is a change again
            if (incidentSign != 0 && t - incidentFrom > LONG_MEMORY * 4 * w) incidentSign = 0;
            // the way back from an incident (a fault cleared, a cluster torn down, traffic restored after an outage)
            // ends it: the series is where it was before, which is no new incident to report. The detector still
            // takes it as it would an alarm (the CUSUM restarts; if it lasts, the level is re-anchored there)
            boolean end = incidentSign != 0 && Math.signum(r) == -incidentSign && Math.abs(x - before) <= CLIP * beforeScale;
            boolean alarm = sc >= settings.threshold();
            // intraday data whose weekends differ (traffic, query rates) alarmed at most weekends' start: the season
            // it learns is a day. A point that departs from what was expected as the series did at the same time one
            // and two weeks before (each off its own expected value on the same side by at least half as much, and
            // within 3 scales, and half this point's distance from its expected, of this point) is the week's
            // pattern, not an incident: it scores 0 and the CUSUM starts afresh. An hourly series at half its level at
            // weekends: 4.6 → 0.1 alarms per 1,000 hours. A point merely back where it was a week ago (a rise back to
            // a level left days before) is no pattern: the weeks before were not off what was expected of them
            if (alarm && period >= 24 && !end && weekly(values, expected, slots, t, period, x, r, Math.min(CLIP * s, Math.abs(r) / 2))) {
                cusumUp = 0;
                cusumDown = 0;
                sc = 0;
                alarm = false;
            }
            score[t] = end ? 0 : sc;
            flag[t] = alarm && !end;
            if (alarm) { // the shift has been reported (or the incident has ended); the CUSUM starts afresh on what follows
                pendingEnd = end;
                pendingScore = sc;
                pendingSeasonal = useSeasonal;
                lastAlarm = t;
                cusumUp = 0;
                cusumDown = 0;
                pending = t;
                if (seasons > 0 && Double.isNaN(profile[t])) profile[t] = phaseMedian(clean, phase, phases, buf);
                sign = Math.signum(r);
                preScale = s;
                nPost = 0;
            } else if (pending >= 0) {
                // the incident goes on while the points right after its alarm stay far off on its side
                ongoing[t] = (flag[t - 1] || ongoing[t - 1]) && sign * r > CLIP * preScale;
                // while the level window is still mostly old points, a new level keeps the residuals far off on the
                // alarm's side; after a spike or a short fault they come back
                postX[nPost] = x;
                // and how far off it is from where the series would be had nothing happened: what was expected at the
                // alarm, moved along the season by how the same times differed in the previous seasons (the level
                // itself swings with a daily cycle, so a level held at the alarm plus this point's offset is no such
                // thing). By the end of the w/2 points the level window holds more of the new points than of the
                // old, so the residual no longer tells a new level from one that ended. Across a gap (the alarm or
                // this point bridged) it is not known, and the residuals alone decide, as before
                double held = bridgedAt[pending] || !Double.isNaN(bridged) ? Double.NaN
                        : !useSeasonal ? expected[pending]
                        : !Double.isNaN(profile[t]) && !Double.isNaN(profile[pending]) ? expected[pending] + profile[t] - profile[pending]
                        : Double.NaN;
                postHeld[nPost] = Double.isNaN(held) ? Double.POSITIVE_INFINITY : sign * (x - held);
                post[nPost++] = sign * r;
                if (nPost == confirm) {
                    int onset = pending;
                    pending = -1;
                    int tail = Math.max(1, nPost / 4);
                    // a new level is one the series is still at: the median of the last quarter of those points (on
                    // hourly or daily data, the last one) still far off where the series would be had nothing happened.
                    // A burst of the alarm and w/2 - 1 points after it (3 hours of hourly crash counts) had the
                    // median of the deciding points far off while it had already ended; taken for a new level, the
                    // detector re-anchored on it and learnt its scale from the way back (scales of 200-800 for counts
                    // of 3-90), and the spikes of the next two days scored 0-0.4. A burst that lasts through all w/2
                    // is still taken for a new level: nothing after the alarm has said otherwise yet
                    System.arraycopy(postHeld, nPost - tail, postTail, 0, tail);
                    boolean lasted = medianOf(post, nPost) > CLIP * preScale && medianOf(postTail, tail) > CLIP * preScale;
                    if (lasted && !pendingEnd && period > 1 && onset - period >= 0 && nPost >= 5
                            && seasonal(clean, slots, onset, t, period, postX, nPost, CLIP * preScale, buf)) {
                        // where the series settled is where it was at this time a season before: a daily cycle with
                        // sharp steps (a square wave of working hours), not a new level. Re-anchoring there forgot the
                        // seasons, so the season was never learnt and every step alarmed, every day; the level window
                        // is left to catch up (the refractory period runs on) and the seasons to accumulate (restarting
                        // the trend here too was tried: 4 → 20 alarms on the quietest such series). Judged on at least 5 points, so
                        // for seasons of 40 points or more (not daily or hourly data, whose w/2 is 1 or 3 points). An
                        // incident's way back is its end, judged below, not this
                        cusumUp = 0;
                        cusumDown = 0;
                    } else if (lasted) {
                        if (pendingEnd) {
                            // the way back has lasted: the incident is over, unless it went on past the level before
                            // the incident (it only passed through it). That is somewhere the series has not been, a
                            // new incident, flagged here, w/2 points late
                            incidentSign = 0;
                            double landed = medianOf(postX, nPost);
                            if (Math.abs(landed - before) > CLIP * beforeScale) {
                                flag[t] = true;
                                score[t] = Math.max(score[t], pendingScore);
                                ongoing[t] = false;
                                incidentSign = Math.signum(landed - before);
                                incidentFrom = onset;
                            }
                        } else if (incidentSign == 0 && settings.endAtReturn() && !pendingSeasonal) {
                            // the level before is the plain level: judged against a season, a point's usual value
                            // depends on its phase, which that level does not hold, so such an incident is not kept.
                            // A further shift keeps the level before the first
                            before = bridgedAt[onset] ? expected[onset] : levels[onset];
                            beforeScale = preScale;
                            incidentSign = sign;
                            incidentFrom = onset;
                        }
                        // a new level: re-anchor so it is not alarmed again. The level window already holds only
                        // new points; the trend, scale, predictor errors and seasonal offsets are learnt afresh from
                        // here (no point scores until the warm-up has passed again), so a further shift
                        // still alarms on the new regime's scale
                        anchor = onset;
                        seasonFrom = anchor + w;
                        slope = 0;
                        lastMedian = Double.NaN;
                        scale = 0;
                        longScale = 0;
                        longCount = 0;
                        nRecent = 0;
                        history = 0;
                        errPlain = 0;
                        errSeasonal = Double.POSITIVE_INFINITY;
                        scaleSeasonal = Double.NaN;
                        nSeasonal = 0;
                        cusumUp = 0;
                        cusumDown = 0;
                        lag1 = 0;
                        var1 = 1;
                        zPrev = Double.NaN;
                    } else {
                        // the points came back: a spike or a short fault, and it is over. Neither the refractory
                        // period nor its peak holds back the next incident (a runaway day two days after another)
                        lastAlarm = t - refractory - 1;
                        qHead = qTail;
                        // and its points (the alarm and those that continued it) are taken at what was expected of
                        // them from now on. The level is a median of w points, robust to one outlier among like
                        // points but not where a season mixes them: daily spend of 1,000 on weekdays and 200 at
                        // weekends, with a runaway of 820 on a Saturday, had the median of Friday, Saturday and Sunday
                        // at 820, so Monday was expected at 1,707, a false alarm that re-anchored the detector and
                        // left it blind for 10 days (a lasting rise 5 days after such a runaway was missed in 11 of
                        // 40 draws, now 0 of 40; false alarms in 200 such series with runaways 145 → 6)
                        for (int i = onset; i <= t; i++) if ((flag[i] || ongoing[i]) && !Double.isNaN(expected[i])) clean[i] = expected[i];
                    }
                }
            }
            while (qHead < qTail && evidence[peakQueue[qTail - 1]] <= e) qTail--;
            peakQueue[qTail++] = t;
            // learning: the predictors' errors (for the choice between them: whole, as an outlier misleads both alike,
            // and a seasonal charge that varies by more than a few scales must still tell them apart) and the scale,
            // from clipped residuals
            double a = Math.abs(r);
            double cap = history >= MIN_HISTORY ? CLIP * sLearnt : Double.POSITIVE_INFINITY;
            errPlain += alphaErr * (Math.abs(x - level) - errPlain);
            if (Double.isNaN(seasonal)) {
                scaleSeasonal = Double.NaN;
                nSeasonal = 0;
            } else {
                double u = 1.2533 * Math.min(Math.abs(x - seasonal), nSeasonal >= MIN_HISTORY ? CLIP * scaleSeasonal : cap);
                scaleSeasonal = Double.isNaN(scaleSeasonal) ? u : scaleSeasonal + Math.max(alpha, 1.0 / (nSeasonal + 1)) * (u - scaleSeasonal);
                nSeasonal++;
            }
            if (Double.isNaN(seasonal)) errSeasonal = Double.POSITIVE_INFINITY;
            else if (errSeasonal == Double.POSITIVE_INFINITY) errSeasonal = errPlain; // it has to earn its place
            else errSeasonal += alphaErr * (Math.abs(x - seasonal) - errSeasonal);
            if (history < MIN_HISTORY) {
                scale = (scale * history + 1.2533 * a) / (history + 1);
                longScale = scale;
                longCount = history + 1;
            } else {
                scale += alpha * (1.2533 * Math.min(a, cap) - scale);
                // a plain mean until the history is LONG_MEMORY times the scale's memory, then exponential
                longScale += Math.max(alpha / LONG_MEMORY, 1.0 / ++longCount) * (1.2533 * Math.min(a, cap) - longScale);
                if (recent != null) recent[nRecent++ % recent.length] = a;
                double zc = Math.max(-CLIP, Math.min(CLIP, zLearnt));
                if (!Double.isNaN(zPrev)) {
                    lag1 += alpha * (zc * zPrev - lag1);
                    var1 += alpha * (zc * zc - var1);
                }
                zPrev = zc;
            }
            if (history >= MIN_HISTORY) absZ[t] = Math.min(CLIP, Math.abs(zLearnt));
            history++;
            if (!Double.isNaN(previous) && x != previous) quantum = Math.min(quantum, Math.abs(x - previous));
            previous = x;
        }
        return new Scores(expected, scales, zs, score, flag, ongoing);
    }

    /**
     * How much wider than usual (never narrower) the residuals have been at this phase of the season: the mean clipped
     * |z| within {@code half} points of the same phase in the previous seasons ({@code phase}, {@code n} of them), over
     * its value for Gaussian noise (E min(|Z|, 3) = 0.7971); 1 until there are twice as many such points as seasons
     * are configured.
     */
    private static double phaseWidth(double[] absZ, int[] phase, int n, int t, int from, int half) {
        double sum = 0;
        int m = 0;
        for (int i = 0; i < n; i++) {
            for (int d = Math.max(from, phase[i] - half); d <= Math.min(t - 1, phase[i] + half); d++) {
                if (!Double.isNaN(absZ[d])) {
                    sum += absZ[d];
                    m++;
                }
            }
        }
        return m < 2 * phase.length ? 1 : Math.max(1, sum / m / GAUSSIAN_CLIPPED_ABS);
    }

    /**
     * Fills {@code out} with the points at the same phase as {@code t} in up to {@code seasons} previous seasons, the
     * nearest first, none before {@code from}; returns how many. Evenly spaced: stops at the start; with slots, where
     * no row holds the phase's slot, the row nearest it within {@link #PHASE_SLACK} of the season stands in for it, and
     * a phase without one is skipped. A row there whose value or level is missing gives way to the row nearest the
     * phase, within the same slack, that has both. (A row whose level was bridged across a gap is left for the caller to
     * drop: standing in a neighbour for it too scored anomaly-dev with a tenth of its values empty 52.99 against 54.15.)
     */
    private static int samePhase(long[] slots, int t, int period, int seasons, int from, int[] out, double[] clean, double[] levels) {
        int n = 0;
        long slack = period / PHASE_SLACK;
        for (int s = 1; s <= seasons; s++) {
            long phaseSlot = (slots == null ? t : slots[t]) - (long) s * period;
            int j = earlier(slots, t, (long) s * period);
            if (j < 0 && slots != null && slack > 0) j = nearestRow(slots, phaseSlot, 0, t, slack, null, null);
            if (j < 0) {
                if (slots == null) break;
                continue;
            }
            if (j < from) break;
            if (slack > 0 && !known(j, clean, levels)) {
                int k = nearestRow(slots, phaseSlot, from, t, slack, clean, levels);
                if (k >= 0) j = k;
            }
            out[n++] = j;
        }
        return n;
    }

    /** The median of the values at the points {@code phase[0..n)} that have one (NaN with fewer than two). */
    private static double phaseMedian(double[] clean, int[] phase, int n, double[] buf) {
        int m = 0;
        for (int i = 0; i < n; i++) if (!Double.isNaN(clean[phase[i]])) buf[m++] = clean[phase[i]];
        return m >= 2 ? medianOf(buf, m) : Double.NaN;
    }

    /** Whether row {@code j}'s value and level are known. */
    private static boolean known(int j, double[] clean, double[] levels) {
        return !Double.isNaN(clean[j]) && !Double.isNaN(levels[j]);
    }

    /**
     * The row in [from, t) whose slot is nearest {@code phaseSlot}, within {@code slack} slots of it, and, where
     * {@code clean} is given, whose value and level are known; -1 where none is. On a tie the row before the slot (the
     * last of its repeated times), else the first after it.
     */
    private static int nearestRow(long[] slots, long phaseSlot, int from, int t, long slack, double[] clean, double[] levels) {
        int lo;
        int hi;
        if (slots == null) {
            lo = (int) Math.max(from, phaseSlot - slack);
            hi = (int) Math.min(t - 1, phaseSlot + slack);
        } else {
            lo = Math.max(from, firstAtOrAfter(slots, t, phaseSlot - slack));
            hi = firstAtOrAfter(slots, t, phaseSlot + slack + 1) - 1;
        }
        int best = -1;
        long bestDistance = Long.MAX_VALUE;
        for (int i = lo; i <= hi; i++) {
            long slot = slots == null ? i : slots[i];
            long d = Math.abs(slot - phaseSlot);
            if ((d < bestDistance || d == bestDistance && slot < phaseSlot) && (clean == null || known(i, clean, levels))) {
                best = i;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The first index in [0, t) whose slot is at or after {@code slot}; {@code t} where none is. */
    private static int firstAtOrAfter(long[] slots, int t, long slot) {
        int i = Arrays.binarySearch(slots, 0, t, slot);
        if (i < 0) return -i - 1;
        while (i > 0 && slots[i - 1] == slot) i--; // repeated times share a slot
        return i;
    }

    /** E min(|Z|, CLIP) for a standard normal Z: the mean clipped |z| of ordinary Gaussian noise. */
    private static final double GAUSSIAN_CLIPPED_ABS = 0.7971;

    /** Points in the level window for a season of {@code period} points: a quarter season, 3 to 60 points. */
    static int window(int period) {
        return period > 1 ? Math.max(3, Math.min(period / 4, 60)) : 7;
    }

    /**
     * The level window for a series of {@code n} points: {@link #window(int)}, but at most {@code n / 12} (and at least
     * 3). Nothing is judged before the scale has learnt over 4w points, so a day's window of 60 points would leave any
     * series of fast samples shorter than 240 points (an incident's last hours of minute data, a short test run)
     * unjudged from end to end; with the cap they are judged from their first third. A short series' scores therefore
     * depend on its length: rescoring a growing file under 720 points can change its earlier scores. Series of 720
     * points or more are unaffected, and so is every daily and hourly spend series of the ledger (w of 3 and 6).
     */
    static int window(int period, int n) {
        return Math.min(window(period), Math.max(3, n / 12));
    }


    /**
     * Whether the level the points after an alarm settled at (the median of {@code post}, the values of (onset, t]) is
     * where the series was at the same time one season before (the median of the same points a season earlier, within
     * {@code tol}): a daily cycle with sharp steps, not a new level.
     */
    private static boolean seasonal(double[] v, long[] slots, int onset, int t, int period, double[] post, int nPost, double tol, double[] buf) {
        double now = medianOf(post.clone(), nPost);
        int m = 0;
        for (int i = onset + 1; i <= t; i++) {
            int j = earlier(slots, i, period);
            if (j >= 0 && !Double.isNaN(v[j])) buf[m++] = v[j];
        }
        if (m < Math.max(1, nPost / 2)) return false;
        return Math.abs(medianOf(buf, m) - now) <= tol;
    }

    /**
     * Whether the same time one and two weeks before (both there) were within {@code tol} of {@code x} and off what was
     * expected of them on the side of {@code r}, by at least half of it: the week's pattern.
     */
    private static boolean weekly(double[] v, double[] expected, long[] slots, int t, int period, double x, double r, double tol) {
        for (int k = 1; k <= 2; k++) {
            int j = earlier(slots, t, 7L * k * period);
            if (j < 0 || Double.isNaN(v[j]) || Double.isNaN(expected[j]) || Math.abs(v[j] - x) > tol) return false;
            if (Math.signum(v[j] - expected[j]) != Math.signum(r) || Math.abs(v[j] - expected[j]) < Math.abs(r) / 2) return false;
        }
        return true;
    }

    /** Whether any value in [from, to) is below 0: a series centred on 0 (a signed sensor, net spend) is not at rest. */
    private static boolean belowZero(double[] v, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) if (v[i] < 0) return true;
        return false;
    }

    /** Two-sided tail probability of a Student t with an odd number of degrees of freedom (closed form). */
    static double twoSidedTailT(double z, int df) {
        double theta = Math.atan(z / Math.sqrt(df));
        double c = Math.cos(theta);
        double c2 = c * c;
        double term = c;
        double sum = c;
        for (int j = 3; j <= df - 2; j += 2) {
            term *= c2 * (j - 1) / j;
            sum += term;
        }
        double p = 1 - (2 / Math.PI) * (theta + Math.sin(theta) * (df == 1 ? 0 : sum));
        return Math.max(p, 1e-300);
    }

    /**
     * The point {@code steps} sampling steps before point {@code t}, or a negative index where there is none: evenly
     * spaced, {@code t - steps}; with slots, the one whose slot is that (-1 where it is missing).
     */
    private static int earlier(long[] slots, int t, long steps) {
        return slots == null ? (int) Math.max(-1, t - steps) : find(slots, t, slots[t] - steps);
    }

    /**
     * How far from its phase a row may stand in for a missing one, as a part of the season: a 288th, 5 minutes of a
     * day (5 slots of minute data, 1 of 5-minute data; none of hourly or daily data, whose next slot is another time
     * of day or another weekday). With a tenth of the rows of anomaly-dev missing at random, the exact slot of a phase
     * was often empty, the seasonal predictor fell back to the plain level and handed back again, and the minute
     * series alarmed 2.5 times as often (34 alarms, 85 with the rows missing, 30 with this; bench/RESULTS.md).
     */
    static final int PHASE_SLACK = 288;

    /** The index before {@code t} whose slot is {@code slot}, or -1 (slots ascending). */
    private static int find(long[] slots, int t, long slot) {
        int i = Arrays.binarySearch(slots, 0, t, slot);
        return i < 0 ? -1 : i;
    }

    private static double median(double[] v, int from, int to, double[] buf) {
        int m = 0;
        for (int i = Math.max(0, from); i < to; i++) if (!Double.isNaN(v[i])) buf[m++] = v[i];
        return m == 0 ? Double.NaN : medianOf(buf, m);
    }

    static double medianOf(double[] a, int m) {
        Arrays.sort(a, 0, m);
        return (m & 1) == 1 ? a[m / 2] : (a[m / 2 - 1] + a[m / 2]) / 2;
    }
}

package dev.burnrate.recommend;

import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.SavingsBill;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Off-hours scheduling, by hand. The engine's now is Sunday 2026-11-01 00:00 UTC, so the 14-day lookback is
 * [Sun 10-18, Sun 11-01): two of every weekday; with the default working hours (Mon-Fri 08:00-20:00 UTC) that is 120
 * working hours and 216 off-hours. Every job below runs since 10-10 on one g5.2xlarge (one A10G), its GPU sampled every
 * 30 minutes over the lookback, and is billed for every hour of it on AWS in us-east-1.
 * <ul>
 * <li>{@code dev-nb} (experiment, environment=dev): 40% in working hours, 1% outside them; billed 1.1514 an hour
 *   (list 1.212). All 216 off-hours idle: 216 × 1.1514 = 248.7024 in 14 days, × 30 / 14 = 532.9337142857 a month; risk
 *   low (never used off-hours).</li>
 * <li>{@code staging-daily} (training, env=staging): busy 08:00-22:00 on weekdays, idle otherwise, billed one row of 24 a
 *   day. 20 off-hours busy (20:00-22:00 × 10 weekdays), so 196 of 216 idle (0.907407 ≥ 0.8): a weekday row's idle
 *   off-hours are 00-08 and 22-24, 10 of its 24 hours, 10; a weekend day's all 24. 10 × 10 + 4 × 24 = 196, 420 a month;
 *   risk medium.</li>
 * <li>{@code idle-dev} (experiment, environment=dev): idle around the clock, billed 1 an hour: the idle rule takes it (72 in
 *   the last 3 days, 720 a month) and it is not scheduled as well.</li>
 * <li>{@code prod-svc} (experiment, environment=prod): dev-nb's pattern, but the tag says production: nothing.</li>
 * <li>{@code night-batch} (batch inference, environment=dev): busy at night: nothing.</li>
 * </ul>
 * In New York's working hours (Mon-Fri 08:00-20:00 EDT = 12:00-24:00 UTC throughout the lookback) dev-nb's busy UTC
 * 08:00-12:00 is off-hours: 176 of its 216 off-hours idle (0.814814), 176 × 1.1514 = 202.6464, 434.2422857143 a month.
 */
class OffHoursTest {
    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant FROM = END.minus(Duration.ofDays(14));

    @TempDir
    Path dir;

    private static boolean utcWorking(Instant t) {
        LocalDateTime l = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        return l.getDayOfWeek().getValue() <= 5 && l.getHour() >= 8 && l.getHour() < 20;
    }

    @Test
    void nonProductionJobsIdleOffHours_handTelemetry_scheduledAtTheBillsPrices_idleAndProductionLeftOut() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        for (int h = 0; h < 14 * 24; h++) {
            LocalDateTime hour = LocalDateTime.ofInstant(FROM, ZoneOffset.UTC).plusHours(h);
            b.append(hourRow(hour, "1.1514", "1.212", "ml", "dev-nb"));
            b.append(hourRow(hour, "1", "1", "ml", "idle-dev"));
            b.append(hourRow(hour, "1.1514", "1.212", "ml", "prod-svc"));
            b.append(hourRow(hour, "1.1514", "1.212", "ml", "night-batch"));
        }
        for (int d = 0; d < 14; d++) {
            b.append(SavingsBill.billRow(LocalDateTime.ofInstant(FROM, ZoneOffset.UTC).plusDays(d), 24, "24", "24", "Usage", "Standard",
                    "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null, "platform", "AWS", "staging-daily"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(JobRunJson.parse(new StringReader(
                    job("dev-nb", "ml", "experiment", "{\"environment\":\"dev\"}")
                            + job("staging-daily", "platform", "training", "{\"env\":\"staging\"}")
                            + job("idle-dev", "ml", "experiment", "{\"environment\":\"dev\"}")
                            + job("prod-svc", "ml", "experiment", "{\"environment\":\"prod\"}")
                            + job("night-batch", "ml", "batch_inference", "{\"environment\":\"dev\"}")), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(samples("dev-nb", t -> utcWorking(t) ? 40 : 1));
            samples.append(samples("prod-svc", t -> utcWorking(t) ? 40 : 1));
            samples.append(samples("idle-dev", t -> 1));
            samples.append(samples("night-batch", t -> utcWorking(t) ? 1 : 50));
            samples.append(samples("staging-daily", t -> {
                LocalDateTime x = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
                return x.getDayOfWeek().getValue() <= 5 && x.getHour() >= 8 && x.getHour() < 22 ? 30 : 0;
            }));

            SavingsEngine.Result r = engine(l, jobs, samples, SavingsEngine.Settings.defaults()).compute();
            Map<String, Recommendation> byTarget = r.recommendations().stream().filter(x -> x.target().startsWith("job "))
                    .collect(Collectors.toMap(Recommendation::target, x -> x));
            assertThat(byTarget.keySet()).containsExactlyInAnyOrder("job dev-nb", "job staging-daily", "job idle-dev");

            Recommendation nb = byTarget.get("job dev-nb");
            assertThat(nb.kind()).isEqualTo(Recommendation.Kind.SCHEDULE);
            assertThat(nb.team()).isEqualTo("ml");
            assertThat(nb.risk()).isEqualTo(Recommendation.Risk.LOW);
            assertThat(nb.monthlySaving().amount()).isEqualByComparingTo("532.9337142857");
            assertThat(nb.monthlySaving().currency()).isEqualTo("USD");
            assertThat(nb.evidence().from()).isEqualTo(FROM);
            assertThat(nb.evidence().numbers()).containsEntry("non_production", "environment=dev").containsEntry("working_hours", "Mon-Fri 08:00-20:00 UTC")
                    .containsEntry("off_hours_observed", "216").containsEntry("off_hours_idle", "216").containsEntry("off_hours_idle_share", "1")
                    .containsEntry("working_hours_observed", "120").containsEntry("working_hours_busy", "120")
                    .containsEntry("billed_effective", "386.8704").containsEntry("billed_idle_off_hours", "248.7024");
            assertThat(nb.action()).contains("\"0 20 * * 1-5\"").contains("\"0 8 * * 1-5\"").contains("timeZone \"UTC\"").contains("AWS Instance Scheduler")
                    .contains("idle in 216 of its 216 observed off-hours");

            Recommendation staging = byTarget.get("job staging-daily");
            assertThat(staging.kind()).isEqualTo(Recommendation.Kind.SCHEDULE);
            assertThat(staging.team()).isEqualTo("platform");
            assertThat(staging.risk()).isEqualTo(Recommendation.Risk.MEDIUM);
            assertThat(staging.monthlySaving().amount()).isEqualByComparingTo("420");
            assertThat(staging.evidence().numbers()).containsEntry("non_production", "env=staging").containsEntry("off_hours_idle", "196")
                    .containsEntry("off_hours_idle_share", "0.907407").containsEntry("billed_effective", "336");
            assertThat(new BigDecimal(staging.evidence().numbers().get("billed_idle_off_hours"))).isEqualByComparingTo("196");

            Recommendation idle = byTarget.get("job idle-dev");
            assertThat(idle.kind()).isEqualTo(Recommendation.Kind.IDLE);
            assertThat(idle.monthlySaving().amount()).isEqualByComparingTo("720");

            // below the spend it comes from: each job's billed effective cost per month
            BigDecimal spend = new BigDecimal("386.8704").add(new BigDecimal("336")).multiply(BigDecimal.valueOf(30))
                    .divide(BigDecimal.valueOf(14), 10, java.math.RoundingMode.HALF_EVEN).add(new BigDecimal("720"));
            assertThat(byTarget.values().stream().map(x -> x.monthlySaving().amount()).reduce(BigDecimal.ZERO, BigDecimal::add)).isLessThan(spend);

            // New York's working hours: dev-nb's UTC mornings are its nights there
            SavingsEngine.Settings ny = SavingsEngine.Settings.defaults().withWorkingHours(new WorkingHours(java.util.EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                    LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("America/New_York")));
            Recommendation there = engine(l, jobs, samples, ny).compute().recommendations().stream().filter(x -> x.target().equals("job dev-nb")).findFirst().orElseThrow();
            assertThat(there.monthlySaving().amount()).isEqualByComparingTo("434.2422857143");
            assertThat(there.evidence().numbers()).containsEntry("off_hours_observed", "216").containsEntry("off_hours_idle", "176")
                    .containsEntry("off_hours_idle_share", "0.814814").containsEntry("working_hours_busy", "80")
                    .containsEntry("working_hours", "Mon-Fri 08:00-20:00 America/New_York");
            assertThat(there.risk()).isEqualTo(Recommendation.Risk.MEDIUM);
            assertThat(there.action()).contains("timeZone \"America/New_York\"");
        }
    }

    @Test
    void nonProduction_tagBeatsKind_unknownEnvironmentIsNotJudged() {
        assertThat(OffHours.nonProduction(run("experiment", Map.of()))).isEqualTo("kind experiment");
        assertThat(OffHours.nonProduction(run("training", Map.of()))).isNull();
        assertThat(OffHours.nonProduction(run("training", Map.of("Environment", "Staging")))).isEqualTo("Environment=Staging");
        assertThat(OffHours.nonProduction(run("experiment", Map.of("env", "production")))).isNull();
        assertThat(OffHours.nonProduction(run("experiment", Map.of("environment", "blue")))).isNull();
    }

    @Test
    void inHours_dailyRowSpreadOverItsPeriod_wholeHourlyRowExact() {
        Instant day = Instant.parse("2026-10-19T00:00:00Z");
        java.util.Set<Instant> night = new java.util.HashSet<>();
        for (int h = 0; h < 8; h++) night.add(day.plus(Duration.ofHours(h)));
        dev.burnrate.allocation.JobRuns.BilledPeriod daily = new dev.burnrate.allocation.JobRuns.BilledPeriod("j", "USD", day, day.plus(Duration.ofDays(1)),
                new BigDecimal("10"), new BigDecimal("10"));
        assertThat(OffHours.inHours(daily, night::contains)).isEqualByComparingTo("3.3333333333"); // 10 × 8 / 24, rounded down
        dev.burnrate.allocation.JobRuns.BilledPeriod hour = new dev.burnrate.allocation.JobRuns.BilledPeriod("j", "USD", day, day.plus(Duration.ofHours(1)),
                new BigDecimal("1.1514"), new BigDecimal("1.212"));
        assertThat(OffHours.inHours(hour, night::contains)).isEqualTo(new BigDecimal("1.1514"));
        assertThat(OffHours.inHours(hour, h -> false)).isEqualByComparingTo("0");
    }

    private static dev.burnrate.ledger.JobRun run(String kind, Map<String, String> tags) {
        return new dev.burnrate.ledger.JobRun("j", null, null, "t", kind, null, "g5.2xlarge", 1, "on_demand", "AWS", "us-east-1", FROM, null, "running", 0, 0, null, tags);
    }

    private static SavingsEngine engine(TestLedger l, DuckJobRuns jobs, DuckGpuSamples samples, SavingsEngine.Settings settings) {
        return new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), List::of, PriceCatalog.bundled(), TestLedger.CLOCK, settings);
    }

    private static String hourRow(LocalDateTime hour, String effective, String list, String team, String job) {
        return SavingsBill.billRow(hour, 1, effective, list, "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null, team, "AWS", job);
    }

    private static String job(String id, String team, String kind, String tags) {
        return "{\"id\":\"" + id + "\",\"team\":\"" + team + "\",\"kind\":\"" + kind + "\",\"provider\":\"AWS\",\"region\":\"us-east-1\",\"instanceType\":\"g5.2xlarge\","
                + "\"instanceCount\":1,\"pricing\":\"on_demand\",\"start\":\"2026-10-10T00:00:00Z\",\"status\":\"running\",\"tags\":" + tags + "}\n";
    }

    /** One GPU of the job sampled every 30 minutes over the lookback, at the utilisation the function gives for the instant. */
    private static List<GpuSample> samples(String job, ToDoubleFunction<Instant> util) {
        List<GpuSample> out = new ArrayList<>();
        for (Instant t = FROM; t.isBefore(END); t = t.plus(Duration.ofMinutes(30))) {
            out.add(new GpuSample(t, job + "-node-0", "GPU-" + job, 0, job, null, null, null, util.applyAsDouble(t), 2000L, 22888L));
        }
        return out;
    }
}

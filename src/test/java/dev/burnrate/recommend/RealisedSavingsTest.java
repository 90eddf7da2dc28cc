package dev.burnrate.recommend;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;
import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckAuditStore;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.store.DuckRecommendationStates;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The realised saving of a stopped idle job, from a hand-made bill. Job {@code notebook} (team research) runs from
 * 2026-10-20 at 100 USD a day with its GPUs idle; job {@code other} keeps billing 10 a day, so the bills reach 2026-11-21.
 * Accepted 2026-11-01 09:00, implemented (stopped) 2026-11-03 10:00; a volume it left behind bills 17 on 2026-11-04.
 * <ul>
 * <li>before: the days before the day of acceptance, from the day the job started: [10-20, 11-01) = 12 days, 1200 USD,
 *   so 1200 × 30 / 12 = 3000 per 30 days (its days 11-01..11-03 at 100, between acceptance and the stop, count on neither side).</li>
 * <li>after: from the day after the stop, [11-04, 11-21) = 17 days, 17 USD, so 17 × 30 / 17 = 30 per 30 days.</li>
 * <li>realised: 3000 − 30 = 2970 a month, against the 3000 the idle rule expected (300 in its last 3 days × 10).</li>
 * </ul>
 */
class RealisedSavingsTest {
    @TempDir
    Path dir;

    /**
     * The same notebook started at noon on 10-20: its first day's row is half a day (50). The before side reads that row
     * and spreads 50 + 11 × 100 = 1150 over the 11.5 days it existed: 3000 per 30 days (over 12 days it read 2875).
     */
    @Test
    void jobStartedAtNoon_firstDayIsHalfADay_beforeSideIsSpreadOverTheHoursItRan() throws Exception {
        String notebook = "{\"team\": \"research\", \"job_id\": \"notebook\"}";
        String other = "{\"team\": \"vision\", \"job_id\": \"other\"}";
        DailyBill bill = new DailyBill();
        for (LocalDate d = LocalDate.parse("2026-10-20"); d.isBefore(LocalDate.parse("2026-11-06")); d = d.plusDays(1)) {
            if (d.isBefore(LocalDate.parse("2026-11-01"))) {
                bill.add(d, "Amazon EC2", "ml-training", "i-notebook", notebook, new BigDecimal(d.getDayOfMonth() == 20 ? "50" : "100"));
            }
            bill.add(d, "Amazon EC2", "ml-training", "i-other", other, new BigDecimal("10"));
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T09:00:00Z"));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill.write(dir.resolve("bill.csv"))));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(JobRunJson.parse(new StringReader("""
                    {"id":"notebook","team":"research","kind":"experiment","provider":"AWS","region":"us-east-1","instanceType":"g5.12xlarge","instanceCount":1,"pricing":"on_demand","start":"2026-10-20T12:00:00Z","end":"2026-11-01T00:00:00Z","status":"stopped"}
                    """), "jobs"));
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, jobs, new DuckGpuSamples(l.db), new dev.burnrate.store.DuckInferenceUsages(l.db),
                    new dev.burnrate.store.DuckInstanceSamples(l.db), List::of, PriceCatalog.bundled(), clock, SavingsEngine.Settings.defaults()),
                    new DuckRecommendationStates(l.db), null, clock);
            // its state as the idle rule left it: accepted at 09:00, implemented (stopped) then; bills reach 11-06
            new DuckRecommendationStates(l.db).put(new RecommendationStates.Tracked("idle-noon", Recommendation.Kind.IDLE, "research", "job notebook",
                    new dev.burnrate.ledger.Money(new BigDecimal("3000"), "USD"), new Recommendation.State(Recommendation.Status.IMPLEMENTED, null, "alice",
                    Instant.parse("2026-11-01T09:00:00Z"), Instant.parse("2026-11-01T09:00:00Z"))));
            clock.set(Instant.parse("2026-11-06T08:00:00Z"));
            assertThat(recs.realised(Recommendations.Filter.ALL)).singleElement().satisfies(r -> {
                assertThat(r.before()).isEqualByComparingTo("1150");
                assertThat(r.beforePerMonth()).isEqualByComparingTo("3000");
            });
        }
    }

    @Test
    void stoppedIdleJob_spendBeforeAcceptanceAgainstAfterImplementation_realises2970AMonth() throws Exception {
        String notebook = "{\"team\": \"research\", \"job_id\": \"notebook\"}";
        String other = "{\"team\": \"vision\", \"job_id\": \"other\"}";
        DailyBill october = new DailyBill();
        for (LocalDate d = LocalDate.parse("2026-10-20"); d.isBefore(LocalDate.parse("2026-11-01")); d = d.plusDays(1)) {
            october.add(d, "Amazon EC2", "ml-training", "i-notebook", notebook, new BigDecimal("100"));
            october.add(d, "Amazon EC2", "ml-training", "i-other", other, new BigDecimal("10"));
        }
        DailyBill november = new DailyBill();
        for (LocalDate d = LocalDate.parse("2026-11-01"); d.isBefore(LocalDate.parse("2026-11-21")); d = d.plusDays(1)) {
            if (d.isBefore(LocalDate.parse("2026-11-04"))) november.add(d, "Amazon EC2", "ml-training", "i-notebook", notebook, new BigDecimal("100"));
            november.add(d, "Amazon EC2", "ml-training", "i-other", other, new BigDecimal("10"));
        }
        november.add(LocalDate.parse("2026-11-04"), "Amazon EBS", "ml-training", "vol-notebook", notebook, new BigDecimal("17"));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T09:00:00Z"));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(october.write(dir.resolve("october.csv"))));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(JobRunJson.parse(new StringReader("""
                    {"id":"notebook","team":"research","kind":"experiment","provider":"AWS","region":"us-east-1","instanceType":"g5.12xlarge","instanceCount":1,"pricing":"on_demand","start":"2026-10-20T00:00:00Z","status":"running"}
                    """), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(GpuWasteTest.samples("notebook", 1, Instant.parse("2026-10-29T00:00:00Z"), 1, 1000));
            AuditLog audit = new AuditLog(new DuckAuditStore(l.db), clock);
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, PriceCatalog.bundled(), clock, SavingsEngine.Settings.defaults()),
                    new DuckRecommendationStates(l.db), audit, clock);
            Recommendation idle = recs.list(Recommendations.Filter.ALL).recommendations().stream().filter(r -> r.target().equals("job notebook")).findFirst().orElseThrow();
            assertThat(idle.kind()).isEqualTo(Recommendation.Kind.IDLE);
            assertThat(idle.monthlySaving().amount()).isEqualByComparingTo("3000");
            recs.accept(idle.id(), "alice");

            // stopped two days later: no bills after it yet, so nothing is measured
            clock.set(Instant.parse("2026-11-03T10:00:00Z"));
            jobs.upsert(JobRunJson.parse(new StringReader("""
                    {"id":"notebook","team":"research","kind":"experiment","provider":"AWS","region":"us-east-1","instanceType":"g5.12xlarge","instanceCount":1,"pricing":"on_demand","start":"2026-10-20T00:00:00Z","end":"2026-11-03T10:00:00Z","status":"stopped"}
                    """), "jobs"));
            RealisedSavings.Realised now = recs.implemented(idle.id(), "bob");
            assertThat(now.realised()).isNull();
            assertThat(now.note()).startsWith("not measured yet");
            assertThat(now.acceptedAt()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
            assertThat(audit.bySubject("recommendation:" + idle.id())).extracting(AuditEvent::action)
                    .containsExactly("recommendation.accepted", "recommendation.implemented");

            // the bills reach 11-21: measured, though the engine recommends it no more (the job stopped)
            l.importer.importFiles(List.of(november.write(dir.resolve("november.csv"))));
            clock.set(Instant.parse("2026-11-21T08:00:00Z"));
            assertThat(recs.list(Recommendations.Filter.ALL).recommendations()).extracting(Recommendation::target).doesNotContain("job notebook");
            List<RealisedSavings.Realised> realised = recs.realised(Recommendations.Filter.ALL);
            assertThat(realised).singleElement().satisfies(r -> {
                assertThat(r.id()).isEqualTo(idle.id());
                assertThat(r.beforeFrom()).isEqualTo(Instant.parse("2026-10-20T00:00:00Z"));
                assertThat(r.beforeTo()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
                assertThat(r.before()).isEqualByComparingTo("1200");
                assertThat(r.beforePerMonth()).isEqualByComparingTo("3000");
                assertThat(r.afterFrom()).isEqualTo(Instant.parse("2026-11-04T00:00:00Z"));
                assertThat(r.afterTo()).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
                assertThat(r.afterDays()).isEqualTo(17);
                assertThat(r.after()).isEqualByComparingTo("17");
                assertThat(r.afterPerMonth()).isEqualByComparingTo("30");
                assertThat(r.realised()).isEqualByComparingTo("2970");
                assertThat(r.expected()).isEqualByComparingTo("3000");
                assertThat(r.note()).isNull();
            });
            assertThat(recs.realised(new Recommendations.Filter(null, java.util.Set.of("vision")))).isEmpty();
            assertThatThrownBy(() -> recs.implemented(idle.id(), "bob")).isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
            audit.close();
        }
    }

    /**
     * A scheduled dev notebook, by hand. Job {@code dev-nb} (environment=dev) runs from Sunday 2026-10-04, billed 1 USD an
     * hour, busy Mon-Fri 08:00-20:00 UTC and idle otherwise: the schedule expects 216 idle off-hours in 14 days, 462.8571428571
     * a month. Accepted 11-01 09:00, implemented 11-02 10:00: from then it is billed in working hours only, but for a night
     * run on Wednesday 11-11 20:00-22:00; job {@code other} bills 5 a day so the bills reach 11-21.
     * <ul>
     * <li>before: its off-hours spend in [10-04, 11-01), four whole weeks of 108 off-hours: 432, × 30 / 28 = 462.8571428571.</li>
     * <li>after: its off-hours spend in [11-03, 11-21): the night run's 2, × 30 / 18 = 3.3333333333 (its working hours,
     *   which the schedule leaves alone, do not count on either side).</li>
     * <li>realised: 459.5238095238 a month.</li>
     * </ul>
     */
    @Test
    void scheduledDevNotebook_offHoursSpendBeforeAgainstAfter_realises459AMonth() throws Exception {
        StringBuilder oct = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        for (java.time.LocalDateTime h = java.time.LocalDateTime.parse("2026-10-04T00:00"); h.isBefore(java.time.LocalDateTime.parse("2026-11-01T00:00")); h = h.plusHours(1)) {
            oct.append(hour(h, "dev-nb"));
        }
        StringBuilder nov = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        java.time.LocalDateTime stopped = java.time.LocalDateTime.parse("2026-11-02T10:00");
        for (java.time.LocalDateTime h = java.time.LocalDateTime.parse("2026-11-01T00:00"); h.isBefore(java.time.LocalDateTime.parse("2026-11-21T00:00")); h = h.plusHours(1)) {
            boolean night = h.toLocalDate().equals(LocalDate.parse("2026-11-11")) && (h.getHour() == 20 || h.getHour() == 21);
            if (h.isBefore(stopped) || working(h) || night) nov.append(hour(h, "dev-nb"));
        }
        for (LocalDate d = LocalDate.parse("2026-11-01"); d.isBefore(LocalDate.parse("2026-11-21")); d = d.plusDays(1)) {
            nov.append(dev.burnrate.testing.SavingsBill.billRow(d.atStartOfDay(), 24, "5", "5", "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute",
                    "us-east-1", null, null, "vision", "AWS", "other"));
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T09:00:00Z"));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(java.nio.file.Files.writeString(dir.resolve("october.csv"), oct)));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(JobRunJson.parse(new StringReader("{\"id\":\"dev-nb\",\"team\":\"research\",\"kind\":\"experiment\",\"provider\":\"AWS\","
                    + "\"region\":\"us-east-1\",\"instanceType\":\"g5.2xlarge\",\"instanceCount\":1,\"pricing\":\"on_demand\",\"start\":\"2026-10-04T00:00:00Z\","
                    + "\"status\":\"running\",\"tags\":{\"environment\":\"dev\"}}"), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            List<dev.burnrate.ledger.GpuSample> gpu = new java.util.ArrayList<>();
            for (Instant t = Instant.parse("2026-10-18T00:00:00Z"); t.isBefore(Instant.parse("2026-11-01T00:00:00Z")); t = t.plus(Duration.ofMinutes(30))) {
                double util = working(java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC)) ? 40 : 1;
                gpu.add(new dev.burnrate.ledger.GpuSample(t, "dev-nb-node-0", "GPU-dev-nb", 0, "dev-nb", null, null, null, util, 2000L, 22888L));
            }
            samples.append(gpu);
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), List::of,
                    PriceCatalog.bundled(), clock, SavingsEngine.Settings.defaults()), new DuckRecommendationStates(l.db), null, clock);
            Recommendation schedule = recs.list(Recommendations.Filter.ALL).recommendations().stream().filter(r -> r.target().equals("job dev-nb")).findFirst().orElseThrow();
            assertThat(schedule.kind()).isEqualTo(Recommendation.Kind.SCHEDULE);
            assertThat(schedule.monthlySaving().amount()).isEqualByComparingTo("462.8571428571");
            recs.accept(schedule.id(), "alice");
            clock.set(Instant.parse("2026-11-02T10:00:00Z"));
            recs.implemented(schedule.id(), "bob");

            l.importer.importFiles(List.of(java.nio.file.Files.writeString(dir.resolve("november.csv"), nov)));
            clock.set(Instant.parse("2026-11-21T08:00:00Z"));
            assertThat(recs.realised(Recommendations.Filter.ALL)).singleElement().satisfies(r -> {
                assertThat(r.beforeFrom()).isEqualTo(Instant.parse("2026-10-04T00:00:00Z"));
                assertThat(r.beforeTo()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
                assertThat(r.before()).isEqualByComparingTo("432");
                assertThat(r.beforePerMonth()).isEqualByComparingTo("462.8571428571");
                assertThat(r.afterFrom()).isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
                assertThat(r.afterTo()).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
                assertThat(r.after()).isEqualByComparingTo("2");
                assertThat(r.afterPerMonth()).isEqualByComparingTo("3.3333333333");
                assertThat(r.realised()).isEqualByComparingTo("459.5238095238");
                assertThat(r.note()).isNull();
            });
        }
    }

    /**
     * A tiered bucket, by hand: {@code arn:aws:s3:::archive} held 48,000 GB of S3 Standard, 36.80 a day, every day from
     * 2026-09-02, so tiering expects 1104 × (1 − 0.0125 / 0.023) = 504 a month. Accepted 11-01 09:00, implemented 11-02 10:00;
     * from 11-03 it bills as Standard-IA, 20.00 a day, and a retrieval of 250 GB at 0.01 (2.50) on 11-10.
     * <ul>
     * <li>before: its spend in [10-02, 11-01): 30 × 36.80 = 1104 a month.</li>
     * <li>after: its spend in [11-03, 11-21), the retrieval included: 18 × 20 + 2.50 = 362.50, × 30 / 18 = 604.1666666667.</li>
     * <li>realised: 499.8333333333 a month, against the 504 expected (the retrieval the new class charges counts against it).</li>
     * </ul>
     * A cross-region transfer line is still not measured, and says why.
     */
    @Test
    void tieredBucket_itsSpendBeforeAgainstAfter_retrievalsIncluded_realises499AMonth() throws Exception {
        String standard = "$0.023 per GB - first 50 TB / month of storage used";
        StringBuilder before = new StringBuilder(dev.burnrate.testing.ResourceBill.HEADER);
        for (LocalDate d = LocalDate.parse("2026-09-02"); d.isBefore(LocalDate.parse("2026-11-01")); d = d.plusDays(1)) {
            before.append(dev.burnrate.testing.ResourceBill.s3(d, "arn:aws:s3:::archive", standard, "GB-Months", "36.80", "fraud"));
            before.append(dev.burnrate.testing.ResourceBill.s3(d, "arn:aws:s3:::datasets", "$0.02 per GB - US East (Northern Virginia) data transfer to US West (Oregon)",
                    "GB", "40", "fraud"));
        }
        StringBuilder after = new StringBuilder(dev.burnrate.testing.ResourceBill.HEADER);
        for (LocalDate d = LocalDate.parse("2026-11-01"); d.isBefore(LocalDate.parse("2026-11-21")); d = d.plusDays(1)) {
            after.append(d.isBefore(LocalDate.parse("2026-11-03"))
                    ? dev.burnrate.testing.ResourceBill.s3(d, "arn:aws:s3:::archive", standard, "GB-Months", "36.80", "fraud")
                    : dev.burnrate.testing.ResourceBill.s3(d, "arn:aws:s3:::archive", "$0.0125 per GB-Month of storage used in Standard-Infrequent Access",
                    "GB-Months", "20.00", "fraud"));
        }
        after.append(dev.burnrate.testing.ResourceBill.s3(LocalDate.parse("2026-11-10"), "arn:aws:s3:::archive",
                "$0.01 per GB - Standard-Infrequent Access data retrieval", "GB", "2.50", "fraud"));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T09:00:00Z"));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(java.nio.file.Files.writeString(dir.resolve("before.csv"), before)));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, jobs, new DuckGpuSamples(l.db), new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db),
                    List::of, PriceCatalog.bundled(), clock, SavingsEngine.Settings.defaults()), new DuckRecommendationStates(l.db), null, clock);
            List<Recommendation> found = recs.list(Recommendations.Filter.ALL).recommendations();
            Recommendation tiering = found.stream().filter(r -> r.target().equals("storage arn:aws:s3:::archive")).findFirst().orElseThrow();
            assertThat(tiering.monthlySaving().amount()).isEqualByComparingTo("504");
            Recommendation transfer = found.stream().filter(r -> r.target().startsWith("transfer ")).findFirst().orElseThrow();
            recs.accept(tiering.id(), "alice");
            recs.accept(transfer.id(), "alice");
            clock.set(Instant.parse("2026-11-02T10:00:00Z"));
            recs.implemented(tiering.id(), "bob");
            recs.implemented(transfer.id(), "bob");

            l.importer.importFiles(List.of(java.nio.file.Files.writeString(dir.resolve("after.csv"), after)));
            clock.set(Instant.parse("2026-11-21T08:00:00Z"));
            java.util.Map<String, RealisedSavings.Realised> realised = recs.realised(Recommendations.Filter.ALL).stream()
                    .collect(java.util.stream.Collectors.toMap(RealisedSavings.Realised::target, r -> r));
            assertThat(realised.get("storage arn:aws:s3:::archive")).satisfies(r -> {
                assertThat(r.beforeFrom()).isEqualTo(Instant.parse("2026-10-02T00:00:00Z"));
                assertThat(r.before()).isEqualByComparingTo("1104");
                assertThat(r.beforePerMonth()).isEqualByComparingTo("1104");
                assertThat(r.afterFrom()).isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
                assertThat(r.afterTo()).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
                assertThat(r.after()).isEqualByComparingTo("362.50");
                assertThat(r.afterPerMonth()).isEqualByComparingTo("604.1666666667");
                assertThat(r.realised()).isEqualByComparingTo("499.8333333333");
                assertThat(r.expected()).isEqualByComparingTo("504");
            });
            assertThat(realised.get(transfer.target()).realised()).isNull();
            assertThat(realised.get(transfer.target()).note()).isEqualTo("not measured: a transfer line's spend moves with what is sent, not only with this change");
        }
    }

    private static boolean working(java.time.LocalDateTime h) {
        return h.getDayOfWeek().getValue() <= 5 && h.getHour() >= 8 && h.getHour() < 20;
    }

    private static String hour(java.time.LocalDateTime h, String job) {
        return dev.burnrate.testing.SavingsBill.billRow(h, 1, "1", "1", "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null,
                "research", "AWS", job);
    }

    /** The same story from the command line: accept, stop the job, {@code recommend implemented}, and the listing's footer once November is billed. */
    @Test
    void cli_acceptImplementedAndList_printTheRealisedSavingFromTheBills() throws Exception {
        String notebook = "{\"team\": \"research\", \"job_id\": \"notebook\"}";
        DailyBill october = new DailyBill();
        for (LocalDate d = LocalDate.parse("2026-10-20"); d.isBefore(LocalDate.parse("2026-11-01")); d = d.plusDays(1)) {
            october.add(d, "Amazon EC2", "ml-training", "i-notebook", notebook, new BigDecimal("100"));
        }
        DailyBill november = new DailyBill();
        for (LocalDate d = LocalDate.parse("2026-11-01"); d.isBefore(LocalDate.parse("2026-11-04")); d = d.plusDays(1)) {
            november.add(d, "Amazon EC2", "ml-training", "i-notebook", notebook, new BigDecimal("100"));
        }
        for (LocalDate d = LocalDate.parse("2026-11-04"); d.isBefore(LocalDate.parse("2026-11-11")); d = d.plusDays(1)) {
            november.add(d, "Amazon EBS", "ml-training", "vol-notebook", notebook, new BigDecimal("7"));
        }
        String job = "{\"id\":\"notebook\",\"team\":\"research\",\"kind\":\"experiment\",\"provider\":\"AWS\",\"region\":\"us-east-1\","
                + "\"instanceType\":\"g5.12xlarge\",\"instanceCount\":1,\"pricing\":\"on_demand\",\"start\":\"2026-10-20T00:00:00Z\"";
        String id;
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(october.write(dir.resolve("october.csv"))));
            new DuckJobRuns(l.db).upsert(JobRunJson.parse(new StringReader(job + ",\"status\":\"running\"}"), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(GpuWasteTest.samples("notebook", 1, Instant.parse("2026-10-29T00:00:00Z"), 1, 1000));
            id = Recommendation.idOf(Recommendation.Kind.IDLE, "job notebook");
        }
        String db = dir.resolve("ledger.duckdb").toString();
        assertThat(cli(Instant.parse("2026-11-01T09:00:00Z"), "--db", db, "recommend", "accept", id)).contains("recommendation " + id + " accepted: 3000.00 USD a month");
        try (TestLedger l = new TestLedger(dir)) {
            new DuckJobRuns(l.db).upsert(JobRunJson.parse(new StringReader(job + ",\"end\":\"2026-11-03T10:00:00Z\",\"status\":\"stopped\"}"), "jobs"));
            l.importer.importFiles(List.of(november.write(dir.resolve("november.csv"))));
        }
        // before [10-20, 11-01): 1200 in 12 days = 3000 per 30 days; after [11-04, 11-11): 49 in 7 days = 210; realised 2790
        assertThat(cli(Instant.parse("2026-11-03T10:00:00Z"), "--db", db, "recommend", "implemented", id))
                .contains("recommendation " + id + " implemented at 2026-11-03T10:00:00Z")
                .contains("realised " + id + " (job notebook, implemented 2026-11-03T10:00:00Z): 2790.00 USD a month (expected 3000.00): spend per 30 days "
                        + "3000.00 before 2026-11-01, 210.00 after, over 7 days of bills from 2026-11-04");
        assertThat(cli(Instant.parse("2026-11-12T10:00:00Z"), "--db", db, "recommend")).contains("realised " + id).contains("2790.00 USD a month")
                .contains("no recommendations");
    }

    private static String cli(Instant at, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.burnrate.app.Main.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                java.time.Clock.fixed(at, java.time.ZoneOffset.UTC), name -> null);
        assertThat(code).as(out + " " + err).isZero();
        return out.toString();
    }

    @Test
    void perMonth_isExactWhereItCanBe_andTenPlacesOtherwise() {
        assertThat(RealisedSavings.perMonth(new BigDecimal("1200"), Duration.ofDays(12))).isEqualByComparingTo("3000");
        assertThat(RealisedSavings.perMonth(new BigDecimal("100"), Duration.ofDays(7))).isEqualByComparingTo("428.5714285714");
    }
}

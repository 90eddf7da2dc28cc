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
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), java.util.List::of, PriceCatalog.bundled(), clock, SavingsEngine.Settings.defaults()),
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

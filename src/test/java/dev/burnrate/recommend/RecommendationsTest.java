package dev.burnrate.recommend;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckAuditStore;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.store.DuckRecommendationStates;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Accepting and dismissing: kept by id in the database file across reopening, audited, and refused without a reason. */
class RecommendationsTest {
    @TempDir
    Path dir;

    private static Recommendations recommendations(TestLedger l, AuditLog audit) {
        SavingsEngine engine = new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, PriceCatalog.bundled(), TestLedger.CLOCK,
                SavingsEngine.Settings.defaults());
        return new Recommendations(engine, new DuckRecommendationStates(l.db), audit, TestLedger.CLOCK);
    }

    private Path bill() throws Exception {
        StringBuilder b = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        for (String sp : new String[]{"sp-1", "sp-2"}) {
            b.append(dev.burnrate.testing.SavingsBill.row(LocalDate.parse("2026-10-05"), "5", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute",
                    "us-east-1", sp, "Unused", null));
        }
        return Files.writeString(dir.resolve("bill.csv"), b);
    }

    /**
     * A notebook on Compute Engine in a test region, on demand every day of 30 at 100 (list 125), its GPUs idle: stopping
     * it saves 100 a day, the whole steady floor, so no commitment is bought for that usage. Dismissed ("it is the team's
     * workstation"), the usage stays: the purchase covers the floor again, 125 × 0.70 = 87.5 a day, saving 12.5 a day, 375 a month.
     */
    @Test
    void dismissedIdleRecommendation_itsUsageStays_soTheCommitmentPurchaseCoversItAgain() throws Exception {
        StringBuilder b = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        for (int d = 0; d < 30; d++) {
            b.append(dev.burnrate.testing.SavingsBill.billRow(LocalDate.parse("2026-10-02").plusDays(d).atStartOfDay(), 24, "100", "125", "Usage", "Standard",
                    "Compute Engine", "Compute", "test-central1", null, null, "team-a", "Google Cloud", "nb"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(new dev.burnrate.pricing.InstancePrice("Google Cloud", "t1-standard-4", "test-central1",
                "nvidia-l4", 1, new java.math.BigDecimal("1.00"), null, new java.math.BigDecimal("0.70"), null, "test", "2026-11-01")));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(dev.burnrate.ingest.jobs.JobRunJson.parse(new java.io.StringReader(
                    "{\"id\":\"nb\",\"team\":\"team-a\",\"kind\":\"experiment\",\"provider\":\"Google Cloud\",\"region\":\"test-central1\","
                            + "\"instanceType\":\"t1-standard-4\",\"instanceCount\":1,\"pricing\":\"on_demand\",\"start\":\"2026-10-02T00:00:00Z\",\"status\":\"running\"}"), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(GpuWasteTest.samples("nb", 1, java.time.Instant.parse("2026-10-29T00:00:00Z"), 1, 1000));
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db),
                    new dev.burnrate.store.DuckInstanceSamples(l.db), List::of, catalog, TestLedger.CLOCK, SavingsEngine.Settings.defaults()),
                    new DuckRecommendationStates(l.db), null, TestLedger.CLOCK);
            Recommendations.Listing before = recs.list(Recommendations.Filter.ALL);
            Recommendation idle = before.recommendations().stream().filter(r -> r.target().equals("job nb")).findFirst().orElseThrow();
            assertThat(idle.monthlySaving().amount()).isEqualByComparingTo("3000");
            assertThat(before.recommendations()).noneMatch(r -> r.target().startsWith("purchase "));
            assertThat(before.result().notes(Recommendation.Kind.COMMITMENT)).anySatisfy(n -> assertThat(n).contains("take the whole steady floor"));

            recs.dismiss(idle.id(), "it is the team's workstation", "carol");
            Recommendation purchase = recs.list(Recommendations.Filter.ALL).recommendations().stream()
                    .filter(r -> r.target().equals("purchase Google Cloud / Compute Engine / test-central1 USD")).findFirst().orElseThrow();
            assertThat(purchase.monthlySaving().amount()).isEqualByComparingTo("375");
            assertThat(purchase.evidence().numbers()).doesNotContainKey("already_saved_per_day");
        }
    }

    @Test
    void acceptAndDismiss_reopenedDatabase_keepTheirStatesByIdAndAreAudited() throws Exception {
        Path bill = bill();
        String accepted;
        String dismissed;
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            AuditLog audit = new AuditLog(new DuckAuditStore(l.db), TestLedger.CLOCK);
            Recommendations recs = recommendations(l, audit);
            List<Recommendation> open = recs.list(Recommendations.Filter.ALL).recommendations();
            assertThat(open).hasSize(2).allSatisfy(r -> assertThat(r.state().status()).isEqualTo(Recommendation.Status.OPEN));
            accepted = open.get(0).id();
            dismissed = open.get(1).id();
            assertThat(recs.accept(accepted, "alice").state().status()).isEqualTo(Recommendation.Status.ACCEPTED);
            assertThat(recs.dismiss(dismissed, "ending the plan next month", "bob").state().reason()).isEqualTo("ending the plan next month");
            List<AuditEvent> trail = audit.bySubject("recommendation:" + dismissed);
            assertThat(trail).hasSize(1);
            assertThat(trail.get(0).action()).isEqualTo("recommendation.dismissed");
            assertThat(trail.get(0).actor()).isEqualTo("bob");
            assertThat(trail.get(0).detail()).contains("ending the plan next month");
            assertThat(audit.bySubject("recommendation:" + accepted)).extracting(AuditEvent::action).containsExactly("recommendation.accepted");
            audit.close();
        }
        try (TestLedger l = new TestLedger(dir)) {
            List<Recommendation> again = recommendations(l, null).list(Recommendations.Filter.ALL).recommendations();
            assertThat(again).filteredOn(r -> r.id().equals(accepted)).singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo(Recommendation.State.accepted("alice", TestLedger.CLOCK.instant())));
            assertThat(again).filteredOn(r -> r.id().equals(dismissed)).singleElement()
                    .satisfies(r -> assertThat(r.state().status()).isEqualTo(Recommendation.Status.DISMISSED));
        }
    }

    @Test
    void dismiss_withoutReasonOrUnknownId_isRefusedAndNothingIsStored() throws Exception {
        Path bill = bill();
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            Recommendations recs = recommendations(l, null);
            String id = recs.list(Recommendations.Filter.ALL).recommendations().get(0).id();
            assertThatThrownBy(() -> recs.dismiss(id, "  ", "bob")).hasMessageContaining("reason");
            assertThatThrownBy(() -> recs.accept("idle-000000000000", "bob")).isInstanceOf(Recommendations.NotFoundException.class)
                    .hasMessageContaining("idle-000000000000");
            assertThat(new DuckRecommendationStates(l.db).all()).isEmpty();
        }
    }
}

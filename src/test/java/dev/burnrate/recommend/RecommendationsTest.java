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

package dev.burnrate.recommend;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.app.Wiring;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckAlertStore;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.store.DuckRecommendationStates;
import dev.burnrate.testing.SavingsBill;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New high-value recommendations become one ticket each: two savings plans left 600 and 500 USD unused on one day of the
 * 30-day lookback, so they save 600 × 30 / 30 = 600 and 500 a month; with the threshold at 500 only the first is over it.
 */
class SavingsAlertsTest {
    @TempDir
    Path dir;

    private Path bill() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        b.append(SavingsBill.row(LocalDate.parse("2026-10-05"), "600", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-big", "Unused", null));
        b.append(SavingsBill.row(LocalDate.parse("2026-10-05"), "500", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-even", "Unused", null));
        return Files.writeString(dir.resolve("bill.csv"), b);
    }

    @Test
    void run_raisesOneTicketPerRecommendationOverTheThreshold_onlyOnce_andResolvesItOnceAccepted() throws Exception {
        Path bill = bill();
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            Recommendations recs = new Recommendations(new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, PriceCatalog.bundled(),
                    TestLedger.CLOCK, SavingsEngine.Settings.defaults()), new DuckRecommendationStates(l.db), null, TestLedger.CLOCK);
            DuckAlertStore store = new DuckAlertStore(l.db);
            SavingsAlerts alerts = new SavingsAlerts(recs, new Alerts(store, TestLedger.CLOCK, Map.of(), Duration.ZERO, null),
                    SavingsAlerts.Settings.defaults(), TestLedger.CLOCK);
            Recommendation big = recs.list(Recommendations.Filter.ALL).recommendations().stream().filter(r -> r.target().contains("sp-big")).findFirst().orElseThrow();
            assertThat(big.monthlySaving().amount()).isEqualByComparingTo("600");

            SavingsAlerts.Pass first = alerts.run();
            assertThat(first.raised()).containsExactly(big.id());
            assertThat(first.over()).isEqualTo(1);
            List<Alert> open = store.list(Alert.State.OPEN, 10);
            assertThat(open).singleElement().satisfies(a -> {
                assertThat(a.severity()).isEqualTo(Alert.Severity.TICKET);
                assertThat(a.dedupKey()).isEqualTo("recommendation:" + big.id());
                assertThat(a.title()).isEqualTo("Save 600.00 USD a month (commitment): " + big.target());
                assertThat(a.details()).containsEntry("monthly saving", "600.00 USD").containsEntry("kind", "commitment");
            });

            // recomputing (the hourly loop, the next import) finds the same recommendation: no second alert
            assertThat(alerts.run().raised()).isEmpty();
            assertThat(store.list(null, 10)).singleElement().satisfies(a -> assertThat(a.occurrences()).isEqualTo(2));

            recs.accept(big.id(), "alice");
            assertThat(alerts.run().over()).isZero();
            assertThat(store.list(null, 10)).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(Alert.State.RESOLVED));
        }
    }

    @Test
    void anImport_raisesTheTicketInItsFollowUp_withTheThresholdFromBurnrateYaml() throws Exception {
        Path bill = bill();
        Files.writeString(dir.resolve("burnrate.yaml"), "recommendations:\n  alertAbove: 499.99\n");
        try (Wiring w = Wiring.open(dir.resolve("w.duckdb"), dir.resolve("burnrate.yaml"), TestLedger.CLOCK)) {
            w.imports().importFiles(List.of(bill));
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).filteredOn(a -> a.source().equals("recommend"))
                    .extracting(a -> a.details().get("monthly saving")).containsExactlyInAnyOrder("600.00 USD", "500.00 USD");
            // sentences a person reads: "This recommendation (…) saves", and the action ends before "Then accept it" (a trial
            // read "A inference/idle recommendation" and "… the quiet hours Then accept it")
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).filteredOn(a -> a.source().equals("recommend")).allSatisfy(a -> {
                assertThat(a.summary()).startsWith("This recommendation (");
                assertThat(a.recommendedAction()).containsPattern("\\. Then accept it \\(burnrate recommend accept ");
            });
            // dismissed (from the CLI, with no server pass to follow): its ticket is resolved at once, the other stays open
            dev.burnrate.recommend.Recommendation big = w.recommendations().list(Recommendations.Filter.ALL).recommendations().stream()
                    .filter(r -> r.target().contains("sp-big")).findFirst().orElseThrow();
            w.recommendations().dismiss(big.id(), "moving to GCP", "cli"); // what 'burnrate recommend dismiss' calls
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).filteredOn(a -> a.source().equals("recommend"))
                    .extracting(a -> a.details().get("monthly saving")).containsExactly("500.00 USD");
        }
    }
}

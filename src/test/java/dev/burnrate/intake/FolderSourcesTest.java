package dev.burnrate.intake;

import dev.burnrate.alert.Alert;
import dev.burnrate.app.Wiring;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder source in burnrate.yaml, polled on a virtual clock: exports are imported once they hold still, the parts of
 * one billing period (AWS Data Exports layout) are committed together, a restated period replaces its rows, and a
 * refused file or a source that stops delivering raises an alert.
 */
class FolderSourcesTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2024-10-02T06:00:00Z"));

    Wiring open() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), """
                sources:
                  - {name: aws, type: folder, path: exports, every: 5m, staleAfter: 36h}
                """);
        return Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), clock);
    }

    BigDecimal total(Wiring w) {
        return w.costs().costs(new CostQuery(List.of(), null, null, Granularity.NONE, CostBasis.BILLED, Map.of())).totals()
                .getOrDefault("USD", BigDecimal.ZERO);
    }

    List<FolderSources.Poll> poll(Wiring w) {
        clock.advance(Duration.ofMinutes(5));
        return w.sources().pollDue();
    }

    @Test
    void awsExportParts_areImportedTogetherOnceStill_andARestatementReplacesThePeriod() throws Exception {
        Path period = Files.createDirectories(dir.resolve("exports/focus/acme/data/BILLING_PERIOD=2024-09"));
        new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 16), "fraud", "100.00").write(period.resolve("part-00000.csv"));
        new DailyBill().daily(LocalDate.of(2024, 9, 16), LocalDate.of(2024, 10, 1), "fraud", "100.00").write(period.resolve("part-00001.csv"));
        Files.writeString(period.resolve("Manifest.json"), "{\"reportKeys\":[\"part-00000.csv\",\"part-00001.csv\"]}"); // not an export file
        try (Wiring w = open()) {
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isZero()); // first sight: maybe still being written
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(2));
            assertThat(total(w)).isEqualByComparingTo("3000.00"); // both parts: the second did not restate the first
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported() + p.skipped()).isZero());

            // the provider restates September: one new file replaces the period's parts
            Files.delete(period.resolve("part-00001.csv"));
            new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 10, 1), "fraud", "90.00").write(period.resolve("part-00000.csv"));
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(1));
            assertThat(total(w)).isEqualByComparingTo("2700.00");
            assertThat(w.focusLedger().imports(10)).hasSize(3).first().satisfies(e -> assertThat(e.replacedRows()).isEqualTo(30)); // the log keeps history
        }
    }

    @Test
    void refusedFile_andASourceThatStopsDelivering_raiseAlerts() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("exports"));
        Files.writeString(folder.resolve("bad.csv"), "BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,"
                + "ChargePeriodStart,ChargePeriodEnd,ProviderName\nabc,1.5,USD,a,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,AWS\n");
        try (Wiring w = open()) {
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> {
                assertThat(p.failed()).isEqualTo(1);
                assertThat(p.errors().get(0)).contains("bad.csv:2", "BilledCost", "abc");
            });
            assertThat(total(w)).isEqualByComparingTo("0");
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).extracting(Alert::title).anyMatch(t -> t.contains("Billing source aws: 1 file(s) refused"));

            clock.advance(Duration.ofHours(37));
            poll(w);
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).extracting(Alert::title).anyMatch(t -> t.contains("Billing source aws brought nothing new since"));
        }
    }
}

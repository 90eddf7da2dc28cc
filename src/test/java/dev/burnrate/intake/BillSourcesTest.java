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
class BillSourcesTest {
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

    List<BillSources.Poll> poll(Wiring w) {
        clock.advance(Duration.ofMinutes(5));
        return w.sources().pollDue();
    }

    static void manifest(Path file, String... dataFiles) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"executionId\":\"e1\",\"dataFiles\":[" + String.join(",",
                java.util.Arrays.stream(dataFiles).map(f -> "\"s3://billing/focus/acme/data/BILLING_PERIOD=2024-09/" + f + "\"").toList()) + "]}");
    }

    @Test
    void awsExportParts_waitForTheirManifest_areImportedTogether_andARestatementReplacesThePeriod() throws Exception {
        Path period = Files.createDirectories(dir.resolve("exports/focus/acme/data/BILLING_PERIOD=2024-09"));
        Path manifest = dir.resolve("exports/focus/acme/metadata/BILLING_PERIOD=2024-09/acme-Manifest.json");
        new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 16), "fraud", "100.00").write(period.resolve("acme-00001.csv"));
        new DailyBill().daily(LocalDate.of(2024, 9, 16), LocalDate.of(2024, 10, 1), "fraud", "100.00").write(period.resolve("acme-00002.csv"));
        try (Wiring w = open()) {
            // August's manifest is in place, September's data is still arriving: nothing is taken before its manifest
            manifest(dir.resolve("exports/focus/acme/metadata/BILLING_PERIOD=2024-08/acme-Manifest.json"));
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isZero());
            manifest(manifest, "acme-00001.csv", "acme-00002.csv");
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isZero()); // first sight: maybe still being written
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(2));
            assertThat(total(w)).isEqualByComparingTo("3000.00"); // both parts: the second did not restate the first
            assertThat(w.focusLedger().imports(10)).extracting(e -> e.file()).allMatch(f -> f.contains("BILLING_PERIOD=2024-09/acme-0000"));
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported() + p.skipped()).isZero());

            // the provider restates September in one part: the new manifest lists only it, and it replaces the period
            Files.delete(period.resolve("acme-00002.csv"));
            new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 10, 1), "fraud", "90.00").write(period.resolve("acme-00001.csv"));
            manifest(manifest, "acme-00001.csv");
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(1));
            assertThat(total(w)).isEqualByComparingTo("2700.00");
            assertThat(w.focusLedger().imports(10)).hasSize(3).first().satisfies(e -> assertThat(e.replacedRows()).isEqualTo(30)); // the log keeps history
        }
    }

    @Test
    void redeliveryWithOnePartUnchanged_keepsThatPartsRows_whileTheChangedPartRestatesThePeriod() throws Exception {
        Path period = Files.createDirectories(dir.resolve("exports/focus/acme/data/BILLING_PERIOD=2024-09"));
        Path manifest = dir.resolve("exports/focus/acme/metadata/BILLING_PERIOD=2024-09/acme-Manifest.json");
        new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 16), "fraud", "100.00").write(period.resolve("acme-00001.csv"));
        new DailyBill().daily(LocalDate.of(2024, 9, 16), LocalDate.of(2024, 9, 20), "fraud", "100.00").write(period.resolve("acme-00002.csv"));
        manifest(manifest, "acme-00001.csv", "acme-00002.csv");
        try (Wiring w = open()) {
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(2));
            assertThat(total(w)).isEqualByComparingTo("1900.00");
            // the daily refresh rewrites both parts; only the second one's content changed (four more days)
            new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 16), "fraud", "100.00").write(period.resolve("acme-00001.csv"));
            new DailyBill().daily(LocalDate.of(2024, 9, 16), LocalDate.of(2024, 9, 24), "fraud", "100.00").write(period.resolve("acme-00002.csv"));
            manifest(manifest, "acme-00001.csv", "acme-00002.csv");
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> {
                assertThat(p.imported()).isEqualTo(1);
                assertThat(p.skipped()).isEqualTo(1);
            });
            assertThat(total(w)).isEqualByComparingTo("2300.00"); // not 800: the unchanged first half stays
        }
    }

    @Test
    void azureExportRuns_onlyTheNewestRunOfAPeriodIsImported_andARunWaitsForItsManifest() throws Exception {
        Path range = dir.resolve("exports/costs/focus-daily/20240901-20240930");
        Path run1 = Files.createDirectories(range.resolve("0e0a6f8c-run1"));
        Path run2 = Files.createDirectories(range.resolve("7b1d2c3e-run2"));
        new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 10), "search", "10.00").write(run1.resolve("part_0_0001.csv"));
        Files.writeString(run1.resolve("manifest.json"), "{\"blobs\":[{\"blobName\":\"costs/focus-daily/20240901-20240930/0e0a6f8c-run1/part_0_0001.csv\"}]}");
        new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 11), "search", "10.00").write(run2.resolve("part_0_0001.csv"));
        Files.setLastModifiedTime(run1.resolve("manifest.json"), java.nio.file.attribute.FileTime.from(Instant.parse("2024-10-01T00:00:00Z")));
        try (Wiring w = open()) {
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(1)); // run 2 has no manifest yet
            assertThat(total(w)).isEqualByComparingTo("90.00");
            Files.writeString(run2.resolve("manifest.json"), "{\"blobs\":[{\"blobName\":\"costs/focus-daily/20240901-20240930/7b1d2c3e-run2/part_0_0001.csv\"}]}");
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> assertThat(p.imported()).isEqualTo(1));
            assertThat(total(w)).isEqualByComparingTo("100.00");
        }
    }

    @Test
    void aRefusedPart_rollsBackItsWholeDelivery_soThePeriodIsNotRestatedWithoutIt() throws Exception {
        Path period = Files.createDirectories(dir.resolve("exports/focus/acme/data/BILLING_PERIOD=2024-09"));
        Path manifest = dir.resolve("exports/focus/acme/metadata/BILLING_PERIOD=2024-09/acme-Manifest.json");
        new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 16), "fraud", "100.00").write(period.resolve("acme-00001.csv"));
        manifest(manifest, "acme-00001.csv");
        try (Wiring w = open()) {
            poll(w);
            poll(w);
            assertThat(total(w)).isEqualByComparingTo("1500.00");
            new DailyBill().daily(LocalDate.of(2024, 9, 1), LocalDate.of(2024, 9, 20), "fraud", "100.00").write(period.resolve("acme-00001.csv"));
            Files.writeString(period.resolve("acme-00002.csv"), "not,a,focus,file\n1,2,3,4\n");
            manifest(manifest, "acme-00001.csv", "acme-00002.csv");
            poll(w);
            assertThat(poll(w)).singleElement().satisfies(p -> {
                assertThat(p.failed()).isEqualTo(2);
                assertThat(String.join("\n", p.errors())).contains("acme-00002.csv").contains("another part of the same delivery");
            });
            assertThat(total(w)).isEqualByComparingTo("1500.00"); // the earlier delivery stands
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

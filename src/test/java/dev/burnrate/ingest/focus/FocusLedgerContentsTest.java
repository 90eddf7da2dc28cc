package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.Fixtures;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the ledger keeps besides the costs: custom columns, the import log, and currencies apart. */
class FocusLedgerContentsTest {
    @TempDir
    Path dir;

    @Test
    void import_customColumns_areKeptWithTheirValues() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(sample));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("ledger.duckdb").toAbsolutePath());
             ResultSet r = c.createStatement().executeQuery(
                     "SELECT extra_columns::JSON->>'Id' FROM cost_record WHERE \"BilledCost\" = 0.0000008 AND \"ResourceId\" LIKE '%i-032l64f2065481b12'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("11472");
        }
    }

    @Test
    void import_log_recordsHashRowsAndTotalsPerCurrency() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(sample));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("ledger.duckdb").toAbsolutePath());
             ResultSet r = c.createStatement().executeQuery("SELECT sha256, rows, focus_version, totals, imported_at FROM import_log")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).hasSize(64);
            assertThat(r.getLong(2)).isEqualTo(1000);
            assertThat(r.getString(3)).isEqualTo("1.0");
            assertThat(r.getString(4)).contains("\"USD\"", "20.52022672899");
            assertThat(r.getString(5)).startsWith("2026-11-01");
        }
    }

    @Test
    void costs_twoCurrencies_areReportedApartAndNeverAdded() {
        List<String> lines = Fixtures.sampleLines(dir, 10);
        Path usd = Fixtures.write(dir.resolve("usd.csv"), lines);
        Path eur = Fixtures.write(dir.resolve("eur.csv"), lines.stream()
                .map(s -> s.replace("\"USD\"", "\"EUR\"").replace("\"1234567890123\"", "\"EU-1\"")).toList());
        try (TestLedger l = new TestLedger(dir)) {
            ImportReport r = l.importer.importFiles(List.of(usd, eur));
            assertThat(r.anyFailed()).isFalse();
            CostReport report = l.costs.costs(new CostQuery(List.of(Field.parse("ProviderName").orElseThrow()), null, null,
                    Granularity.NONE, CostBasis.BILLED, Map.of()));
            assertThat(report.totals()).containsOnlyKeys("EUR", "USD");
            assertThat(report.totals().get("EUR")).isEqualByComparingTo(report.totals().get("USD"));
            assertThat(report.rows()).extracting(row -> row.cost().currency()).containsOnly("EUR", "USD");
            ImportReport.Imported e = (ImportReport.Imported) r.files().get(1);
            assertThat(e.billedByCurrency()).containsOnlyKeys("EUR");
            assertThat(e.billedByCurrency().get("EUR")).isGreaterThan(BigDecimal.ZERO);
        }
    }
}

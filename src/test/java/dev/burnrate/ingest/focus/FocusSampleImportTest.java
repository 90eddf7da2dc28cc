package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden values from the real FOCUS 1.0 sample (1,000 rows: AWS 942, Microsoft 51, Oracle 7). */
class FocusSampleImportTest {
    @TempDir
    Path dir;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestLedger.Layout.class)
    void import_realSample_billedCostPerProviderMatchesGoldenValues(TestLedger.Layout layout) {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger ledger = new TestLedger(dir, layout)) {
            ImportReport report = ledger.importer.importFiles(List.of(sample));
            ImportReport.Imported imported = (ImportReport.Imported) report.files().get(0);
            assertThat(imported.rows()).isEqualTo(1000);
            assertThat(imported.version()).isEqualTo(FocusVersion.V1_0);
            assertThat(imported.providers()).containsExactly("AWS", "Microsoft", "Oracle");
            assertThat(imported.billingPeriods()).containsExactly("2024-09", "2024-10");

            CostReport byProvider = ledger.costs.costs(new CostQuery(List.of(Field.parse("ProviderName").orElseThrow()),
                    null, null, Granularity.NONE, CostBasis.BILLED, Map.of()));
            Map<String, BigDecimal> billed = byProvider.rows().stream()
                    .collect(Collectors.toMap(r -> r.keys().get(0), r -> r.cost().amount().setScale(6, RoundingMode.HALF_EVEN)));
            // the golden values are the exact sums rounded to 6 decimals; the ledger keeps every digit (AWS 18.0066386184)
            assertThat(byProvider.rows()).filteredOn(r -> r.keys().get(0).equals("AWS"))
                    .singleElement().satisfies(r -> assertThat(r.cost().amount()).isEqualByComparingTo("18.0066386184"));
            assertThat(billed).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "AWS", new BigDecimal("18.006639"),
                    "Microsoft", new BigDecimal("1.976514"),
                    "Oracle", new BigDecimal("0.537074")));
            assertThat(byProvider.totals()).containsOnlyKeys("USD");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestLedger.Layout.class)
    void import_realSample_keeps13NegativeEffectiveCostRowsAndWarnsOnOracleChargeFrequency(TestLedger.Layout layout) throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger ledger = new TestLedger(dir, layout)) {
            ImportReport.Imported imported = (ImportReport.Imported) ledger.importer.importFiles(List.of(sample)).files().get(0);
            assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).contains("7 row(s)", "ChargeFrequency", "Usage-based"));
            // the same 7 Oracle rows have no ContractedCost: stored, and said so (they are not in contracted-cost totals)
            assertThat(imported.warnings()).anySatisfy(w -> assertThat(w).contains("7 row(s)", "null ContractedCost"));
            assertThat(imported.warnings()).hasSize(2);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("ledger.duckdb").toAbsolutePath());
             ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM " + (layout == TestLedger.Layout.TABLE ? "cost_record"
                     : "read_parquet('" + dir.resolve("ledger/data") + "/**/*-[0-9].parquet')") + " WHERE \"EffectiveCost\" < 0")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(13);
        }
    }

    @Test
    void validate_realSample_reportsExactlyTheSevenOracleRows() {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        SourceFile file = SourceFile.of(sample);
        try (CsvRowSource rows = new CsvRowSource(file)) {
            FocusValidator.Result result = new FocusValidator().validate(file, rows, f -> { });
            List<Finding> errors = result.findings().stream().filter(f -> f.severity() == Finding.Severity.ERROR).toList();
            assertThat(result.rows()).isEqualTo(1000);
            assertThat(result.rowsWithFindings()).isEqualTo(7);
            List<Long> usageBasedLines = errors.stream().filter(f -> f.rule().equals("ChargeFrequency.AllowedValues"))
                    .peek(f -> assertThat(f.value()).isEqualTo("Usage-based")).map(Finding::line).toList();
            assertThat(usageBasedLines).hasSize(7).doesNotHaveDuplicates();
            // every error sits on one of those 7 Oracle rows (they also lack the non-nullable ContractedCost)
            assertThat(errors).extracting(Finding::line).containsOnly(usageBasedLines.toArray(Long[]::new));
            assertThat(errors).extracting(Finding::rule).containsOnly("ChargeFrequency.AllowedValues", "ContractedCost.NotNull");
            assertThat(usageBasedLines).allSatisfy(line -> assertThat(line).isBetween(900L, 1001L));
        }
    }
}

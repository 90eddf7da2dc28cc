package dev.burnrate.ingest.focus;

import dev.burnrate.testing.Fixtures;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No silent change of money or time on import: an offset is applied, an amount is kept exactly or refused, and a
 * row that {@code validate} calls an error never lands in the ledger looking fine. Fixtures are lines of the real
 * FOCUS 1.0 sample (src/test/resources/focus/NOTICE) with one cell changed.
 */
class FocusImportFidelityTest {
    // columns of the sample
    static final int BILLED = 1, BILLING_PERIOD_END = 5, BILLING_PERIOD_START = 6, CHARGE_CATEGORY = 7,
            CHARGE_DESCRIPTION = 9, CHARGE_END = 11, CHARGE_START = 12, TAGS = 43;

    @TempDir
    Path dir;
    List<String> lines;

    @BeforeEach
    void sample() {
        lines = Fixtures.sampleLines(dir, 6);
    }

    static String setCell(String line, int index, String value) {
        String[] cells = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
        cells[index] = value;
        return String.join(",", cells);
    }

    private Path write(String name, int lineNo, int cell, String value) {
        return Fixtures.write(dir.resolve(name), lines, lineNo, l -> setCell(l, cell, value));
    }

    private ImportReport importInto(String db, Path file) {
        try (TestLedger l = new TestLedger(dir.resolve(db))) {
            return l.importer.importFiles(List.of(file));
        }
    }

    private FocusFileException fails(Path file) {
        ImportReport r = importInto(file.getFileName() + "-db", file);
        assertThat(r.files()).singleElement().isInstanceOf(ImportReport.Failed.class);
        assertThat(query(file.getFileName() + "-db", "SELECT count(*) FROM cost_record")).containsExactly("0");
        return ((ImportReport.Failed) r.files().get(0)).error();
    }

    private List<String> query(String db, String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(db).resolve("ledger.duckdb").toAbsolutePath());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) out.add(r.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private Path toParquet(Path csv) {
        Path parquet = dir.resolve(csv.getFileName().toString().replace(".csv", ".parquet"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM read_csv('" + csv + "', nullstr = ['NULL', ''], all_varchar = true)) TO '" + parquet + "' (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return parquet;
    }

    @Test
    void offsetTimestampLandsOnItsUtcDay() {
        // 22:00 at -05:00 on 18 September is 03:00 UTC on 19 September
        List<String> edited = new ArrayList<>(lines);
        edited.set(1, setCell(setCell(lines.get(1), CHARGE_START, "\"2024-09-18T22:00:00-05:00\""), CHARGE_END, "\"2024-09-18T23:00:00-05:00\""));
        Path csv = Fixtures.write(dir.resolve("offset.csv"), edited);
        assertThat(importInto("csv", csv).anyFailed()).isFalse();
        assertThat(query("csv", "SELECT strftime(\"ChargePeriodStart\", '%Y-%m-%dT%H:%M') || '/' || strftime(\"ChargePeriodEnd\", '%H:%M') FROM cost_record WHERE \"BilledCost\" = 0.0000008"))
                .containsExactly("2024-09-19T03:00/04:00");
    }

    @Test
    void offsetTimestampInParquetLandsOnItsUtcDay() {
        List<String> edited = new ArrayList<>(lines);
        edited.set(1, setCell(setCell(lines.get(1), CHARGE_START, "\"2024-09-18T22:00:00-05:00\""), CHARGE_END, "\"2024-09-18T23:00:00-05:00\""));
        Path parquet = toParquet(Fixtures.write(dir.resolve("offset-p.csv"), edited));
        assertThat(importInto("parquet", parquet).anyFailed()).isFalse();
        assertThat(query("parquet", "SELECT strftime(\"ChargePeriodStart\", '%Y-%m-%dT%H:%M') FROM cost_record WHERE \"BilledCost\" = 0.0000008"))
                .containsExactly("2024-09-19T03:00");
    }

    @Test
    void zonedParquetTimestampIsStoredAsItsUtcInstant() throws SQLException {
        Path parquet = dir.resolve("zoned.parquet");
        Path csv = Fixtures.write(dir.resolve("zoned.csv"), lines);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            // a writer in New York: TIMESTAMPTZ columns, read back under another session time zone than UTC
            s.execute("SET TimeZone = 'America/New_York'");
            s.execute("COPY (SELECT * REPLACE (CAST(\"ChargePeriodStart\" || '+00' AS TIMESTAMPTZ) AS \"ChargePeriodStart\")"
                    + " FROM read_csv('" + csv + "', nullstr = ['NULL', ''], all_varchar = true)) TO '" + parquet + "' (FORMAT parquet)");
        }
        assertThat(importInto("zoned", parquet).anyFailed()).isFalse();
        assertThat(query("zoned", "SELECT strftime(\"ChargePeriodStart\", '%Y-%m-%dT%H:%M') FROM cost_record WHERE \"BilledCost\" = 0.0000008"))
                .containsExactly("2024-09-18T22:00");
    }

    @Test
    void validatorReadsAnOffsetAsItsInstant() {
        assertThat(FocusValues.parseDateTime("2024-09-18T22:00:00-05:00")).hasToString("2024-09-19T03:00:00Z");
        assertThat(FocusValues.parseDateTime("2024-09-18 22:00:00")).hasToString("2024-09-18T22:00:00Z");
    }

    @Test
    void nullBilledCostFailsTheFileNamingItsLine() {
        FocusFileException e = fails(write("null-billed.csv", 4, BILLED, "NULL"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo("BilledCost");
        assertThat(e.getMessage()).contains("null-billed.csv:4", "must not be null", "left out of every total");
    }

    @Test
    void tagsThatAreNotAJsonObjectFailTheFile() {
        FocusFileException e = fails(write("tags.csv", 5, TAGS, "\"[\"\"team-a\"\"]\""));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.column()).isEqualTo("Tags");
        assertThat(e.reason()).contains("JSON object");
    }

    @Test
    void chargePeriodEndBeforeStartFailsTheFile() {
        FocusFileException e = fails(write("order.csv", 3, CHARGE_END, "\"2024-09-01 00:00:00\""));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("ChargePeriodEnd");
        assertThat(e.reason()).contains("must be after ChargePeriodStart");
    }

    @Test
    void missingMandatoryColumnIsStoredWithAWarningThatIsPrintedAndLogged() {
        List<String> cut = lines.stream().map(l -> {
            String[] cells = l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            List<String> keep = new ArrayList<>(List.of(cells));
            keep.remove(CHARGE_CATEGORY);
            return String.join(",", keep);
        }).toList();
        ImportReport r = importInto("nocat", Fixtures.write(dir.resolve("no-category.csv"), cut));
        ImportReport.Imported i = (ImportReport.Imported) r.files().get(0);
        assertThat(i.warnings()).anySatisfy(w -> assertThat(w).contains("ChargeCategory", "missing"));
        assertThat(query("nocat", "SELECT warnings FROM import_log")).singleElement().asString().contains("ChargeCategory");
    }

    @Test
    void amountWithMoreDecimalsThanTheLedgerKeepsIsRefusedNotRounded() {
        FocusFileException e = fails(write("precise.csv", 3, BILLED, "0.0000160599000000000001"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("BilledCost");
        assertThat(e.value()).isEqualTo("0.0000160599000000000001");
        assertThat(e.reason()).contains("more than 18 decimal places");
    }

    @Test
    void amountInExponentNotationIsKeptWhenExactAndRefusedWhenNot() {
        assertThat(importInto("exp", write("exp.csv", 2, BILLED, "8.0E-7")).anyFailed()).isFalse();
        assertThat(query("exp", "SELECT count(*) FROM cost_record WHERE \"BilledCost\" = 0.0000008")).containsExactly("1");
        FocusFileException e = fails(write("exp-fine.csv", 2, BILLED, "1.23456789012345E-5"));
        assertThat(e.reason()).contains("more than 18 decimal places");
    }

    @Test
    void tinyAmountsNeverRoundToZero_nineteenDecimalsWithoutALeadingZero_norAnExponentBelowTheScale() {
        assertThat(fails(write("short.csv", 2, BILLED, ".0000000000000000005")).reason()).contains("more than 18 decimal places");
        assertThat(fails(write("tiny.csv", 2, BILLED, "1e-30")).reason()).contains("more than 18 decimal places");
    }

    @Test
    void trailingZerosBeyondTheScaleAreNotARounding() {
        assertThat(importInto("zeros", write("zeros.csv", 2, BILLED, "0.00000080000000000000000")).anyFailed()).isFalse();
    }

    @Test
    void badValueAfterAMultiLineQuotedFieldNamesItsPhysicalLine() {
        List<String> edited = new ArrayList<>(lines);
        // record 2 (physical line 2) spans three physical lines; the bad record is the 5th data record
        edited.set(1, setCell(lines.get(1), CHARGE_DESCRIPTION, "\"first line\nsecond line\nthird line\""));
        edited.set(4, setCell(lines.get(4), BILLED, "12x"));
        FocusFileException e = fails(Fixtures.write(dir.resolve("multiline.csv"), edited));
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.column()).isEqualTo("BilledCost");
        assertThat(e.value()).isEqualTo("12x");
    }

    @Test
    void structuralErrorAfterAMultiLineQuotedFieldNamesItsPhysicalLine() {
        List<String> edited = new ArrayList<>(lines);
        edited.set(1, setCell(lines.get(1), CHARGE_DESCRIPTION, "\"first line\nsecond line\""));
        edited.set(4, lines.get(4).substring(lines.get(4).indexOf(',') + 1));
        FocusFileException e = fails(Fixtures.write(dir.resolve("multiline-short.csv"), edited));
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.reason()).contains("column count");
    }

    @Test
    void badValueInParquetNamesItsRow() {
        Path parquet = toParquet(write("bad-p.csv", 4, BILLED, "12x"));
        FocusFileException e = fails(parquet);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("BilledCost");
        assertThat(e.getMessage()).contains("Parquet row 3", "12x");
    }

    @Test
    void nullBilledCostInParquetNamesItsRow() {
        Path parquet = toParquet(write("null-p.csv", 6, BILLED, "NULL"));
        FocusFileException e = fails(parquet);
        assertThat(e.getMessage()).contains("Parquet row 5", "BilledCost");
    }

    @Test
    void hugeValidAmountsAreSummedWithoutOverflow() {
        // two amounts that DECIMAL(38,18) holds, whose total (1.8e20) is past what a plain DuckDB sum can add
        String huge = "90000000000000000000.000000000000000001";
        List<String> edited = new ArrayList<>(lines);
        edited.set(1, setCell(lines.get(1), BILLED, huge));
        edited.set(2, setCell(lines.get(2), BILLED, huge));
        Path csv = Fixtures.write(dir.resolve("huge.csv"), edited);
        try (TestLedger l = new TestLedger(dir.resolve("huge"))) {
            ImportReport r = l.importer.importFiles(List.of(csv));
            assertThat(r.files()).singleElement().isInstanceOf(ImportReport.Imported.class);
            BigDecimal billed = ((ImportReport.Imported) r.files().get(0)).billedByCurrency().get("USD");
            assertThat(billed).isGreaterThan(new BigDecimal("180000000000000000000"));
            var report = l.costs.costs(new dev.burnrate.ledger.CostQuery(List.of(), null, null, dev.burnrate.ledger.Granularity.NONE,
                    dev.burnrate.ledger.CostBasis.BILLED, java.util.Map.of()));
            BigDecimal reported = report.rows().stream().map(row -> row.cost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(reported).isEqualByComparingTo(billed);
            assertThat(report.totals().get("USD")).isEqualByComparingTo(billed);
        }
    }

    @Test
    void exactAmountIsKeptToTheLastDecimal() {
        assertThat(importInto("exact", write("exact.csv", 2, BILLED, "0.123456789012345678")).anyFailed()).isFalse();
        assertThat(new BigDecimal(query("exact", "SELECT CAST(\"BilledCost\" AS VARCHAR) FROM cost_record ORDER BY \"BilledCost\" DESC LIMIT 1").get(0)))
                .isEqualByComparingTo("0.123456789012345678");
    }
}

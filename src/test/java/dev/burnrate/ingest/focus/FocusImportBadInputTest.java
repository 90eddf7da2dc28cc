package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.Fixtures;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad file fails alone, names file, line, column and reason, and leaves the ledger exactly
 * as it was (a good file is imported first, and its rows and totals are checked afterwards).
 */
@org.junit.jupiter.params.ParameterizedClass
@org.junit.jupiter.params.provider.EnumSource(TestLedger.Layout.class)
class FocusImportBadInputTest {
    @org.junit.jupiter.params.Parameter
    TestLedger.Layout layout;

    @TempDir
    Path dir;
    TestLedger ledger;
    List<String> lines;
    Map<String, BigDecimal> before;

    @BeforeEach
    void importGoodFile() {
        ledger = new TestLedger(dir, layout);
        lines = Fixtures.sampleLines(dir, 20);
        // a different billing account so a later restatement can never touch it
        Path good = Fixtures.write(dir.resolve("good.csv"), lines.stream().map(l -> l.replace("\"1234567890123\"", "\"999\"")).toList());
        assertThat(ledger.importer.importFiles(List.of(good)).anyFailed()).isFalse();
        before = totals();
        assertThat(ledger.costs.recordCount()).isEqualTo(20);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private Map<String, BigDecimal> totals() {
        return ledger.costs.costs(new CostQuery(List.of(), null, null, Granularity.NONE, CostBasis.BILLED, Map.of())).totals();
    }

    private FocusFileException importFails(Path file) {
        ImportReport r = ledger.importer.importFiles(List.of(file));
        assertThat(r.files()).singleElement().isInstanceOf(ImportReport.Failed.class);
        assertThat(ledger.costs.recordCount()).as("ledger unchanged").isEqualTo(20);
        assertThat(totals()).as("totals unchanged").isEqualTo(before);
        return ((ImportReport.Failed) r.files().get(0)).error();
    }

    /** Replaces the n-th (0-based) top-level CSV cell of a line: the sample quotes strings, so split on '","'-aware regex. */
    private static String setCell(String line, int index, String value) {
        String[] cells = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
        cells[index] = value;
        return String.join(",", cells);
    }

    @Test
    void import_badNumber_failsNamingLineColumnAndValue() {
        Path bad = Fixtures.write(dir.resolve("bad-number.csv"), lines, 5, l -> setCell(l, 1, "12,5x".replace(",", "")));
        FocusFileException e = importFails(bad);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.column()).isEqualTo("BilledCost");
        assertThat(e.value()).isEqualTo("125x");
        assertThat(e.getMessage()).contains("bad-number.csv:5", "BilledCost", "125x", "decimal");
    }

    @Test
    void import_badTimestamp_failsNamingLineAndColumn() {
        Path bad = Fixtures.write(dir.resolve("bad-time.csv"), lines, 8, l -> setCell(l, 12, "\"2024-09-31 25:00:00\""));
        FocusFileException e = importFails(bad);
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.column()).isEqualTo("ChargePeriodStart");
        assertThat(e.getMessage()).contains("datetime");
    }

    @Test
    void import_wrongColumnCount_failsNamingLine() {
        Path bad = Fixtures.write(dir.resolve("short-row.csv"), lines, 3, l -> l.substring(l.indexOf(',') + 1));
        FocusFileException e = importFails(bad);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.reason()).contains("column count");
    }

    @Test
    void import_unclosedQuote_fails() {
        Path bad = Fixtures.write(dir.resolve("quote.csv"), lines, 6, l -> l.replaceFirst("\"SunBird\"", "\"SunBird"));
        FocusFileException e = importFails(bad);
        assertThat(e.line()).isGreaterThanOrEqualTo(6);
        assertThat(e.getMessage()).contains("quote.csv");
    }

    @Test
    void import_unknownCurrency_failsNamingLineAndValue() {
        Path bad = Fixtures.write(dir.resolve("currency.csv"), lines, 4, l -> l.replace("\"USD\"", "\"XYZ\""));
        FocusFileException e = importFails(bad);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo("BillingCurrency");
        assertThat(e.value()).isEqualTo("XYZ");
        assertThat(e.reason()).contains("unknown currency");
    }

    @Test
    void import_emptyFile_fails() throws IOException {
        Path bad = Files.writeString(dir.resolve("empty.csv"), "");
        assertThat(importFails(bad).reason()).contains("empty");
    }

    @Test
    void import_headerOnly_fails() {
        Path bad = Fixtures.write(dir.resolve("header-only.csv"), lines.subList(0, 1));
        assertThat(importFails(bad).reason()).contains("no data rows");
    }

    @Test
    void import_truncatedGzip_fails() throws IOException {
        Path gz = dir.resolve("cut.csv.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
            os.write(String.join("\n", lines).getBytes());
        }
        byte[] all = Files.readAllBytes(gz);
        Files.write(gz, java.util.Arrays.copyOf(all, all.length / 2));
        FocusFileException e = importFails(gz);
        assertThat(e.getMessage()).contains("cut.csv.gz");
    }

    @Test
    void import_fileWithoutFocusColumns_failsNamingMissingColumns() throws IOException {
        Path bad = Files.writeString(dir.resolve("not-focus.csv"), "a,b,c\n1,2,3\n");
        FocusFileException e = importFails(bad);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).contains("BilledCost", "EffectiveCost");
    }

    @Test
    void import_badFileAmongGoodOnes_importsTheGoodOnesOnly() {
        List<String> sept = lines.stream().map(l -> l.replace("\"1234567890123\"", "\"777\"")).toList();
        Path ok = Fixtures.write(dir.resolve("ok.csv"), sept);
        Path bad = Fixtures.write(dir.resolve("bad.csv"), lines, 2, l -> setCell(l, 1, "oops"));
        ImportReport r = ledger.importer.importFiles(List.of(bad, ok));
        assertThat(r.files()).hasSize(2);
        assertThat(r.files()).filteredOn(f -> f instanceof ImportReport.Failed).singleElement()
                .extracting(ImportReport.FileResult::file).asString().endsWith("bad.csv");
        assertThat(ledger.costs.recordCount()).isEqualTo(40);
    }
}

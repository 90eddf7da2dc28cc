package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.Fixtures;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotence and restatement: the ledger holds each billing period once, from the latest export. */
@org.junit.jupiter.params.ParameterizedClass
@org.junit.jupiter.params.provider.EnumSource(TestLedger.Layout.class)
class FocusRestatementTest {
    @org.junit.jupiter.params.Parameter
    TestLedger.Layout layout;

    @TempDir
    Path dir;

    private static BigDecimal billed(TestLedger l) {
        return l.costs.costs(new CostQuery(List.of(), null, null, Granularity.NONE, CostBasis.BILLED, Map.of()))
                .totals().getOrDefault("USD", BigDecimal.ZERO);
    }

    @Test
    void import_sameFileTwice_secondIsSkippedAndNothingChanges() {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger l = new TestLedger(dir, layout)) {
            l.importer.importFiles(List.of(sample));
            BigDecimal first = billed(l);
            ImportReport again = l.importer.importFiles(List.of(sample));
            assertThat(again.files()).singleElement().isInstanceOf(ImportReport.Skipped.class);
            assertThat(l.costs.recordCount()).isEqualTo(1000);
            assertThat(billed(l)).isEqualByComparingTo(first);
        }
    }

    @Test
    void import_sameContentUnderAnotherName_isSkipped() throws IOException {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Path copy = Files.copy(sample, dir.resolve("renamed.csv"));
        try (TestLedger l = new TestLedger(dir, layout)) {
            l.importer.importFiles(List.of(sample));
            assertThat(l.importer.importFiles(List.of(copy)).files()).singleElement().isInstanceOf(ImportReport.Skipped.class);
            assertThat(l.costs.recordCount()).isEqualTo(1000);
        }
    }

    @Test
    void import_restatedPeriod_replacesThatPeriodsRows() {
        List<String> lines = Fixtures.sampleLines(dir, 30);
        Path original = Fixtures.write(dir.resolve("sept.csv"), lines);
        // the restated export of the same provider, account and period: fewer rows, every BilledCost doubled
        List<String> restated = new java.util.ArrayList<>(lines.subList(0, 21));
        for (int i = 1; i < restated.size(); i++) {
            String[] cells = restated.get(i).split(",", 3);
            restated.set(i, cells[0] + "," + new BigDecimal(cells[1]).multiply(BigDecimal.TWO).toPlainString() + "," + cells[2]);
        }
        Path restatement = Fixtures.write(dir.resolve("sept-restated.csv"), restated);
        BigDecimal expected = restated.stream().skip(1).map(s -> new BigDecimal(s.split(",", 3)[1])).reduce(BigDecimal.ZERO, BigDecimal::add);
        try (TestLedger l = new TestLedger(dir, layout)) {
            l.importer.importFiles(List.of(original));
            assertThat(l.costs.recordCount()).isEqualTo(30);
            ImportReport r = l.importer.importFiles(List.of(restatement));
            assertThat(r.replacedRows()).isEqualTo(30);
            assertThat(l.costs.recordCount()).isEqualTo(20);
            assertThat(billed(l)).isEqualByComparingTo(expected);
        }
    }

    @Test
    void import_partsOfOneExportInOneCommand_keepsEveryPart() {
        List<String> lines = Fixtures.sampleLines(dir, 40);
        List<String> a = new java.util.ArrayList<>(lines.subList(0, 21));
        List<String> b = new java.util.ArrayList<>(lines.subList(0, 1));
        b.addAll(lines.subList(21, 41));
        try (TestLedger l = new TestLedger(dir, layout)) {
            l.importer.importFiles(List.of(Fixtures.write(dir.resolve("part-1.csv"), a), Fixtures.write(dir.resolve("part-2.csv"), b)));
            assertThat(l.costs.recordCount()).isEqualTo(40);
        }
    }

    @Test
    void import_gzipAndParquetOfTheSample_giveTheSameTotalsAsCsv() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Path gz = dir.resolve("sample.csv.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(sample, os);
        }
        Path parquet = dir.resolve("sample.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM read_csv('" + sample + "', nullstr = ['NULL', ''], all_varchar = true)) TO '" + parquet + "' (FORMAT parquet)");
        }
        BigDecimal csvTotal;
        try (TestLedger l = new TestLedger(dir.resolve("a"), layout)) {
            l.importer.importFiles(List.of(sample));
            csvTotal = billed(l);
        }
        for (Path p : List.of(gz, parquet)) {
            try (TestLedger l = new TestLedger(dir.resolve(p.getFileName().toString() + "-db"), layout)) {
                ImportReport r = l.importer.importFiles(List.of(p));
                assertThat(r.files()).singleElement().isInstanceOf(ImportReport.Imported.class);
                assertThat(l.costs.recordCount()).isEqualTo(1000);
                assertThat(billed(l)).isEqualByComparingTo(csvTotal);
            }
        }
    }
}

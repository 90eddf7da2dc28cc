package dev.burnrate.store;

import dev.burnrate.allocation.TagMap;
import dev.burnrate.ingest.focus.FocusImporter;
import dev.burnrate.ingest.focus.ImportReport;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.testing.Fixtures;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger as Parquet partitions in a directory: atomic restatements, shared readers, rollups equal to the rows, cleanup. */
class PartitionedLedgerTest {
    @TempDir
    Path dir;

    /** A process of its own on the shared directory: its own DuckDB file, importer and queries. */
    private record Replica(Database db, FocusImporter importer, DuckCostLedger costs, DuckCostLedger rows, DuckFocusLedger focus) implements AutoCloseable {
        static Replica open(Path file, Path ledger, java.time.Clock clock) {
            TagMap map = TagMap.defaults();
            try {
                java.nio.file.Files.createDirectories(ledger); // mounted or made by the operator: Burnrate never creates it
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Database db = Database.open(file, ledger, clock, map::apply);
            DuckFocusLedger focus = new DuckFocusLedger(db);
            return new Replica(db, new FocusImporter(focus, map, clock), new DuckCostLedger(db), new DuckCostLedger(db, false), focus);
        }

        BigDecimal billed() {
            return costs.costs(new CostQuery(List.of(), null, null, Granularity.NONE, CostBasis.BILLED, Map.of())).totals().getOrDefault("USD", BigDecimal.ZERO);
        }

        @Override
        public void close() {
            db.close();
        }
    }

    private static Field field(String name) {
        return Field.parse(name).orElseThrow();
    }

    private static List<String> doubled(List<String> lines, int rows, int factor) {
        List<String> out = new ArrayList<>(lines.subList(0, rows + 1));
        for (int i = 1; i < out.size(); i++) {
            String[] cells = out.get(i).split(",", 3);
            out.set(i, cells[0] + "," + new BigDecimal(cells[1]).multiply(BigDecimal.valueOf(factor)).toPlainString() + "," + cells[2]);
        }
        return out;
    }

    private static BigDecimal sumBilled(List<String> lines) {
        return lines.stream().skip(1).map(s -> new BigDecimal(s.split(",", 3)[1])).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private List<Path> dataFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("ledger/data"))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void import_writesOnePartitionPerProviderAccountAndPeriod_andQueriesReadThem() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (Replica a = Replica.open(dir.resolve("a.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            assertThat(a.importer.importFiles(List.of(sample)).anyFailed()).isFalse();
            LedgerDirectory.Manifest m = a.db.ledger().current();
            // the sample: AWS (942 rows), Microsoft (51) and Oracle (6) accounts in September 2024, one Oracle row billed in October
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.partitions()).extracting(LedgerDirectory.Partition::provider, LedgerDirectory.Partition::period)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("AWS", "2024-09-01T00:00:00"),
                            org.assertj.core.groups.Tuple.tuple("Microsoft", "2024-09-01T00:00:00"), org.assertj.core.groups.Tuple.tuple("Oracle", "2024-09-01T00:00:00"),
                            org.assertj.core.groups.Tuple.tuple("Oracle", "2024-10-01T00:00:00"));
            assertThat(m.partitions().stream().mapToLong(LedgerDirectory.Partition::rows).sum()).isEqualTo(1000);
            assertThat(a.costs.recordCount()).isEqualTo(1000);
            // nothing is ever committed to the file's own table
            try (var c = a.db.connect(); var s = c.createStatement(); var r = s.executeQuery("SELECT count(*) FROM main.cost_record")) {
                r.next();
                assertThat(r.getLong(1)).isZero();
            }
            assertThat(dataFiles()).allMatch(p -> p.toString().endsWith(".parquet")).hasSize(4 * 3); // rows, daily rollup, tag sets
        }
        // the same totals as the embedded table
        try (TestLedger table = new TestLedger(dir.resolve("table"));
             Replica a = Replica.open(dir.resolve("a.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            table.importer.importFiles(List.of(sample));
            CostQuery q = new CostQuery(List.of(field("ProviderName")), null, null, Granularity.NONE, CostBasis.BILLED, Map.of());
            assertThat(a.rows.costs(q).rows()).isEqualTo(table.costs.costs(q).rows());
        }
    }

    @Test
    void restatement_whileAnotherReplicaReads_readerSeesTheOldOrTheNewPeriodNeverAMix() throws Exception {
        List<String> lines = Fixtures.sampleLines(dir, 60);
        Path v1 = Fixtures.write(dir.resolve("sept-v1.csv"), doubled(lines, 60, 1));
        Path v2 = Fixtures.write(dir.resolve("sept-v2.csv"), doubled(lines, 40, 3));
        Path v3 = Fixtures.write(dir.resolve("sept-v3.csv"), doubled(lines, 50, 5));
        // another account's period that no restatement touches
        Path other = Fixtures.write(dir.resolve("other.csv"), lines.stream().map(l -> l.replace("\"1234567890123\"", "\"999\"")).toList());
        BigDecimal base = sumBilled(lines);
        Set<BigDecimal> allowed = Set.of(base.add(sumBilled(doubled(lines, 60, 1))), base.add(sumBilled(doubled(lines, 40, 3))),
                base.add(sumBilled(doubled(lines, 50, 5))));
        try (Replica writer = Replica.open(dir.resolve("w.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK);
             Replica reader = Replica.open(dir.resolve("r.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            writer.importer.importFiles(List.of(other, v1));
            Set<BigDecimal> seen = ConcurrentHashMap.newKeySet();
            AtomicLong reads = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        seen.add(reader.billed().stripTrailingZeros());
                        reads.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.start();
            List<Path> order = List.of(v2, v3, v1);
            for (int i = 0; i < 9; i++) {
                long before = reads.get();
                // importing an earlier version's content again is a restatement too (its rows left the ledger)
                ImportReport r = writer.importer.importFiles(List.of(order.get(i % 3)));
                assertThat(r.anyFailed()).isFalse();
                while (reads.get() < before + 3 && failed.get() == null) Thread.onSpinWait(); // the reader reads across every swap
            }
            stop.set(true);
            t.join();
            assertThat(failed.get()).isNull();
            assertThat(seen).isNotEmpty().allMatch(x -> allowed.stream().anyMatch(a -> a.compareTo(x) == 0));
            assertThat(reader.billed()).isEqualByComparingTo(base.add(sumBilled(doubled(lines, 60, 1))));
        }
    }

    @Test
    void twoReplicasOnOneDirectory_seeTheSameTotalsDimensionsAndImportLog() {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        List<String> lines = Fixtures.sampleLines(dir, 30);
        try (Replica a = Replica.open(dir.resolve("a.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK);
             Replica b = Replica.open(dir.resolve("b.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            assertThat(b.billed()).isZero();
            a.importer.importFiles(List.of(sample));
            CostQuery byTeam = new CostQuery(List.of(field("team"), field("ServiceName")), null, null, Granularity.DAY, CostBasis.EFFECTIVE, Map.of());
            assertThat(b.costs.costs(byTeam).rows()).isNotEmpty().isEqualTo(a.costs.costs(byTeam).rows());
            assertThat(b.costs.recordCount()).isEqualTo(1000);
            // b restates a period a imported: a sees it
            ImportReport r = b.importer.importFiles(List.of(Fixtures.write(dir.resolve("restated.csv"), doubled(lines, 30, 2))));
            assertThat(r.replacedRows()).isEqualTo(942); // AWS, September: the sample's rows of that partition
            assertThat(a.billed()).isEqualByComparingTo(b.billed());
            assertThat(a.costs.recordCount()).isEqualTo(b.costs.recordCount()).isEqualTo(1000 - 942 + 30);
            assertThat(a.focus.imports(10)).isEqualTo(b.focus.imports(10)).hasSize(2);
            // the same content again through a: skipped, whoever imported it first
            assertThat(a.importer.importFiles(List.of(dir.resolve("restated.csv"))).files()).singleElement().isInstanceOf(ImportReport.Skipped.class);
        }
    }

    @Test
    void rollups_answerDayWeekMonthReports_identicalToTheRowsAndToTheTable() {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        List<CostQuery> queries = new ArrayList<>();
        for (Granularity g : List.of(Granularity.NONE, Granularity.DAY, Granularity.WEEK, Granularity.MONTH)) {
            for (CostBasis b : CostBasis.values()) {
                queries.add(new CostQuery(List.of(), null, null, g, b, Map.of()));
                queries.add(new CostQuery(List.of(field("team"), field("model")), LocalDate.of(2024, 9, 10), LocalDate.of(2024, 9, 25), g, b, Map.of()));
                queries.add(new CostQuery(List.of(field("ServiceName"), field("RegionId")), LocalDate.of(2024, 9, 1), null, g, b,
                        Map.of(field("ProviderName"), List.of("AWS", "Oracle"))));
                queries.add(new CostQuery(List.of(field("SubAccountId")), null, LocalDate.of(2024, 9, 20), g, b,
                        Map.of(field("team"), List.of("__unallocated__"), field("ChargeCategory"), List.of("Usage"))));
            }
        }
        try (TestLedger table = new TestLedger(dir.resolve("table"));
             Replica p = Replica.open(dir.resolve("p.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            table.importer.importFiles(List.of(sample));
            p.importer.importFiles(List.of(sample));
            for (CostQuery q : queries) {
                assertThat(p.costs.fromRollups(q)).as("%s from rollups", q).isTrue();
                assertThat(p.rows.fromRollups(q)).isFalse();
                List<CostReport.Row> fromRollups = p.costs.costs(q).rows();
                assertThat(fromRollups).as("%s", q).isNotEmpty().isEqualTo(p.rows.costs(q).rows()).isEqualTo(table.costs.costs(q).rows());
            }
            // a column the rollups do not keep: the rows answer
            CostQuery byResource = new CostQuery(List.of(field("ResourceId")), null, null, Granularity.DAY, CostBasis.EFFECTIVE, Map.of());
            assertThat(p.costs.fromRollups(byResource)).isFalse();
            assertThat(p.costs.costs(byResource).rows()).isEqualTo(table.costs.costs(byResource).rows());
            assertThat(p.costs.coverage(null, null)).isEqualTo(table.costs.coverage(null, null));
            assertThat(p.costs.billedThrough()).isEqualTo(table.costs.billedThrough()).isPresent();
        }
    }

    @Test
    void badFile_leavesTheDirectoryAsItWas() throws IOException {
        List<String> lines = Fixtures.sampleLines(dir, 20);
        try (Replica a = Replica.open(dir.resolve("a.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            a.importer.importFiles(List.of(Fixtures.write(dir.resolve("good.csv"), lines)));
            List<Path> files = dataFiles();
            long version = a.db.ledger().latest();
            BigDecimal billed = a.billed();
            // the same period restated by a file with a bad amount on line 7: refused, nothing replaced
            ImportReport r = a.importer.importFiles(List.of(Fixtures.write(dir.resolve("bad.csv"), doubled(lines, 20, 2), 7,
                    l -> l.replaceFirst(",[0-9.]+,", ",12x,"))));
            assertThat(r.files()).singleElement().isInstanceOf(ImportReport.Failed.class);
            assertThat(((ImportReport.Failed) r.files().get(0)).error().getMessage()).contains("bad.csv:7", "BilledCost", "12x");
            assertThat(a.db.ledger().latest()).isEqualTo(version);
            assertThat(dataFiles()).isEqualTo(files);
            assertThat(a.billed()).isEqualByComparingTo(billed);
        }
    }

    @Test
    void replacedFiles_areDeletedOnlyAfterTheRetention() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        List<String> lines = Fixtures.sampleLines(dir, 20);
        try (Replica a = Replica.open(dir.resolve("a.duckdb"), dir.resolve("ledger"), clock)) {
            a.importer.importFiles(List.of(Fixtures.write(dir.resolve("v1.csv"), lines)));
            List<Path> first = dataFiles();
            a.importer.importFiles(List.of(Fixtures.write(dir.resolve("v2.csv"), doubled(lines, 20, 2))));
            // a reader that began before the restatement may still read the first version's files
            assertThat(dataFiles()).containsAll(first).hasSize(first.size() * 2);
            // files of a commit that died before its manifest: never read, removed once a day old
            Path stray = Files.writeString(dir.resolve("ledger/data/stray.parquet"), "x");
            Path fresh = Files.writeString(dir.resolve("ledger/data/in-progress.parquet"), "x");
            Files.setLastModifiedTime(stray, java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofDays(2))));
            Files.setLastModifiedTime(fresh, java.nio.file.attribute.FileTime.from(clock.instant()));
            clock.advance(LedgerDirectory.RETENTION.plus(Duration.ofSeconds(1)));
            assertThat(a.db.ledger().collect()).isEqualTo(first.size() + 1);
            assertThat(dataFiles()).doesNotContainAnyElementsOf(first).doesNotContain(stray).contains(fresh).hasSize(first.size() + 1);
            assertThat(a.billed()).isEqualByComparingTo(sumBilled(doubled(lines, 20, 2)));
        }
    }

    /**
     * A ledger directory that is not there (an unmounted share, a typo) is never created nor read as an empty bill: the
     * open fails naming it; one that goes away while a replica runs fails its queries instead of answering 0.
     */
    @Test
    void missingOrVanishedDirectory_isRefusedNotReadAsAnEmptyLedger() throws IOException {
        Path missing = dir.resolve("not-mounted");
        assertThatThrownBy(() -> Database.open(dir.resolve("m.duckdb"), missing, TestLedger.CLOCK))
                .isInstanceOf(StoreException.class).hasMessageContaining("does not exist").hasMessageContaining("mount");
        assertThat(missing).doesNotExist();
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (Replica a = Replica.open(dir.resolve("a.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK)) {
            a.importer().importFiles(List.of(sample));
            assertThat(a.costs().recordCount()).isEqualTo(1000);
            java.nio.file.Files.move(dir.resolve("ledger"), dir.resolve("ledger.gone")); // the share went away
            assertThatThrownBy(() -> a.costs().recordCount()).isInstanceOf(StoreException.class).hasMessageContaining("is the shared directory mounted");
        }
    }

    @Test
    void fileWithRowsInItsTable_refusesALedgerDirectory() throws IOException {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger table = new TestLedger(dir)) {
            table.importer.importFiles(List.of(sample));
        }
        java.nio.file.Files.createDirectories(dir.resolve("ledger"));
        assertThatThrownBy(() -> Database.open(dir.resolve("ledger.duckdb"), dir.resolve("ledger"), TestLedger.CLOCK))
                .isInstanceOf(StoreException.class).hasMessageContaining("1000 billing rows").hasMessageContaining("ledger");
    }

    @Test
    void fileUsedWithALedgerDirectory_openedWithoutIt_isRefusedNamingTheDirectory() throws IOException {
        Path ledger = java.nio.file.Files.createDirectories(dir.resolve("ledger"));
        try (Replica a = Replica.open(dir.resolve("a.duckdb"), ledger, TestLedger.CLOCK)) {
            a.importer().importFiles(List.of(TestLedger.fixture("focus/focus_sample.csv", dir)));
            assertThat(a.db().layout()).isEqualTo(new Database.Layout(ledger.toAbsolutePath().normalize(), 1));
        }
        // before: opened without ledger: it read 0 billing rows and took the next import into its own table
        assertThatThrownBy(() -> Database.open(dir.resolve("a.duckdb"), null, TestLedger.CLOCK)).isInstanceOf(StoreException.class)
                .hasMessageContaining("keeps its bill in the ledger directory " + ledger.toAbsolutePath().normalize()).hasMessageContaining("BURNRATE_LEDGER");
        try (Database again = Database.open(dir.resolve("a.duckdb"), ledger, TestLedger.CLOCK)) {
            assertThat(again.layout().version()).isEqualTo(1);
        }
    }
}

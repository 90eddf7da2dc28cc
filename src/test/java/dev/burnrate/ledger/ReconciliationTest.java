package dev.burnrate.ledger;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.burnrate.allocation.TagMap;
import dev.burnrate.demo.FocusGenerator;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every report adds up to the raw rows, to the last decimal: sums are recomputed here from the CSV with
 * BigDecimal, independently of DuckDB, and compared with the ledger's answer for each basis and grouping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconciliationTest {
    @TempDir
    static Path dir;
    /** The same bill in the embedded table and as Parquet partitions (whose day-or-coarser reports come from the daily rollups). */
    final Map<TestLedger.Layout, TestLedger> ledgers = new EnumMap<>(TestLedger.Layout.class);
    final Map<CostBasis, BigDecimal> raw = new EnumMap<>(CostBasis.class);
    final Map<String, BigDecimal> rawEffectiveByTeam = new HashMap<>();
    final Map<String, BigDecimal> rawBilledByDayAndService = new HashMap<>();

    @BeforeAll
    void generateAndImport() throws IOException {
        Path file = dir.resolve("gen.csv");
        new FocusGenerator(PriceCatalog.bundled()).write(file,
                new FocusGenerator.Options(20_000, 11, FocusVersion.V1_2, LocalDate.of(2026, 8, 20), 30));
        for (TestLedger.Layout layout : TestLedger.Layout.values()) {
            TestLedger ledger = new TestLedger(dir.resolve(layout.name()), layout);
            ledgers.put(layout, ledger);
            assertThat(ledger.importer.importFiles(List.of(file)).anyFailed()).isFalse();
        }
        TagMap map = TagMap.defaults();
        try (CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(file)) {
            List<String> header = null;
            for (CsvRecord rec : r) {
                if (header == null) {
                    header = rec.getFields();
                    continue;
                }
                for (CostBasis b : CostBasis.values()) {
                    raw.merge(b, new BigDecimal(rec.getField(header.indexOf(b.focusColumn()))), BigDecimal::add);
                }
                String tags = rec.getField(header.indexOf("Tags"));
                BigDecimal eff = new BigDecimal(rec.getField(header.indexOf("EffectiveCost")));
                rawEffectiveByTeam.merge(map.apply(tags.isEmpty() ? null : tags).get("team"), eff, BigDecimal::add);
                String day = rec.getField(header.indexOf("ChargePeriodStart")).substring(0, 10);
                rawBilledByDayAndService.merge(day + "|" + rec.getField(header.indexOf("ServiceName")),
                        new BigDecimal(rec.getField(header.indexOf("BilledCost"))), BigDecimal::add);
            }
        }
    }

    @AfterAll
    void close() {
        ledgers.values().forEach(TestLedger::close);
    }

    @ParameterizedTest
    @EnumSource(TestLedger.Layout.class)
    void costs_everyBasisTotal_equalsSumOfRawRows(TestLedger.Layout layout) {
        TestLedger ledger = ledgers.get(layout);
        for (CostBasis b : CostBasis.values()) {
            CostReport r = ledger.costs.costs(new CostQuery(List.of(), null, null, Granularity.NONE, b, Map.of()));
            assertThat(r.totals()).containsOnlyKeys("USD");
            assertThat(r.totals().get("USD")).as(b.name()).isEqualByComparingTo(raw.get(b));
        }
    }

    @ParameterizedTest
    @EnumSource(TestLedger.Layout.class)
    void costs_byTeam_matchesRawTagsThroughTheTagMap_andAddsUpToTheTotal(TestLedger.Layout layout) {
        TestLedger ledger = ledgers.get(layout);
        CostReport r = ledger.costs.costs(new CostQuery(List.of(Field.parse("team").orElseThrow()), null, null,
                Granularity.NONE, CostBasis.EFFECTIVE, Map.of()));
        Map<String, BigDecimal> byTeam = new HashMap<>();
        r.rows().forEach(row -> byTeam.put(row.keys().get(0), row.cost().amount()));
        assertThat(byTeam.keySet()).isEqualTo(rawEffectiveByTeam.keySet()).contains(Buckets.UNALLOCATED);
        rawEffectiveByTeam.forEach((team, sum) -> assertThat(byTeam.get(team)).as(team).isEqualByComparingTo(sum));
        assertThat(r.totals().get("USD")).isEqualByComparingTo(raw.get(CostBasis.EFFECTIVE));
    }

    @ParameterizedTest
    @EnumSource(TestLedger.Layout.class)
    void costs_byDayAndService_matchesRawRowsCellByCell(TestLedger.Layout layout) {
        TestLedger ledger = ledgers.get(layout);
        CostReport r = ledger.costs.costs(new CostQuery(List.of(Field.parse("ServiceName").orElseThrow()), null, null,
                Granularity.DAY, CostBasis.BILLED, Map.of()));
        assertThat(r.rows()).hasSize(rawBilledByDayAndService.size());
        for (CostReport.Row row : r.rows()) {
            assertThat(row.cost().amount()).isEqualByComparingTo(rawBilledByDayAndService.get(row.period() + "|" + row.keys().get(0)));
        }
    }

    @ParameterizedTest
    @EnumSource(TestLedger.Layout.class)
    void costs_weeksAndMonths_partitionTheTotal(TestLedger.Layout layout) {
        TestLedger ledger = ledgers.get(layout);
        for (Granularity g : List.of(Granularity.WEEK, Granularity.MONTH)) {
            CostReport r = ledger.costs.costs(new CostQuery(List.of(Field.parse("team").orElseThrow(), Field.parse("model").orElseThrow()),
                    null, null, g, CostBasis.BILLED, Map.of()));
            assertThat(r.totals().get("USD")).as(g.name()).isEqualByComparingTo(raw.get(CostBasis.BILLED));
            assertThat(r.rows()).allSatisfy(row -> assertThat(row.period()).isEqualTo(g.bucketStart(row.period())));
        }
    }

    @ParameterizedTest
    @EnumSource(TestLedger.Layout.class)
    void costs_windowAndFilter_splitTheTotalExactly(TestLedger.Layout layout) {
        TestLedger ledger = ledgers.get(layout);
        Field team = Field.parse("team").orElseThrow();
        LocalDate cut = LocalDate.of(2026, 9, 5);
        BigDecimal before = ledger.costs.costs(new CostQuery(List.of(), null, cut, Granularity.NONE, CostBasis.EFFECTIVE, Map.of())).totals().get("USD");
        BigDecimal after = ledger.costs.costs(new CostQuery(List.of(), cut, null, Granularity.NONE, CostBasis.EFFECTIVE, Map.of())).totals().get("USD");
        assertThat(before.add(after)).isEqualByComparingTo(raw.get(CostBasis.EFFECTIVE));
        BigDecimal fraud = ledger.costs.costs(new CostQuery(List.of(), null, null, Granularity.NONE, CostBasis.EFFECTIVE,
                Map.of(team, List.of("fraud")))).totals().get("USD");
        assertThat(fraud).isEqualByComparingTo(rawEffectiveByTeam.get("fraud"));
    }

    @ParameterizedTest
    @EnumSource(TestLedger.Layout.class)
    void coverage_team_equalsTaggedShareOfRawRows(TestLedger.Layout layout) {
        TestLedger ledger = ledgers.get(layout);
        Coverage c = ledger.costs.coverage(null, null);
        Coverage.Line team = c.lines().stream().filter(l -> l.dimension().equals("team")).findFirst().orElseThrow();
        BigDecimal tagged = raw.get(CostBasis.EFFECTIVE).subtract(rawEffectiveByTeam.get(Buckets.UNALLOCATED));
        assertThat(team.tagged()).isEqualByComparingTo(tagged);
        assertThat(team.total()).isEqualByComparingTo(raw.get(CostBasis.EFFECTIVE));
        assertThat(team.percent()).isBetween(new BigDecimal("70"), new BigDecimal("95"));
    }
}

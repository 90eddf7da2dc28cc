package dev.burnrate.allocation;

import dev.burnrate.demo.FocusGenerator;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AllocationTest {
    @TempDir
    Path dir;

    static Field f(String name) {
        return Field.parse(name).orElseThrow();
    }

    /**
     * One day, drawn as a table (effective cost, USD):
     * <pre>
     *   resource       account          team      cost
     *   i-fraud        ml-training      fraud     600.00
     *   i-search       ml-training      search    300.00
     *   i-untagged     ml-training      (none)    100.00
     *   gpu-pool-1     shared-gpu-pool  platform  200.00   ← shared: split proportionally to direct cost
     *   nat-gw         network          (none)     10.00   ← shared: split evenly
     * </pre>
     * Direct: fraud 600, search 300, __unallocated__ 100 (platform's only cost is shared, so it is not an owner).
     * gpu-pool 200 by direct cost 600:300 → fraud 133.33...3, search 66.66...7 (18 decimals); nat 10 evenly → 5 and 5.
     * Totals: fraud 738.33..., search 371.66..., __unallocated__ 100; sum 1,210.00 = the bill.
     */
    @Test
    void allocate_tableDay_splitsPoolsAndAddsUpToTheBill() {
        LocalDate d = LocalDate.of(2026, 9, 1);
        Path bill = new DailyBill()
                .add(d, "Amazon EC2", "ml-training", "i-fraud", "{\"team\": \"fraud\"}", new BigDecimal("600.00"))
                .add(d, "Amazon EC2", "ml-training", "i-search", "{\"team\": \"search\"}", new BigDecimal("300.00"))
                .add(d, "Amazon EC2", "ml-training", "i-untagged", null, new BigDecimal("100.00"))
                .add(d, "Amazon EC2", "shared-gpu-pool", "gpu-pool-1", "{\"team\": \"platform\"}", new BigDecimal("200.00"))
                .add(d, "Amazon VPC", "network", "nat-gw", null, new BigDecimal("10.00")).write(dir.resolve("bill.csv"));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            Allocation a = new Allocation(l.costs, List.of(
                    new ShareRule("gpu-pool", Map.of(f("SubAccountId"), List.of("shared-gpu-pool")), ShareRule.Split.PROPORTIONAL, null),
                    new ShareRule("network", Map.of(f("SubAccountId"), List.of("network")), ShareRule.Split.EVEN, null)));
            Map<String, Allocation.Line> byOwner = new HashMap<>();
            List<Allocation.Line> lines = a.allocate(f("team"), null, null, Granularity.NONE, CostBasis.EFFECTIVE, Map.of());
            lines.forEach(x -> byOwner.put(x.owner(), x));
            assertThat(byOwner).containsOnlyKeys("fraud", "search", "__unallocated__");
            Allocation.Line fraud = byOwner.get("fraud");
            assertThat(fraud.direct()).isEqualByComparingTo("600.00");
            // 200 × 2/3 and 200 × 1/3 at the ledger's 18 decimals; the last unit goes to the larger remainder (search's)
            assertThat(fraud.shared().get("gpu-pool")).isEqualByComparingTo("133.333333333333333333");
            assertThat(byOwner.get("search").shared().get("gpu-pool")).isEqualByComparingTo("66.666666666666666667");
            assertThat(fraud.shared().get("network")).isEqualByComparingTo("5");
            assertThat(byOwner.get("search").shared().get("network")).isEqualByComparingTo("5");
            assertThat(byOwner.get("__unallocated__").total()).isEqualByComparingTo("100.00");
            BigDecimal sum = lines.stream().map(Allocation.Line::total).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(sum).isEqualByComparingTo("1210.00");
            assertThat(fraud.shared().get("gpu-pool").add(byOwner.get("search").shared().get("gpu-pool"))).isEqualByComparingTo("200.00");
        }
    }

    /**
     * by_metric gpu_hours, drawn as a table. The shared GPU pool costs 300.00 on 2026-09-01. Job runs that day:
     * fraud 2 instances × 1 h = 2 GPU-hours; search 1 instance from 23:00 on 31 Aug to 01:00 → only the hour inside
     * the day counts = 1. The pool splits 2:1 → fraud 200.00, search 100.00.
     */
    @Test
    void allocate_byMetricGpuHours_splitsThePoolByUsageInsideThePeriod() {
        LocalDate d = LocalDate.of(2026, 9, 1);
        Path bill = new DailyBill()
                .add(d, "Amazon EC2", "ml-training", "i-fraud", "{\"team\": \"fraud\"}", new BigDecimal("50.00"))
                .add(d, "Amazon EC2", "ml-training", "i-search", "{\"team\": \"search\"}", new BigDecimal("50.00"))
                .add(d, "Amazon EC2", "shared-gpu-pool", "gpu-pool-1", null, new BigDecimal("300.00")).write(dir.resolve("bill.csv"));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            dev.burnrate.store.DuckJobRuns jobs = new dev.burnrate.store.DuckJobRuns(l.db);
            jobs.upsert(dev.burnrate.ingest.jobs.JobRunJson.parse(new java.io.StringReader("""
                    {"id":"f1","team":"fraud","instanceCount":2,"start":"2026-09-01T10:00:00Z","end":"2026-09-01T11:00:00Z"}
                    {"id":"s1","team":"search","instanceCount":1,"start":"2026-08-31T23:00:00Z","end":"2026-09-01T01:00:00Z"}
                    """), "jobs"));
            Allocation a = new Allocation(l.costs, List.of(new ShareRule("gpu-pool", Map.of(f("SubAccountId"), List.of("shared-gpu-pool")),
                    ShareRule.Split.BY_METRIC, null, "gpu_hours")), new WorkloadMetrics(jobs, new dev.burnrate.store.DuckInferenceUsages(l.db)));
            Map<String, Allocation.Line> byOwner = new HashMap<>();
            a.allocate(f("team"), null, null, Granularity.DAY, CostBasis.EFFECTIVE, Map.of()).forEach(x -> byOwner.put(x.owner(), x));
            assertThat(byOwner.get("fraud").shared().get("gpu-pool")).isEqualByComparingTo("200.00");
            assertThat(byOwner.get("search").shared().get("gpu-pool")).isEqualByComparingTo("100.00");
            assertThat(byOwner.get("fraud").total()).isEqualByComparingTo("250.00");
        }
    }

    @Test
    void split_largestRemainder_partsSumExactlyAndFixedWeightsAreHonoured() {
        Map<String, BigDecimal> parts = Allocation.split(new BigDecimal("100.00"), Map.of("a", BigDecimal.ONE, "b", BigDecimal.ONE, "c", BigDecimal.ONE));
        assertThat(parts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("100.00");
        assertThat(parts).containsEntry("a", new BigDecimal("33.34")).containsEntry("b", new BigDecimal("33.33")).containsEntry("c", new BigDecimal("33.33"));
        Map<String, BigDecimal> fixed = Allocation.split(new BigDecimal("-50.00"), Map.of("x", new BigDecimal("70"), "y", new BigDecimal("30")));
        assertThat(fixed).containsEntry("x", new BigDecimal("-35.00")).containsEntry("y", new BigDecimal("-15.00"));
    }

    @Test
    void allocate_generatedQuarter_everyMonthAddsUpToTheBillExactly() {
        Path file = dir.resolve("gen.csv");
        new FocusGenerator(PriceCatalog.bundled()).write(file, new FocusGenerator.Options(30_000, 5, FocusVersion.V1_2, LocalDate.of(2026, 7, 1), 92));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(file));
            Allocation a = new Allocation(l.costs, List.of(
                    new ShareRule("gpu-pool", Map.of(f("SubAccountName"), List.of("shared-gpu-pool")), ShareRule.Split.PROPORTIONAL, null),
                    new ShareRule("untagged-network", Map.of(f("ServiceCategory"), List.of("Networking"), f("team"), List.of("__unallocated__")),
                            ShareRule.Split.EVEN, null),
                    new ShareRule("data-platform", Map.of(f("team"), List.of("data-platform")), ShareRule.Split.FIXED,
                            Map.of("fraud", new BigDecimal("2"), "search", new BigDecimal("1"), "recsys", new BigDecimal("1")))));
            for (CostBasis basis : List.of(CostBasis.EFFECTIVE, CostBasis.BILLED)) {
                List<Allocation.Line> lines = a.allocate(f("team"), null, null, Granularity.MONTH, basis, Map.of());
                Map<LocalDate, BigDecimal> allocated = new HashMap<>();
                lines.forEach(x -> allocated.merge(x.period(), x.total(), BigDecimal::add));
                l.costs.costs(new CostQuery(List.of(), null, null, Granularity.MONTH, basis, Map.of())).rows().forEach(row ->
                        assertThat(allocated.get(row.period())).as(basis + " " + row.period()).isEqualByComparingTo(row.cost().amount()));
                assertThat(lines).noneMatch(x -> x.owner().equals("platform") || x.owner().equals("data-platform"));
                assertThat(lines).filteredOn(x -> x.owner().equals("fraud")).allSatisfy(x -> assertThat(x.shared()).containsKeys("gpu-pool", "data-platform"));
            }
        }
    }

    @Test
    void allocate_realFocusSample_addsUpToTheBillPerCurrency() {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(sample));
            Allocation a = new Allocation(l.costs, List.of(
                    new ShareRule("networking", Map.of(f("ServiceCategory"), List.of("Networking")), ShareRule.Split.PROPORTIONAL, null)));
            List<Allocation.Line> lines = a.allocate(f("project"), null, null, Granularity.NONE, CostBasis.BILLED, Map.of());
            BigDecimal sum = lines.stream().map(Allocation.Line::total).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(sum).isEqualByComparingTo("20.52022672899");
            assertThat(lines).extracting(Allocation.Line::owner).contains("brightlensmatrix", "__unallocated__");
        }
    }
}

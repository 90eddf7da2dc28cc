package dev.burnrate.allocation;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Job costs by hand. p4d.24xlarge in us-east-1 is 21.957642 USD/h on demand (Karpenter's table) and the Spot Advisor
 * saving is 67%, so spot is 21.957642 × 0.33 = 7.246022 (6 decimals).
 * <pre>
 *   job         instances  hours  pricing    cost
 *   od-run      2          3      on_demand  2 × 3 × 21.957642 = 131.745852 → 131.75 (estimated)
 *   spot-run    2          3      spot       2 × 3 ×  7.246022 =  43.476132 →  43.48 (estimated)
 *   billed-run  (the bill has two rows with x_JobId = billed-run: 10.50 + 4.25)  14.75 (billed)
 * </pre>
 */
class JobCostsTest {
    @TempDir
    Path dir;

    static final String JOBS = """
            {"id":"od-run","model":"fraud-detector","team":"fraud","kind":"retraining","tier":"full","instanceType":"p4d.24xlarge","instanceCount":2,"pricing":"on_demand","provider":"AWS","region":"us-east-1","start":"2026-09-01T00:00:00Z","end":"2026-09-01T03:00:00Z","status":"succeeded"}
            {"id":"spot-run","model":"fraud-detector","team":"fraud","kind":"retraining","tier":"incremental","instanceType":"p4d.24xlarge","instanceCount":2,"pricing":"spot","start":"2026-09-02T00:00:00Z","end":"2026-09-02T03:00:00Z","status":"succeeded"}
            {"id":"billed-run","model":"ranker","team":"search","kind":"training","instanceType":"p5.48xlarge","instanceCount":1,"start":"2026-09-03T00:00:00Z","end":"2026-09-03T01:00:00Z","status":"succeeded"}
            {"id":"reserved-run","model":"ranker","team":"search","kind":"training","instanceType":"p5.48xlarge","instanceCount":1,"pricing":"reserved","start":"2026-09-03T00:00:00Z","end":"2026-09-03T01:00:00Z","status":"succeeded"}
            """;

    @Test
    void costs_billedWhenTheBillNamesTheJob_elseEstimatedFromTheCatalog() throws Exception {
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,x_JobId
                10.50,10.50,USD,a,2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,2026-09-03T00:00:00Z,2026-09-03T01:00:00Z,AWS,billed-run
                4.25,4.25,USD,a,2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,2026-09-03T00:00:00Z,2026-09-03T01:00:00Z,AWS,billed-run
                99.00,99.00,USD,a,2026-09-01T00:00:00Z,2026-10-01T00:00:00Z,2026-09-03T00:00:00Z,2026-09-03T01:00:00Z,AWS,
                """);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns runs = new DuckJobRuns(l.db);
            runs.upsert(JobRunJson.parse(new StringReader(JOBS), "jobs"));
            JobCosts costs = new JobCosts(runs, PriceCatalog.bundled(), TestLedger.CLOCK);
            java.util.Map<String, JobCosts.JobCost> byId = new java.util.HashMap<>();
            costs.costs(runs.list(null, null, 100)).forEach(c -> byId.put(c.job().id(), c));
            assertThat(byId.get("od-run").cost().amount()).isEqualByComparingTo("131.75");
            assertThat(byId.get("od-run").estimated()).isTrue();
            assertThat(byId.get("od-run").instanceHours()).isEqualByComparingTo("6");
            assertThat(byId.get("od-run").perInstanceHour().amount()).isEqualByComparingTo("21.9583");
            assertThat(byId.get("spot-run").cost().amount()).isEqualByComparingTo("43.48");
            assertThat(byId.get("billed-run").cost().amount()).isEqualByComparingTo("14.75");
            assertThat(byId.get("billed-run").estimated()).isFalse();
            assertThat(byId.get("reserved-run").cost()).isNull();
            assertThat(byId.get("reserved-run").note()).contains("no reserved price for AWS p5.48xlarge");
        }
    }

    @Test
    void upsert_heartbeatThenEnd_keepsOneRecordWithTheLatestState() {
        try (TestLedger l = new TestLedger(dir)) {
            DuckJobRuns runs = new DuckJobRuns(l.db);
            runs.upsert(JobRunJson.parse(new StringReader("{\"id\":\"r1\",\"kind\":\"training\",\"instanceType\":\"g5.xlarge\",\"start\":\"2026-11-01T00:00:00Z\",\"status\":\"running\"}"), "a"));
            JobCosts costs = new JobCosts(runs, PriceCatalog.bundled(), TestLedger.CLOCK);  // the clock stands at 2026-11-01T00:00Z
            assertThat(costs.costs(runs.list(null, null, 10)).get(0).instanceHours()).isEqualByComparingTo("0");
            runs.upsert(JobRunJson.parse(new StringReader("[{\"id\":\"r1\",\"kind\":\"training\",\"instanceType\":\"g5.xlarge\",\"start\":\"2026-10-31T22:00:00Z\",\"end\":\"2026-11-01T00:00:00Z\",\"status\":\"succeeded\",\"checkpoints\":4}]"), "b"));
            List<JobRun> all = runs.list(null, null, 10);
            assertThat(all).singleElement().satisfies(j -> {
                assertThat(j.status()).isEqualTo("succeeded");
                assertThat(j.checkpoints()).isEqualTo(4);
            });
            // 2 h × g5.xlarge 1.006 = 2.012 → 2.01
            assertThat(costs.costs(all).get(0).cost().amount()).isEqualByComparingTo("2.01");
        }
    }

    /**
     * Spot eviction overhead by hand: p4d spot, 2 instances for 4 h (8 instance-hours × 7.246022 = 57.97), 3 checkpoints,
     * 2 evictions. Each eviction loses half a checkpoint interval (4 h / 4 / 2 = 0.5 h) + 30 min restart (the spot rules'
     * default) = 1 h per instance; × 2 evictions × 2 instances = 4 instance-hours × 7.2462 (57.97 / 8) = 28.98. With a
     * configured 10-minute restart: 0.666667 h × 4 = 2.666668 × 7.2462 = 19.32.
     */
    @Test
    void evictionOverhead_spotRunEvictedTwice_costsTheLostWorkAndRestarts() {
        try (TestLedger l = new TestLedger(dir)) {
            DuckJobRuns runs = new DuckJobRuns(l.db);
            runs.upsert(JobRunJson.parse(new StringReader("{\"id\":\"sp\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":2,"
                    + "\"pricing\":\"spot\",\"start\":\"2026-09-01T00:00:00Z\",\"end\":\"2026-09-01T04:00:00Z\",\"checkpoints\":3,\"evictions\":2,\"status\":\"succeeded\"}"), "j"));
            JobCosts.JobCost c = new JobCosts(runs, PriceCatalog.bundled(), TestLedger.CLOCK).costs(runs.list(null, null, 10)).get(0);
            assertThat(c.cost().amount()).isEqualByComparingTo("57.97");
            assertThat(c.perInstanceHour().amount()).isEqualByComparingTo("7.2462");
            assertThat(c.evictionOverhead().amount()).isEqualByComparingTo("28.98");
            assertThat(new JobCosts(runs, PriceCatalog.bundled(), TestLedger.CLOCK, 10).costs(runs.list(null, null, 10)).get(0).evictionOverhead().amount())
                    .isEqualByComparingTo("19.32");
        }
    }

    @Test
    void parse_badRecord_namesLineAndReason() {
        assertThatThrownBy(() -> JobRunJson.parse(new StringReader("{\"id\":\"a\"}\n{\"id\":\"b\",\"kind\":\"pretraining\"}\n"), "jobs.ndjson"))
                .isInstanceOf(RecordException.class).hasMessageContaining("jobs.ndjson:2").hasMessageContaining("kind 'pretraining'")
                // the same words from every replica (the set was printed in its hash order, which differs between JVMs)
                .hasMessageContaining("[batch_inference, experiment, fine_tune, hpo_trial, retraining, training]");
        assertThatThrownBy(() -> JobRunJson.parse(new StringReader("{\"id\":\"a\",\"gpus\":8}"), "j"))
                .hasMessageContaining("j:1: gpus: unknown field");
        assertThatThrownBy(() -> JobRunJson.parse(new StringReader("{\"id\":\"a\",\"start\":\"2026-01-02T00:00:00Z\",\"end\":\"2026-01-01T00:00:00Z\"}"), "j"))
                .hasMessageContaining("before start");
        // a trial found 0 instances accepted and costed as one
        assertThatThrownBy(() -> JobRunJson.parse(new StringReader("{\"id\":\"a\",\"instanceCount\":0}"), "j"))
                .hasMessageContaining("j:1").hasMessageContaining("instanceCount").hasMessageContaining("0").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> JobRunJson.parse(new StringReader("{\"id\":\"a\",\"instanceCount\":1.5}"), "j")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> JobRunJson.parse(new StringReader("{\"id\":\"a\",\"evictions\":-1}"), "j")).hasMessageContaining("evictions");
    }

    @Test
    void catalog_h100Search_listsP5WithItsSourceAndDate() {
        List<dev.burnrate.pricing.InstancePrice> h100 = PriceCatalog.bundled().search("h100", "AWS", null, null);
        assertThat(h100).extracting(dev.burnrate.pricing.InstancePrice::instanceType).contains("p5.48xlarge");
        dev.burnrate.pricing.InstancePrice p5 = h100.stream().filter(p -> p.instanceType().equals("p5.48xlarge")).findFirst().orElseThrow();
        assertThat(p5.onDemand()).isEqualByComparingTo("55.04");
        assertThat(p5.gpuCount()).isEqualTo(8);
        assertThat(p5.asOf()).isEqualTo("2026-07-20");
        dev.burnrate.pricing.InstancePrice a3 = PriceCatalog.bundled().require("Google Cloud", "a3-highgpu-8g", "us-central1");
        // Cyclenerd's monthly prices / 730 h: 1 year 44,810.08066464 → 61.383672, 3 years 28,370.99821392 → 38.864381
        assertThat(a3.commit1y()).isEqualByComparingTo("61.383672");
        assertThat(a3.commit3y()).isEqualByComparingTo("38.864381");
        PriceCatalog overridden = PriceCatalog.bundled().withOverrides(List.of(new dev.burnrate.pricing.InstancePrice("AWS", "p5.48xlarge", "us-east-1",
                "h100", 8, new BigDecimal("40.00"), null, new BigDecimal("30.00"), null, "rate card", "2026-11-01")));
        assertThat(overridden.cost("AWS", "p5.48xlarge", "us-east-1", 1, new BigDecimal("2"), PriceCatalog.Pricing.RESERVED).amount()).isEqualByComparingTo("60.00");
    }
}

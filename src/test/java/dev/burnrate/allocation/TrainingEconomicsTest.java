package dev.burnrate.allocation;

import dev.burnrate.ingest.gpu.NvidiaSmiCsv;
import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real three-phase H100 run (src/test/resources/gpu) as a job on p5.4xlarge (1 × H100, 6.88 USD/h on demand),
 * from its first sample (22:36:33.503) to its last (22:39:06.507, rounded to 22:39:07): 153.497 s → 0.29 USD.
 * Its GPU samples put about 40% of the paid time under 5% utilisation, so the idle cost is about 0.11 USD.
 * A second, earlier retraining run of the same model has no samples: 1 h × 6.88 = 6.88, no idle figure.
 */
class TrainingEconomicsTest {
    @TempDir
    Path dir;

    @Test
    void byModel_realGpuTelemetry_givesCostPerRunRetrainingPerMonthAndIdleCost() throws Exception {
        Path smi = TestLedger.fixture("gpu/nvidia-smi-h100-training.csv", dir);
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(NvidiaSmiCsv.parse(Files.newBufferedReader(smi), smi.toString(), "h100-node", "three-phase-run", ZoneOffset.UTC));
            DuckJobRuns runs = new DuckJobRuns(l.db);
            runs.upsert(JobRunJson.parse(new StringReader("""
                    {"id":"three-phase-run","model":"assistant-llm","team":"llm-platform","kind":"retraining","instanceType":"p5.4xlarge","instanceCount":1,"pricing":"on_demand","start":"2026-11-22T22:36:33.503Z","end":"2026-11-22T22:39:07Z","status":"succeeded"}
                    {"id":"earlier-run","model":"assistant-llm","team":"llm-platform","kind":"retraining","instanceType":"p5.4xlarge","instanceCount":1,"start":"2026-10-05T10:00:00Z","end":"2026-10-05T11:00:00Z","status":"succeeded"}
                    """), "jobs"));
            TrainingEconomics e = new TrainingEconomics(runs, new JobCosts(runs, PriceCatalog.bundled(), TestLedger.CLOCK), samples);
            TrainingEconomics.Line line = e.byOwner("model", 5).get(0);
            assertThat(line.key()).isEqualTo("assistant-llm");
            assertThat(line.runs()).isEqualTo(2);
            assertThat(line.estimatedRuns()).isEqualTo(2);
            assertThat(line.cost()).isEqualByComparingTo("7.17");                   // 0.29 + 6.88
            assertThat(line.costPerRun()).isEqualByComparingTo("3.58");             // 7.17 / 2 = 3.585, half-even to 3.58
            assertThat(line.retrainingByMonth()).containsEntry(YearMonth.of(2026, 10), new BigDecimal("6.88"))
                    .containsEntry(YearMonth.of(2026, 11), new BigDecimal("0.29"));
            assertThat(line.idleCost()).isBetween(new BigDecimal("0.09"), new BigDecimal("0.14"));
            assertThat(line.meanGpuUtilization()).isBetween(25.0, 45.0);
            // per model through the job runs: mean and p95 utilisation of the model's GPUs
            dev.burnrate.ledger.GpuSamples.Usage byModel = samples.usage(dev.burnrate.ledger.GpuSamples.Group.MODEL,
                    java.time.Instant.EPOCH, java.time.Instant.parse("9999-01-01T00:00:00Z"), 5).get(0);
            assertThat(byModel.key()).isEqualTo("assistant-llm");
            assertThat(byModel.p95Utilization()).isEqualTo(100.0);
        }
    }

    /**
     * The same real run, billed: 100.00 USD on rows carrying x_JobId = three-phase-run, tagged team=llm-platform. With
     * idle moved out, team llm-platform keeps 100 × (1 − idle share) and __idle__ holds the rest; the sum is still 100.00.
     */
    @Test
    void allocate_withIdle_movesTheRunsIdleGpuCostIntoTheIdleBucket() throws Exception {
        Path smi = TestLedger.fixture("gpu/nvidia-smi-h100-training.csv", dir);
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,Tags,x_JobId
                100.00,100.00,USD,a,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,2026-11-22T22:00:00Z,2026-11-22T23:00:00Z,AWS,"{""team"": ""llm-platform""}",three-phase-run
                """);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(NvidiaSmiCsv.parse(Files.newBufferedReader(smi), smi.toString(), "h100-node", "three-phase-run", ZoneOffset.UTC));
            DuckJobRuns runs = new DuckJobRuns(l.db);
            runs.upsert(JobRunJson.parse(new StringReader("{\"id\":\"three-phase-run\",\"team\":\"llm-platform\",\"kind\":\"training\","
                    + "\"instanceType\":\"p5.4xlarge\",\"start\":\"2026-11-22T22:36:33Z\",\"end\":\"2026-11-22T22:39:07Z\"}"), "jobs"));
            TrainingEconomics training = new TrainingEconomics(runs, new JobCosts(runs, PriceCatalog.bundled(), TestLedger.CLOCK), samples);
            Allocation a = new Allocation(l.costs, List.of(), (m, o, f, t) -> java.util.Map.of(),
                    owner -> training.idleRuns(owner.name(), 5));
            java.util.Map<String, BigDecimal> byOwner = new java.util.HashMap<>();
            a.allocate(dev.burnrate.ledger.Field.parse("team").orElseThrow(), null, null, dev.burnrate.ledger.Granularity.MONTH,
                    dev.burnrate.ledger.CostBasis.EFFECTIVE, java.util.Map.of(), true).forEach(x -> byOwner.put(x.owner(), x.total()));
            assertThat(byOwner.get("__idle__")).isBetween(new BigDecimal("35"), new BigDecimal("50"));
            assertThat(byOwner.get("llm-platform").add(byOwner.get("__idle__"))).isEqualByComparingTo("100.00");
        }
    }
}

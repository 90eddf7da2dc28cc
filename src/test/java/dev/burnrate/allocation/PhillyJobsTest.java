package dev.burnrate.allocation;

import dev.burnrate.ledger.JobRun;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real job sizes and durations: the first 2,000 jobs of Microsoft's Philly trace, run as V100 instances
 * (1 GPU → p3.2xlarge, 2-4 → p3.8xlarge, 8+ → p3.16xlarge × GPUs/8) at the catalog's on-demand prices. Each run's
 * estimate must equal instances × hours × rate computed here independently, and the spend is as skewed as training
 * fleets are: the largest 5% of runs carry most of the money.
 */
class PhillyJobsTest {
    @TempDir
    Path dir;

    record Shape(String type, int instances) {
    }

    static Shape shape(int gpus) {
        if (gpus <= 1) return new Shape("p3.2xlarge", 1);
        if (gpus <= 4) return new Shape("p3.8xlarge", 1);
        return new Shape("p3.16xlarge", (gpus + 7) / 8);
    }

    @Test
    void estimates_phillyJobs_matchInstanceHoursTimesRateAndAreHeavyTailed() throws Exception {
        Path trace = TestLedger.fixture("jobs/philly-2000.csv", dir);
        List<JobRun> runs = new ArrayList<>();
        Instant t0 = Instant.parse("2026-09-01T00:00:00Z");
        for (String line : Files.readAllLines(trace)) {
            if (line.startsWith("#")) continue;
            String[] v = line.split(",");
            int gpus = Integer.parseInt(v[4]);
            Shape s = shape(gpus);
            Instant start = t0.plusSeconds((long) Double.parseDouble(v[1]));
            Instant end = start.plusSeconds(Math.max(1, (long) Double.parseDouble(v[5])));
            runs.add(new JobRun("philly-" + v[0], "model-" + (Integer.parseInt(v[0]) % 7), null, "team-" + (Integer.parseInt(v[0]) % 3), "training",
                    "full", s.type(), s.instances(), "on_demand", "AWS", "us-east-1", start, end, "succeeded", 0, 0, null, Map.of()));
        }
        assertThat(runs).hasSize(2000);
        try (TestLedger l = new TestLedger(dir)) {
            DuckJobRuns store = new DuckJobRuns(l.db);
            store.upsert(runs);
            PriceCatalog catalog = PriceCatalog.bundled();
            List<JobCosts.JobCost> costs = new JobCosts(store, catalog, TestLedger.CLOCK).costs(store.list(null, null, 10_000));
            assertThat(costs).hasSize(2000).allSatisfy(c -> assertThat(c.estimated()).isTrue());
            BigDecimal total = BigDecimal.ZERO;
            for (JobCosts.JobCost c : costs) {
                JobRun j = c.job();
                BigDecimal rate = catalog.require("AWS", j.instanceType(), "us-east-1").onDemand();
                BigDecimal wallHours = BigDecimal.valueOf(j.end().getEpochSecond() - j.start().getEpochSecond())
                        .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
                BigDecimal expected = rate.multiply(BigDecimal.valueOf(j.instanceCount())).multiply(wallHours).setScale(2, RoundingMode.HALF_EVEN);
                assertThat(c.cost().amount()).as(j.id()).isEqualByComparingTo(expected);
                total = total.add(c.cost().amount());
            }
            List<BigDecimal> sorted = costs.stream().map(c -> c.cost().amount()).sorted(Comparator.reverseOrder()).toList();
            BigDecimal top5 = sorted.subList(0, 100).stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(top5.divide(total, 4, RoundingMode.HALF_EVEN)).isGreaterThan(new BigDecimal("0.5"));
        }
    }
}

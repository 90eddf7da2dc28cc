package dev.burnrate.recommend;

import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.SavingsBill;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Spot for training families that checkpoint, by hand (C = 15 min = 0.25 h to write a checkpoint, R = 30 min = 0.5 h to
 * restart; the last 30 days up to 2026-11-01; prices overridden so the spot ratio is round):
 * <ul>
 * <li>fraud/fraud-detector/retraining on p4d.24xlarge (20 on demand, 6.6 spot: ratio 0.33): run {@code a1} billed 1000;
 *   {@code a2} is idle (its own recommendation counts it, so spot does not). MTBF from the family's spot run {@code a0}:
 *   200 instance-hours, 1 eviction → 200 h. τ = √(2 × 200 × 0.25) = 10 h; overhead = 0.25/10 + (10/2 + 0.5)/200 = 0.0525;
 *   saving = 1000 × (1 − 0.33) − 1000 × 0.33 × 0.0525 = 670 − 17.325 = 652.675.</li>
 * <li>vision/detector/training on p4de.24xlarge (10 / 3.5: ratio 0.35), 2 instances, no spot history: the Spot Advisor band
 *   of p4de.24xlarge in us-east-1 is "&lt;5%", so an instance's MTBF is 720 × 100 / 5 = 14400 h and the job's 7200 h.
 *   τ = √(2 × 7200 × 0.25) = 60 h, longer than its 24 h run: no checkpoint within a run, an eviction loses half a run:
 *   overhead = (24/2 + 0.5)/7200 = 12.5/7200; saving = 2000 × 0.65 − 2000 × 0.35 × 12.5/7200 = 1300 − 1.2152778… = 1298.7847222
 *   (to 6 places 1298.784722).</li>
 * <li>fraud's runaway {@code a3} (64 instances, stopped) is left out: neither its 5000 nor its size count.</li>
 * <li>search/ranker/training never checkpoints (a restart would start over): no spot.</li>
 * </ul>
 */
class SpotCandidatesTest {
    @TempDir
    Path dir;

    @Test
    void checkpointingOnDemandFamilies_savingLessRestartOverhead_youngDalyInterval_andIdleJobsNotCountedTwice() throws Exception {
        StringBuilder b = new StringBuilder(SavingsBill.HEADER);
        String ec2 = "Amazon Elastic Compute Cloud";
        b.append(SavingsBill.billRow(LocalDateTime.parse("2026-10-10T00:00"), 24, "500", "500", "Usage", "Standard", ec2, "Compute", "us-east-1", null, null, "fraud", "AWS", "a1"));
        b.append(SavingsBill.billRow(LocalDateTime.parse("2026-10-11T00:00"), 24, "500", "500", "Usage", "Standard", ec2, "Compute", "us-east-1", null, null, "fraud", "AWS", "a1"));
        for (int d = 20; d <= 31; d++) {
            b.append(SavingsBill.billRow(LocalDateTime.parse("2026-10-" + d + "T00:00"), 24, "100", "100", "Usage", "Standard", ec2, "Compute", "us-east-1", null, null, "fraud", "AWS", "a2"));
        }
        // a3: the family's runaway, 64 instances for a day, stopped by the guard: an incident, not its workload
        b.append(SavingsBill.billRow(LocalDateTime.parse("2026-10-25T00:00"), 24, "5000", "5000", "Usage", "Standard", ec2, "Compute", "us-east-1", null, null, "fraud", "AWS", "a3"));
        b.append(SavingsBill.billRow(LocalDateTime.parse("2026-10-15T00:00"), 24, "2000", "2000", "Usage", "Standard", ec2, "Compute", "us-east-1", null, null, "vision", "AWS", "b1"));
        b.append(SavingsBill.billRow(LocalDateTime.parse("2026-10-16T00:00"), 24, "800", "800", "Usage", "Standard", ec2, "Compute", "us-east-1", null, null, "search", "AWS", "c1"));
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(
                new InstancePrice("AWS", "p4d.24xlarge", "us-east-1", null, 0, new BigDecimal("20"), new BigDecimal("6.6"), null, null, "test", "2026-10-01"),
                new InstancePrice("AWS", "p4de.24xlarge", "us-east-1", null, 0, new BigDecimal("10"), new BigDecimal("3.5"), null, null, "test", "2026-10-01")));
        assertThat(catalog.spotInterruption("AWS", "p4de.24xlarge", "us-east-1")).contains(new PriceCatalog.SpotInterruption("<5%", 5));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            String common = "\"provider\":\"AWS\",\"region\":\"us-east-1\",\"pricing\":";
            jobs.upsert(JobRunJson.parse(new StringReader(String.join("\n",
                    "{\"id\":\"a0\",\"team\":\"fraud\",\"model\":\"fraud-detector\",\"kind\":\"retraining\",\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":1," + common
                            + "\"spot\",\"start\":\"2026-09-01T00:00:00Z\",\"end\":\"2026-09-09T08:00:00Z\",\"status\":\"succeeded\",\"checkpoints\":20,\"evictions\":1}",
                    "{\"id\":\"a1\",\"team\":\"fraud\",\"model\":\"fraud-detector\",\"kind\":\"retraining\",\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":1," + common
                            + "\"on_demand\",\"start\":\"2026-10-10T00:00:00Z\",\"end\":\"2026-10-12T00:00:00Z\",\"status\":\"succeeded\",\"checkpoints\":4}",
                    "{\"id\":\"a2\",\"team\":\"fraud\",\"model\":\"fraud-detector\",\"kind\":\"retraining\",\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":1," + common
                            + "\"on_demand\",\"start\":\"2026-10-20T00:00:00Z\",\"status\":\"running\",\"checkpoints\":2}",
                    "{\"id\":\"a3\",\"team\":\"fraud\",\"model\":\"fraud-detector\",\"kind\":\"retraining\",\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":64," + common
                            + "\"on_demand\",\"start\":\"2026-10-25T00:00:00Z\",\"end\":\"2026-10-26T00:00:00Z\",\"status\":\"stopped\",\"checkpoints\":1}",
                    "{\"id\":\"b1\",\"team\":\"vision\",\"model\":\"detector\",\"kind\":\"training\",\"instanceType\":\"p4de.24xlarge\",\"instanceCount\":2," + common
                            + "\"on_demand\",\"start\":\"2026-10-15T00:00:00Z\",\"end\":\"2026-10-16T00:00:00Z\",\"status\":\"succeeded\",\"checkpoints\":3}",
                    "{\"id\":\"c1\",\"team\":\"search\",\"model\":\"ranker\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\",\"instanceCount\":1," + common
                            + "\"on_demand\",\"start\":\"2026-10-16T00:00:00Z\",\"end\":\"2026-10-17T00:00:00Z\",\"status\":\"succeeded\",\"checkpoints\":0}")), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(GpuWasteTest.samples("a2", 1, Instant.parse("2026-11-01T00:00:00Z").minus(Duration.ofDays(3)), 1, 1000));

            SavingsEngine.Result r = new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, catalog, TestLedger.CLOCK, SavingsEngine.Settings.defaults()).compute();
            Map<Recommendation.Kind, List<Recommendation>> byKind = r.recommendations().stream().collect(Collectors.groupingBy(Recommendation::kind));
            assertThat(byKind.get(Recommendation.Kind.IDLE)).extracting(Recommendation::target).containsExactly("job a2");
            List<Recommendation> spot = byKind.get(Recommendation.Kind.SPOT);
            assertThat(spot).extracting(Recommendation::team).containsExactly("vision", "fraud"); // largest saving first

            Recommendation fraud = spot.get(1);
            assertThat(fraud.target()).isEqualTo("job family fraud/fraud-detector/retraining on p4d.24xlarge (AWS us-east-1)");
            assertThat(fraud.monthlySaving().amount()).isEqualByComparingTo("652.675");
            assertThat(fraud.evidence().numbers()).containsEntry("billed_effective", "1000").containsEntry("on_demand_runs", "1")
                    .containsEntry("mtbf_hours", "200").containsEntry("checkpoint_interval_hours", "10").containsEntry("overhead_fraction", "0.0525")
                    .containsEntry("gross_saving", "670").containsEntry("restart_overhead_cost", "17.325").containsEntry("instances", "1");
            assertThat(fraud.evidence().rule()).contains("200 instance-hours, 1 evictions");
            assertThat(fraud.action()).contains("checkpointing every 10.0 h");

            Recommendation vision = spot.get(0);
            assertThat(vision.monthlySaving().amount()).isCloseTo(new BigDecimal("1298.784722"), within(new BigDecimal("0.000001")));
            assertThat(vision.evidence().numbers()).containsEntry("mtbf_hours", "7200").containsEntry("checkpoint_interval_hours", "60")
                    .containsEntry("median_run_hours", "24").containsEntry("overhead_fraction", "0.001736").containsEntry("instances", "2");
            assertThat(vision.action()).contains("no checkpoint needed within a run (a 24.0 h run is shorter than the 60.0 h Young/Daly interval");
            assertThat(vision.evidence().rule()).contains("Spot Advisor band <5%");
            assertThat(vision.risk()).isEqualTo(Recommendation.Risk.MEDIUM);

            assertThat(r.recommendations()).noneMatch(x -> x.target().contains("ranker"));
            // each saving below the spend it comes from
            assertThat(fraud.monthlySaving().amount()).isLessThan(new BigDecimal("1000"));
            assertThat(vision.monthlySaving().amount()).isLessThan(new BigDecimal("2000"));
        }
    }

    @Test
    void steadyShare_onlySpendBilledEveryDayLowersACommitmentFloor() {
        Instant from = Instant.parse("2026-10-01T00:00:00Z");
        Instant end = Instant.parse("2026-10-04T00:00:00Z"); // whole days: Oct 1, 2, 3
        JobRun run = new JobRun("r1", "fraud", null, "fraud", "retraining", "full", "p4d.24xlarge", 1, "on_demand", "AWS", "us-east-1",
                from, end, "succeeded", 3, 0, null, Map.of());
        java.util.function.Function<String[], Map<String, List<dev.burnrate.allocation.JobRuns.BilledPeriod>>> bill = amounts -> {
            List<dev.burnrate.allocation.JobRuns.BilledPeriod> ps = new java.util.ArrayList<>();
            for (int d = 0; d < amounts.length; d++) {
                if (amounts[d] == null) continue;
                Instant s0 = from.plus(Duration.ofDays(d));
                ps.add(new dev.burnrate.allocation.JobRuns.BilledPeriod("r1", "USD", s0, s0.plus(Duration.ofDays(1)), new BigDecimal(amounts[d]), new BigDecimal(amounts[d])));
            }
            return Map.of("r1", ps);
        };
        // every day alike: all of it is steady
        assertThat(SpotCandidates.steadyShare(List.of(run), bill.apply(new String[]{"100", "100", "100"}), "USD", from, end)).isEqualByComparingTo("1");
        // 100, 50, 150: the lowest day 50 × 3 days / 300 = 0.5
        assertThat(SpotCandidates.steadyShare(List.of(run), bill.apply(new String[]{"100", "50", "150"}), "USD", from, end)).isEqualByComparingTo("0.5");
        // a day without the family's runs: training that does not run every day is not in the floor
        assertThat(SpotCandidates.steadyShare(List.of(run), bill.apply(new String[]{"100", null, "100"}), "USD", from, end)).isEqualByComparingTo("0");
        // another currency is not this one's spend
        assertThat(SpotCandidates.steadyShare(List.of(run), bill.apply(new String[]{"100", "100", "100"}), "EUR", from, end)).isEqualByComparingTo("0");
    }
}

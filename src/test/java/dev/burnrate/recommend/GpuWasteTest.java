package dev.burnrate.recommend;

import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.ledger.GpuSample;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two running jobs on AWS g5.12xlarge (4 × A10G, 22888 MiB each; 5.672 USD/h on demand; g5.xlarge, 1 × A10G, 1.006):
 * <ul>
 * <li>{@code notebook}: one instance, GPUs at 1% holding 1000 MiB for the last 3 days, billed 100 a day (list 120)
 *   on 2026-10-29..31 and 100 on 10-28 (before the idle window). Idle: 300 in 3 days → 3000 a month. It would also fit one
 *   GPU, but idle wins: no rightsizing of it.</li>
 * <li>{@code trainer}: two instances since 10-10, GPUs at 15% with 5000 MiB peak; billed every day of the last 14 at the
 *   catalog's list (2 × 5.672 × 24 = 272.256) less 5% (258.6432). GPUs needed per instance: ceil(4 × 15 / 70) = 1, and
 *   for memory ceil(4 × 5000 / 22888) = 1, so g5.xlarge: (5.672 − 1.006) × 2 × 720 h × 0.95 = 6383.088 a month.</li>
 * </ul>
 */
class GpuWasteTest {
    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void idleAndOversizedGpuJobs_handTelemetry_idleWinsOverRightsizingAndSavingsStayBelowSpend() throws Exception {
        StringBuilder b = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        for (int d = 4; d >= 1; d--) {
            LocalDateTime day = LocalDateTime.parse("2026-11-01T00:00").minusDays(d);
            b.append(dev.burnrate.testing.SavingsBill.billRow(day, 24, "100", "120", "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null,
                    "research", "AWS", "notebook"));
        }
        for (int d = 14; d >= 1; d--) {
            LocalDateTime day = LocalDateTime.parse("2026-11-01T00:00").minusDays(d);
            b.append(dev.burnrate.testing.SavingsBill.billRow(day, 24, "258.6432", "272.256", "Usage", "Standard", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null,
                    "ranking", "AWS", "trainer"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(JobRunJson.parse(new StringReader("""
                    {"id":"notebook","team":"research","kind":"experiment","provider":"AWS","region":"us-east-1","instanceType":"g5.12xlarge","instanceCount":1,"pricing":"on_demand","start":"2026-10-20T00:00:00Z","status":"running"}
                    {"id":"trainer","team":"ranking","kind":"training","provider":"AWS","region":"us-east-1","instanceType":"g5.12xlarge","instanceCount":2,"pricing":"on_demand","start":"2026-10-10T00:00:00Z","status":"running"}
                    {"id":"finished","team":"ranking","kind":"training","provider":"AWS","region":"us-east-1","instanceType":"g5.12xlarge","instanceCount":1,"pricing":"on_demand","start":"2026-10-10T00:00:00Z","end":"2026-10-30T00:00:00Z","status":"succeeded"}
                    """), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            samples.append(samples("notebook", 1, END.minus(Duration.ofDays(3)), 1, 1000));
            samples.append(samples("trainer", 2, END.minus(Duration.ofDays(14)), 15, 5000));
            samples.append(samples("finished", 1, END.minus(Duration.ofDays(3)), 0, 0)); // idle, but no longer running: nothing to stop

            SavingsEngine.Result r = new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, PriceCatalog.bundled(), TestLedger.CLOCK, SavingsEngine.Settings.defaults()).compute();
            Map<String, List<Recommendation>> byTarget = r.recommendations().stream().collect(Collectors.groupingBy(Recommendation::target));
            assertThat(byTarget.keySet()).containsExactlyInAnyOrder("job notebook", "job trainer");

            Recommendation idle = byTarget.get("job notebook").get(0);
            assertThat(byTarget.get("job notebook")).hasSize(1);
            assertThat(idle.kind()).isEqualTo(Recommendation.Kind.IDLE);
            assertThat(idle.team()).isEqualTo("research");
            assertThat(idle.monthlySaving().amount()).isEqualByComparingTo("3000");
            assertThat(idle.evidence().numbers()).containsEntry("billed_effective", "300").containsEntry("p95_utilisation_percent", "1");
            assertThat(idle.evidence().from()).isEqualTo(Instant.parse("2026-10-29T00:00:00Z"));

            Recommendation size = byTarget.get("job trainer").get(0);
            assertThat(size.kind()).isEqualTo(Recommendation.Kind.RIGHTSIZE);
            assertThat(size.monthlySaving().amount()).isEqualByComparingTo("6383.088");
            assertThat(size.evidence().numbers()).containsEntry("to_type", "g5.xlarge").containsEntry("gpus_for_utilisation", "1")
                    .containsEntry("gpus_for_memory", "1");
            assertThat(size.action()).contains("2 × g5.xlarge");

            // the total is below the spend it comes from: each job's billed effective cost per month
            BigDecimal spend = new BigDecimal("300").multiply(BigDecimal.TEN).add(new BigDecimal("258.6432").multiply(BigDecimal.valueOf(30)));
            BigDecimal saved = r.recommendations().stream().map(x -> x.monthlySaving().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(saved).isLessThan(spend);
            assertThat(r.recommendations()).allSatisfy(x -> assertThat(x.monthlySaving().currency()).isEqualTo("USD"));
        }
    }

    @Test
    void busyJob_nearlyFullGpus_isNeitherIdleNorRightsized() throws Exception {
        StringBuilder b = new StringBuilder(dev.burnrate.testing.SavingsBill.HEADER);
        for (int d = 14; d >= 1; d--) {
            b.append(dev.burnrate.testing.SavingsBill.billRow(LocalDateTime.parse("2026-11-01T00:00").minusDays(d), 24, "136.128", "136.128", "Usage", "Standard",
                    "Amazon Elastic Compute Cloud", "Compute", "us-east-1", null, null, "ranking", "AWS", "busy"));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckJobRuns jobs = new DuckJobRuns(l.db);
            jobs.upsert(JobRunJson.parse(new StringReader("{\"id\":\"busy\",\"team\":\"ranking\",\"kind\":\"training\",\"provider\":\"AWS\",\"region\":\"us-east-1\","
                    + "\"instanceType\":\"g5.12xlarge\",\"instanceCount\":1,\"start\":\"2026-10-10T00:00:00Z\",\"status\":\"running\"}"), "jobs"));
            DuckGpuSamples samples = new DuckGpuSamples(l.db);
            // 60%: ceil(4 × 60 / 70) = 4 GPUs, all of them
            samples.append(samples("busy", 1, END.minus(Duration.ofDays(14)), 60, 20000));
            SavingsEngine.Result r = new SavingsEngine(l.costs, jobs, samples, new dev.burnrate.store.DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), java.util.List::of, PriceCatalog.bundled(), TestLedger.CLOCK, SavingsEngine.Settings.defaults()).compute();
            assertThat(r.recommendations()).isEmpty();
        }
    }

    /** Every GPU of every instance of a job, one sample every 30 minutes from {@code from} to the end, at one utilisation and memory. */
    static List<GpuSample> samples(String job, int instances, Instant from, double util, long memUsed) {
        List<GpuSample> out = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            for (int g = 0; g < 4; g++) {
                for (Instant t = from; t.isBefore(END); t = t.plus(Duration.ofMinutes(30))) {
                    out.add(new GpuSample(t, job + "-node-" + i, "GPU-" + job + "-" + i + "-" + g, g, job, null, null, null, util, memUsed, 22888));
                }
            }
        }
        return out;
    }
}

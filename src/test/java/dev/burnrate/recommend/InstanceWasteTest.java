package dev.burnrate.recommend;

import dev.burnrate.ledger.InstanceSample;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.store.DuckInstanceSamples;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CPU instances on AWS us-east-1, billed a day at a time for the 14 days before 2026-11-01 (on demand at 95% of the
 * catalog: m5.4xlarge 0.768 → 17.5104 a day, c5.2xlarge 0.34 → 7.752, m5.2xlarge 0.384 → 8.7552, t3.xlarge 0.1664 →
 * 3.79392, g5.12xlarge 5.672 → 129.3216), with hourly CPU / memory samples:
 * <ul>
 * <li>{@code i-big} m5.4xlarge (16 vCPUs), CPU 20%, memory 30%: ceil(16 × 20 / 70) = 5 and ceil(16 × 30 / 70) = 7 vCPUs,
 *   so m5.2xlarge (8, 0.384): saving 14 × 17.5104 × (1 − 0.384 / 0.768) × 30 / 14 = 262.656 a month.</li>
 * <li>{@code i-idle} c5.2xlarge, CPU 1%: idle (p95 under 3% over 3 days): 3 × 7.752 × 10 = 232.56. It would also fit c5.large,
 *   but idle wins: one recommendation.</li>
 * <li>{@code i-tight} m5.4xlarge, CPU 20%, memory 40%: ceil(16 × 40 / 70) = 10 vCPUs, and m5 has no size between 8 and
 *   16: none, with a note.</li>
 * <li>{@code i-nomem} m5.2xlarge without memory samples: a note, no rightsizing.</li>
 * <li>{@code i-new} m5.4xlarge sampled for the last 5 days only (120 of 336 hours): a note, not judged yet.</li>
 * <li>{@code i-burst} t3.xlarge (burstable): nothing; {@code i-gpu} g5.12xlarge: a note (the GPU rules' work).</li>
 * <li>{@code i-ghost}: samples, no billing rows: a note.</li>
 * </ul>
 */
class InstanceWasteTest {
    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final String HEADER = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
            + "ChargePeriodEnd,ChargeCategory,PricingCategory,ProviderName,ServiceName,ServiceCategory,RegionId,ResourceId,ChargeDescription,Tags\n";

    @TempDir
    Path dir;

    @Test
    void cpuInstances_handTelemetry_rightsizeToTheSizeThatHoldsCpuAndMemoryAndIdleWins() throws Exception {
        StringBuilder b = new StringBuilder(HEADER);
        bill(b, "i-big", "m5.4xlarge", "0.768", "platform");
        bill(b, "i-idle", "c5.2xlarge", "0.34", "search");
        bill(b, "i-tight", "m5.4xlarge", "0.768", "platform");
        bill(b, "i-nomem", "m5.2xlarge", "0.384", "platform");
        bill(b, "i-new", "m5.4xlarge", "0.768", "platform");
        bill(b, "i-burst", "t3.xlarge", "0.1664", "platform");
        bill(b, "i-gpu", "g5.12xlarge", "5.672", "vision");
        Path file = Files.writeString(dir.resolve("bill.csv"), b);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(file));
            DuckInstanceSamples samples = new DuckInstanceSamples(l.db);
            samples.append(hourly("i-big", 14, 20, 30.0));
            samples.append(hourly("i-idle", 14, 1, 12.0));
            samples.append(hourly("i-tight", 14, 20, 40.0));
            samples.append(hourly("i-nomem", 14, 10, null));
            samples.append(hourly("i-new", 5, 10, 10.0));
            samples.append(hourly("i-burst", 14, 5, 10.0));
            samples.append(hourly("i-gpu", 14, 5, 5.0));
            samples.append(hourly("i-ghost", 14, 5, 5.0));
            SavingsEngine.Result r = new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new DuckInferenceUsages(l.db), samples,
                    List::of, PriceCatalog.bundled(), TestLedger.CLOCK, SavingsEngine.Settings.defaults()).compute();
            Map<String, List<Recommendation>> byTarget = r.recommendations().stream().collect(Collectors.groupingBy(Recommendation::target));
            assertThat(byTarget.keySet()).containsExactlyInAnyOrder("instance i-big", "instance i-idle");

            Recommendation big = byTarget.get("instance i-big").get(0);
            assertThat(big.kind()).isEqualTo(Recommendation.Kind.RIGHTSIZE);
            assertThat(big.team()).isEqualTo("platform");
            assertThat(big.monthlySaving().amount()).isEqualByComparingTo("262.656");
            assertThat(big.evidence().numbers()).containsEntry("vcpus_for_cpu", "5").containsEntry("vcpus_for_memory", "7")
                    .containsEntry("to_type", "m5.2xlarge").containsEntry("to_vcpus", "8").containsEntry("p99_cpu_percent_after", "40")
                    .containsEntry("max_memory_percent_after", "60").containsEntry("billed_effective", "245.1456");
            assertThat(big.action()).contains("m5.2xlarge", "i-big");

            Recommendation idle = byTarget.get("instance i-idle").get(0);
            assertThat(byTarget.get("instance i-idle")).hasSize(1);
            assertThat(idle.kind()).isEqualTo(Recommendation.Kind.IDLE);
            assertThat(idle.team()).isEqualTo("search");
            assertThat(idle.monthlySaving().amount()).isEqualByComparingTo("232.56");

            assertThat(r.notes(Recommendation.Kind.RIGHTSIZE)).anySatisfy(n -> assertThat(n).contains("i-tight", "needs 10 of its 16", "no smaller m5"))
                    .anySatisfy(n -> assertThat(n).contains("i-nomem", "memory utilisation unknown"))
                    .anySatisfy(n -> assertThat(n).contains("i-new", "120 of the last 336 hours"))
                    .anySatisfy(n -> assertThat(n).contains("i-ghost", "no compute usage rows"));
            assertThat(r.notes(Recommendation.Kind.STORAGE)).noneMatch(n -> n.contains("i-tight"));
            assertThat(r.notes()).noneMatch(n -> n.contains("i-burst"));
            assertThat(r.notes(Recommendation.Kind.IDLE)).anySatisfy(n -> assertThat(n).contains("i-gpu", "g5.12xlarge", "GPU rules judge its jobs"));
        }
    }

    @Test
    void sizeNames_awsConvention_giveVcpusAndTheTypeIsReadFromTheChargeDescription() {
        assertThat(InstanceWaste.vcpus("m5.large").getAsInt()).isEqualTo(2);
        assertThat(InstanceWaste.vcpus("m5.xlarge").getAsInt()).isEqualTo(4);
        assertThat(InstanceWaste.vcpus("m5.24xlarge").getAsInt()).isEqualTo(96);
        assertThat(InstanceWaste.vcpus("m6g.medium").getAsInt()).isEqualTo(1);
        assertThat(InstanceWaste.vcpus("m5.metal")).isEmpty();
        assertThat(InstanceWaste.vcpus("t3.micro")).isEmpty();
        // the real FOCUS sample's lines (../shared/data/focus/sample-1.0)
        assertThat(InstanceWaste.typeIn("$0.34 per On Demand Linux c5.2xlarge Instance Hour")).isEqualTo("c5.2xlarge");
        assertThat(InstanceWaste.typeIn("$0.0464 per On Demand Linux t2.medium Instance Hour")).isEqualTo("t2.medium");
        assertThat(InstanceWaste.typeIn("$0.023 per GB - first 50 TB / month of storage used")).isNull();
    }

    private static void bill(StringBuilder b, String resource, String type, String hourly, String team) {
        BigDecimal day = new BigDecimal(hourly).multiply(new BigDecimal("0.95")).multiply(BigDecimal.valueOf(24));
        BigDecimal list = new BigDecimal(hourly).multiply(BigDecimal.valueOf(24));
        for (int d = 14; d >= 1; d--) {
            LocalDate date = LocalDate.parse("2026-11-01").minusDays(d);
            LocalDate period = date.withDayOfMonth(1);
            b.append(String.join(",", day.toPlainString(), day.toPlainString(), list.toPlainString(), "USD", "acct-1", period + "T00:00:00Z",
                    period.plusMonths(1) + "T00:00:00Z", date + "T00:00:00Z", date.plusDays(1) + "T00:00:00Z", "Usage", "Standard", "AWS",
                    "Amazon Elastic Compute Cloud", "Compute", "us-east-1", resource, "$" + hourly + " per On Demand Linux " + type + " Instance Hour",
                    "\"{\"\"team\"\": \"\"" + team + "\"\"}\"")).append('\n');
        }
    }

    /** One sample an hour over the last {@code days} days before the end, at constant utilisation. */
    private static List<InstanceSample> hourly(String resource, int days, double cpu, Double memory) {
        List<InstanceSample> out = new ArrayList<>();
        for (Instant t = END.minus(Duration.ofDays(days)); t.isBefore(END); t = t.plus(Duration.ofHours(1))) out.add(new InstanceSample(t, resource, cpu, memory));
        return out;
    }
}

package dev.burnrate.slo;

import dev.burnrate.ingest.inference.InferenceUsageReader;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * SLIs and a latency SLO on a real arrival pattern: 28 minutes of Azure's 2023 LLM code-completion trace (5,100 requests in 23 of the minutes,
 * src/test/resources/slo/NOTICE), rolled up per minute by the importer, served by ep-code, which the bill charges 12.00
 * USD for the hour. The trace records no latency, so each request's latency comes from a stated service-time model
 * (not a measurement): 50 ms + 0.1 ms per context token (prefill) + 30 ms per generated token (decode). The test
 * computes everything it checks a second time from the raw CSV lines, without the importer or the SLO code.
 */
class AzureTraceSloTest {
    @TempDir
    Path dir;

    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSS");

    static double latencyMs(long context, long generated) {
        return 50 + 0.1 * context + 30 * generated;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        return sorted.get((int) Math.ceil(p / 100 * sorted.size()) - 1);
    }

    @Test
    void slis_azureCodeTrace_matchAnIndependentComputationFromTheRawRequests() throws Exception {
        Path trace = TestLedger.fixture("slo/azure-llm-code-30min.csv", dir);
        // independent: per minute, the requests' modelled latencies; totals of requests and tokens
        Map<Instant, List<Double>> latencies = new TreeMap<>();
        long requests = 0;
        long tokens = 0;
        for (String line : Files.readAllLines(trace).subList(1, Files.readAllLines(trace).size())) {
            String[] v = line.split(",");
            Instant minute = LocalDateTime.parse(v[0], TS).withSecond(0).withNano(0).toInstant(ZoneOffset.UTC);
            long context = Long.parseLong(v[1]);
            long generated = Long.parseLong(v[2]);
            latencies.computeIfAbsent(minute, k -> new ArrayList<>()).add(latencyMs(context, generated));
            requests++;
            tokens += context + generated;
        }
        latencies.values().forEach(Collections::sort);
        assertThat(requests).isEqualTo(5100);
        // minutes without a request (5 of the 28) are no interval at all: neither good nor bad
        assertThat(latencies).hasSize(23);
        int minutes = latencies.size();

        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ResourceId
                12.00,12.00,USD,a,2023-11-01T00:00:00Z,2023-12-01T00:00:00Z,2023-11-16T18:00:00Z,2023-11-16T19:00:00Z,Microsoft,ep-code
                """);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            // the importer's per-minute roll-up, with the minute's modelled P50 / P95 / P99 added
            List<InferenceUsage> rows = new ArrayList<>();
            for (InferenceUsage u : InferenceUsageReader.azureTrace(Files.newBufferedReader(trace), "trace", Duration.ofMinutes(1),
                    "code-llm", "completion", null, "ep-code")) {
                List<Double> lat = latencies.get(u.start());
                assertThat(lat).as(u.start().toString()).hasSize((int) u.requests());
                rows.add(new InferenceUsage(u.start(), u.end(), u.model(), "v1", u.feature(), u.customer(), u.endpoint(), u.requests(),
                        u.inputTokens(), u.outputTokens(), percentile(lat, 50), percentile(lat, 95), percentile(lat, 99), 0));
            }
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(rows);

            Instant from = Instant.parse("2023-11-16T18:00:00Z");
            Instant to = Instant.parse("2023-11-16T19:00:00Z");
            Slis.Line sli = new Slis(usages).of(new Slo.Scope("code-llm", null, null), from, to);
            assertThat(sli.requests()).isEqualTo(requests);
            assertThat(sli.inputTokens() + sli.outputTokens()).isEqualTo(tokens);
            assertThat(sli.cost("USD").per1kInferences()).isEqualByComparingTo(new BigDecimal("12000").divide(BigDecimal.valueOf(requests), 6, RoundingMode.HALF_EVEN));
            assertThat(sli.cost("USD").per1MTokens()).isEqualByComparingTo(new BigDecimal("12000000").divide(BigDecimal.valueOf(tokens), 6, RoundingMode.HALF_EVEN));
            double weightedP95 = 0;
            for (List<Double> lat : latencies.values()) weightedP95 += percentile(lat, 95) * lat.size();
            assertThat(sli.latencyP95Ms().doubleValue()).isCloseTo(weightedP95 / requests, within(0.05));

            // an objective at the median minute's P95: about half the minutes are bad
            List<Double> minuteP95 = new ArrayList<>(latencies.values().stream().map(lat -> percentile(lat, 95)).toList());
            Collections.sort(minuteP95);
            double threshold = minuteP95.get(minuteP95.size() / 2);
            long bad = latencies.values().stream().filter(lat -> percentile(lat, 95) > threshold).count();
            Instant last5 = Instant.parse("2023-11-16T18:40:00Z");
            long minutesLast5 = latencies.keySet().stream().filter(m -> !m.isBefore(last5)).count();
            long badLast5 = latencies.entrySet().stream().filter(e -> !e.getKey().isBefore(last5))
                    .filter(e -> percentile(e.getValue(), 95) > threshold).count();
            assertThat(bad).isBetween(1L, minutes - 1L);
            assertThat(minutesLast5).isPositive();
            Slo slo = new Slo("code-p95", new Slo.Scope("code-llm", null, null), Slo.Sli.LATENCY_P95,
                    new Slo.Objective(Slo.Comparison.AT_MOST, BigDecimal.valueOf(threshold), "ms"), new BigDecimal("99"), Duration.ofDays(28), null, List.of());
            SloStatus s = new SloEvaluator(usages, new MutableClock(Instant.parse("2023-11-16T19:00:00Z"))).status(slo);
            assertThat(s.asOf()).isEqualTo(Instant.parse("2023-11-16T18:45:00Z")); // the newest minute's end, not the clock
            assertThat(s.goodPercent()).isCloseTo(100.0 * (minutes - bad) / minutes, within(1e-9));
            assertThat(s.burnRate(Duration.ofHours(1))).isCloseTo((double) bad / minutes / 0.01, within(1e-9));
            assertThat(s.burnRate(Duration.ofMinutes(5))).isCloseTo((double) badLast5 / minutesLast5 / 0.01, within(1e-9));
            assertThat(s.budgetRemainingPercent()).isCloseTo(100 * (1 - (double) bad / minutes / 0.01), within(1e-9));
        }
    }
}

package dev.burnrate.recommend;

import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.slo.Slo;
import dev.burnrate.store.DuckGpuSamples;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.store.DuckJobRuns;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inference recommendations by hand. Everything is served and billed in the 24 hours of 2026-10-31, hour by hour (one
 * charge period per hour, ConsumedUnit Hours); the lookback is the default 14 days to 2026-11-01, so a month is the
 * window × 30 / 14.
 * <pre>
 * endpoint model/variant      per hour: instance rows (pricing, qty, cost)         requests/hour            P95    24 h: cost, requests → per 1k
 * ep-a     scorer/fp32        2 × (Standard, 1, 2.5625)                            10,000 (00-19), 1,000    80     123.00, 204,000 → 0.602941
 * ep-b     scorer/int8        1 × (Standard, 1, 2.00)                              4,000                    75      48.00,  96,000 → 0.5
 * ep-c     scorer/distilled   1 × (Standard, 1, 0.50)                              3,000                    120     12.00,  72,000 → 0.166667
 * ep-d     chat/large         1 × (Standard, 1, 10.00)                             1,000                    600    240.00,  24,000 → 10
 * ep-e     chat/small         1 × (Standard, 1, 1.25)                              1,000 (P99 1,200)        850     30.00,  24,000 → 1.25
 * ep-f     ranker/v1          (Committed, 1, 0.49) + (Standard, 2, 1.82)           3,000 (00-17), 600       50     55.44,  61,200
 * </pre>
 * <ul>
 * <li>scorer: fp32 → int8, the cheapest variant within fp32's own P95 of 80 ms (distilled is cheaper but answers in 120):
 *   in the window 123 − 204,000 × 48 / 96,000 = 123 − 102 = 21, a month 21 × 30 / 14 = 45 (= 204,000 × 30/14 requests ×
 *   (0.602941… − 0.5) / 1000). ep-a's four quiet hours (1,000 requests on 2 instances) would consolidate, but its traffic
 *   moves: it is not consolidated, nor is ep-b.</li>
 * <li>chat: small's P95 of 850 is above large's 600, but within the 900 ms of the model's latency SLO: large → small,
 *   240 − 24,000 × 30 / 24,000 = 210 in the window, 450 a month. Without the SLO, nothing; with a P99 SLO of 1,000 ms
 *   beside it, nothing either (small's P99 is 1,200).</li>
 * <li>ranker's ep-f: requests per instance-hour 1,000 in 18 hours and 200 in 6; the P95 (23rd of 24) is 1,000. The six
 *   quiet hours use 600 / (3 × 1,000) = 20% &lt; 50%: ceil(600 / (1,000 × 0.7)) = 1 instance-hour kept, 2 removed, the
 *   cheapest first: the committed one (0.49) and one of the two on demand (0.91), 1.40 an hour, 8.40 in the window, 18 a
 *   month (of which on demand 0.91 × 6 × 30 / 14 = 11.7), against its spend of 55.44 × 30 / 14 = 118.8.</li>
 * </ul>
 */
class InferenceSavingsTest {
    static final Instant DAY = Instant.parse("2026-10-31T00:00:00Z");

    @TempDir
    Path dir;

    private static final String HEADER = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
            + "ChargePeriodEnd,ChargeCategory,PricingCategory,ProviderName,ServiceName,ServiceCategory,RegionId,ResourceId,ConsumedQuantity,ConsumedUnit,Tags\n";

    /** An hour of an endpoint's instances on AWS EC2 in us-east-1, tagged with its team. */
    static String hour(Instant start, String endpoint, String pricing, String qty, String cost, String team) {
        return String.join(",", cost, cost, cost, "USD", "acct-1", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", start.toString(), start.plusSeconds(3600).toString(),
                "Usage", pricing, "AWS", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", endpoint, qty, "Hours",
                "\"{\"\"team\"\": \"\"" + team + "\"\"}\"") + "\n";
    }

    static InferenceUsage served(Instant hour, String model, String variant, String endpoint, long requests, double p95, Double p99) {
        return new InferenceUsage(hour, hour.plusSeconds(3600), model, variant, "f", "acme", endpoint, requests, requests * 100, requests * 10, p95 / 2, p95, p99, 0);
    }

    private SavingsEngine.Result compute(TestLedger l, List<Slo> slos) {
        return new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), () -> slos, PriceCatalog.bundled(),
                TestLedger.CLOCK, SavingsEngine.Settings.defaults()).compute();
    }

    private static Slo slo(String id, Slo.Sli sli, String ms) {
        return new Slo(id, new Slo.Scope("chat", null, null), sli, new Slo.Objective(Slo.Comparison.AT_MOST, new BigDecimal(ms), "ms"), new BigDecimal("99"), Duration.ofDays(28),
                "assistant", List.of());
    }

    @Test
    void cheaperVariantsAndQuietEndpoints_handTable_savingsByTheRuleAndNoEndpointCountedTwice() throws Exception {
        StringBuilder b = new StringBuilder(HEADER);
        List<InferenceUsage> usage = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            Instant t = DAY.plusSeconds(3600L * h);
            b.append(hour(t, "ep-a", "Standard", "1", "2.5625", "search")).append(hour(t, "ep-a", "Standard", "1", "2.5625", "search"));
            b.append(hour(t, "ep-b", "Standard", "1", "2.00", "search"));
            b.append(hour(t, "ep-c", "Standard", "1", "0.50", "search"));
            b.append(hour(t, "ep-d", "Standard", "1", "10.00", "assistant"));
            b.append(hour(t, "ep-e", "Standard", "1", "1.25", "assistant"));
            b.append(hour(t, "ep-f", "Committed", "1", "0.49", "ranking")).append(hour(t, "ep-f", "Standard", "2", "1.82", "ranking"));
            usage.add(served(t, "scorer", "fp32", "ep-a", h < 20 ? 10_000 : 1_000, 80, null));
            usage.add(served(t, "scorer", "int8", "ep-b", 4_000, 75, null));
            usage.add(served(t, "scorer", "distilled", "ep-c", 3_000, 120, null));
            usage.add(served(t, "chat", "large", "ep-d", 1_000, 600, 700.0));
            usage.add(served(t, "chat", "small", "ep-e", 1_000, 850, 1200.0));
            usage.add(served(t, "ranker", "v1", "ep-f", h < 18 ? 3_000 : 600, 50, null));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            new DuckInferenceUsages(l.db).upsert(usage);

            SavingsEngine.Result r = compute(l, List.of(slo("chat-p95", Slo.Sli.LATENCY_P95, "900")));
            Map<String, Recommendation> byTarget = r.recommendations().stream().collect(Collectors.toMap(Recommendation::target, Function.identity()));
            assertThat(byTarget.keySet()).containsExactlyInAnyOrder("model scorer: variant fp32 → int8", "model chat: variant large → small", "endpoint ep-f");
            assertThat(r.recommendations()).allSatisfy(x -> assertThat(x.kind()).isEqualTo(Recommendation.Kind.INFERENCE))
                    .extracting(x -> x.monthlySaving().amount().stripTrailingZeros().toPlainString()).containsExactly("450", "45", "18"); // largest first

            Recommendation scorer = byTarget.get("model scorer: variant fp32 → int8");
            assertThat(scorer.monthlySaving().amount()).isEqualByComparingTo("45");
            assertThat(scorer.monthlySaving().currency()).isEqualTo("USD");
            assertThat(scorer.team()).isEqualTo("search");
            assertThat(scorer.evidence().from()).isEqualTo(Instant.parse("2026-10-18T00:00:00Z"));
            assertThat(scorer.evidence().numbers()).containsEntry("from_cost", "123").containsEntry("from_requests", "204000")
                    .containsEntry("from_cost_per_1k", "0.602941").containsEntry("to_cost_per_1k", "0.5").containsEntry("from_p95_ms", "80")
                    .containsEntry("to_p95_ms", "75").containsEntry("p95_bound_from", "variant fp32's own P95").containsEntry("saving_in_window", "21")
                    .containsEntry("from_endpoints", "ep-a").containsEntry("to_endpoints", "ep-b");
            assertThat(scorer.action()).contains("from variant fp32 (ep-a) to int8 (ep-b)");

            Recommendation chat = byTarget.get("model chat: variant large → small");
            assertThat(chat.monthlySaving().amount()).isEqualByComparingTo("450");
            assertThat(chat.team()).isEqualTo("assistant");
            assertThat(chat.evidence().numbers()).containsEntry("p95_bound_ms", "900").containsEntry("p95_bound_from", "SLO chat-p95")
                    .containsEntry("to_p95_ms", "850");

            Recommendation ranker = byTarget.get("endpoint ep-f");
            assertThat(ranker.monthlySaving().amount()).isEqualByComparingTo("18");
            assertThat(ranker.team()).isEqualTo("ranking");
            assertThat(ranker.evidence().numbers()).containsEntry("charge_periods", "24").containsEntry("capacity_requests_per_instance_hour", "1000")
                    .containsEntry("low_periods", "6").containsEntry("instance_hours", "72").containsEntry("instance_hours_removed", "12")
                    .containsEntry("billed_effective", "55.44").containsEntry("saving_in_window", "8.4").containsEntry("on_demand_saving_in_window", "5.46");
            assertThat(ranker.action()).contains("a target of 700 an hour");
            // below the spend each comes from: the variant's own spend, the endpoint's
            assertThat(scorer.monthlySaving().amount()).isLessThan(new BigDecimal("123").multiply(BigDecimal.valueOf(30)).divide(BigDecimal.valueOf(14), 10,
                    java.math.RoundingMode.HALF_EVEN));
            assertThat(ranker.monthlySaving().amount()).isLessThan(new BigDecimal("118.8"));

            // no SLO: small answers slower than large, so chat keeps its variant
            assertThat(compute(l, List.of()).recommendations()).extracting(Recommendation::target).doesNotContain("model chat: variant large → small")
                    .contains("model scorer: variant fp32 → int8");
            // a P99 objective beside it that small misses (1,200 > 1,000): nothing either
            assertThat(compute(l, List.of(slo("chat-p95", Slo.Sli.LATENCY_P95, "900"), slo("chat-p99", Slo.Sli.LATENCY_P99, "1000"))).recommendations())
                    .extracting(Recommendation::target).doesNotContain("model chat: variant large → small");
        }
    }

    /**
     * Purchases leave out what consolidation saves on demand: steady on-demand EC2 in us-east-1 is ep-f's own Standard
     * rows, 1.82 an hour, 43.68 a day (list 43.68), every day of the 30 (its rows above are on 2026-10-31 only, so here
     * the 29 days before carry one daily row each). The catalog's 1-year rate in us-east-1 is 0.6 of on demand. Without
     * inference: the floor 43.68 → commitment 26.208 a day, saving 17.472 a day. Consolidation saves 11.7 a month on
     * demand there, 0.39 a day: floor 43.29 (list 43.29), commitment 25.974, saving 17.316 a day, 519.48 a month.
     */
    @Test
    void commitmentPurchase_besideAConsolidatedEndpoint_leavesOutWhatConsolidationSavesOnDemand() throws Exception {
        StringBuilder b = new StringBuilder(HEADER);
        List<InferenceUsage> usage = new ArrayList<>();
        for (int d = 30; d >= 2; d--) {
            Instant day = DAY.plus(Duration.ofDays(1)).minus(Duration.ofDays(d));
            b.append(String.join(",", "43.68", "43.68", "43.68", "USD", "acct-1", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", day.toString(),
                    day.plus(Duration.ofDays(1)).toString(), "Usage", "Standard", "AWS", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", "vm-steady", "24",
                    "Hours", "")).append('\n');
        }
        for (int h = 0; h < 24; h++) {
            Instant t = DAY.plusSeconds(3600L * h);
            b.append(hour(t, "ep-f", "Committed", "1", "0.49", "ranking")).append(hour(t, "ep-f", "Standard", "2", "1.82", "ranking"));
            usage.add(served(t, "ranker", "v1", "ep-f", h < 18 ? 3_000 : 600, 50, null));
        }
        Path bill = Files.writeString(dir.resolve("bill.csv"), b);
        PriceCatalog catalog = PriceCatalog.bundled().withOverrides(List.of(new dev.burnrate.pricing.InstancePrice("AWS", "m5.large", "us-east-1", null, 0,
                new BigDecimal("1.00"), null, new BigDecimal("0.60"), null, "test", "2026-11-01")));
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            new DuckInferenceUsages(l.db).upsert(usage);
            SavingsEngine.Result r = new SavingsEngine(l.costs, new DuckJobRuns(l.db), new DuckGpuSamples(l.db), new DuckInferenceUsages(l.db), new dev.burnrate.store.DuckInstanceSamples(l.db), List::of, catalog,
                    TestLedger.CLOCK, SavingsEngine.Settings.defaults()).compute();
            assertThat(r.recommendations()).extracting(x -> x.kind() + " " + x.monthlySaving().amount().stripTrailingZeros().toPlainString())
                    .containsExactly("COMMITMENT 519.48", "INFERENCE 18");
            assertThat(r.recommendations().get(0).evidence().numbers()).containsEntry("already_saved_per_day", "0.39")
                    .containsEntry("floor_effective_per_day", "43.68");
        }
    }
}

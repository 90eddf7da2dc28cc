package dev.burnrate.slo;

import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One endpoint, ep-a, billed 10.00 USD and 1.00 EUR for 10:00-11:00, serving model m: variant v1 in two half-hours
 * (1,000 requests / 400k tokens / 5 errors, P95 200 ms; 3,000 / 600k / 15, P95 300 ms) and variant v2 for the hour
 * (1,000 / 1M tokens / 50 errors, P95 500 ms, no P50 or P99). By hand: the 2M tokens split the bill in halves, so v1
 * pays 5.00 USD for 4,000 requests = 1.250000 per 1k and 5.000000 per 1M tokens; its P95 is (200×1000 + 300×3000) / 4000
 * = 275.0 ms and its error rate 20 / 4000 = 0.5%. Model m as a whole: 10.00 / 5,000 = 2.000000 USD per 1k, P95
 * (200k + 900k + 500k) / 5000 = 320.0 ms, P50 only from v1's rows (100×1000 + 120×3000) / 4000 = 115.0 ms, errors 70 / 5000 = 1.4%.
 */
class SlisTest {
    @TempDir
    Path dir;

    static final Instant T10 = Instant.parse("2026-10-20T10:00:00Z");

    static InferenceUsage usage(Instant start, int minutes, String model, String variant, String feature, String endpoint, long requests,
                                long in, long out, Double p50, Double p95, Double p99, long errors) {
        return new InferenceUsage(start, start.plusSeconds(60L * minutes), model, variant, feature, "acme", endpoint, requests, in, out, p50, p95, p99, errors);
    }

    @Test
    void slis_oneEndpointTwoVariants_latencyWeightedByRequestsCostSplitByTokensPerCurrency() throws Exception {
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ResourceId
                10.00,10.00,USD,a,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T10:00:00Z,2026-10-20T11:00:00Z,Microsoft,ep-a
                1.00,1.00,EUR,b,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T10:00:00Z,2026-10-20T11:00:00Z,Microsoft,ep-a
                7.00,7.00,USD,a,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T10:00:00Z,2026-10-20T11:00:00Z,Microsoft,other-vm
                """);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(List.of(
                    usage(T10, 30, "m", "v1", "chat", "ep-a", 1000, 300_000, 100_000, 100.0, 200.0, 400.0, 5),
                    usage(T10.plusSeconds(1800), 30, "m", "v1", "chat", "ep-a", 3000, 500_000, 100_000, 120.0, 300.0, 600.0, 15),
                    usage(T10, 60, "m", "v2", "chat", "ep-a", 1000, 800_000, 200_000, null, 500.0, null, 50)));
            Slis slis = new Slis(usages);
            Instant from = T10.minusSeconds(3600);
            Instant to = T10.plusSeconds(7200);

            List<Slis.Line> lines = slis.byModelVariantFeature(from, to);
            assertThat(lines).extracting(Slis.Line::variant).containsExactly("v1", "v2");
            Slis.Line v1 = lines.get(0);
            assertThat(v1.requests()).isEqualTo(4000);
            assertThat(v1.errorRatePercent()).isEqualByComparingTo("0.5");
            assertThat(v1.latencyP50Ms()).isEqualByComparingTo("115.0");
            assertThat(v1.latencyP95Ms()).isEqualByComparingTo("275.0");
            assertThat(v1.latencyP99Ms()).isEqualByComparingTo("550.0");
            assertThat(v1.cost("USD").cost()).isEqualByComparingTo("5.00");
            assertThat(v1.cost("USD").per1kInferences()).isEqualByComparingTo("1.250000");
            assertThat(v1.cost("USD").per1MTokens()).isEqualByComparingTo("5.000000");
            assertThat(v1.cost("EUR").per1kInferences()).isEqualByComparingTo("0.125000");
            Slis.Line v2 = lines.get(1);
            assertThat(v2.latencyP50Ms()).isNull();
            assertThat(v2.latencyP95Ms()).isEqualByComparingTo("500.0");
            assertThat(v2.errorRatePercent()).isEqualByComparingTo("5");
            assertThat(v2.cost("USD").per1kInferences()).isEqualByComparingTo("5.000000");
            // the parts add up to the endpoint's bill, per currency, never across them
            assertThat(v1.cost("USD").cost().add(v2.cost("USD").cost())).isEqualByComparingTo("10.00");
            assertThat(v1.cost("EUR").cost().add(v2.cost("EUR").cost())).isEqualByComparingTo("1.00");

            Slis.Line model = slis.of(new Slo.Scope("m", null, null), from, to);
            assertThat(model.requests()).isEqualTo(5000);
            assertThat(model.errorRatePercent()).isEqualByComparingTo("1.4");
            assertThat(model.latencyP95Ms()).isEqualByComparingTo("320.0");
            assertThat(model.latencyP50Ms()).isEqualByComparingTo("115.0");
            assertThat(model.cost("USD").per1kInferences()).isEqualByComparingTo("2.000000");
            assertThat(model.costs()).extracting(Slis.Cost::currency).containsExactly("EUR", "USD");

            Slis.Line variant = slis.of(new Slo.Scope("m", "v2", "chat"), from, to);
            assertThat(variant.requests()).isEqualTo(1000);
            assertThat(variant.cost("USD").cost()).isEqualByComparingTo("5.00");

            Slis.Line none = slis.of(new Slo.Scope("unknown", null, null), from, to);
            assertThat(none.requests()).isZero();
            assertThat(none.errorRatePercent()).isNull();
            assertThat(none.costs()).isEmpty();
        }
    }

    /**
     * Model m's hours over [10:00, 14:00), by hand:
     * <pre>
     * hour   rows (start, minutes, requests, p50/p95/p99, errors)                    requests errors  err %  P50    P95    P99
     * 10:00  v1 10:00 30' 1000 100/200/400 5; v1 10:30 30' 3000 120/300/600 15;          5000     70    1.4  115.0  320.0  550.0
     *        v2 10:00 60' 1000 -/500/- 50
     * 11:00  nothing: left out, not zero
     * 12:00  v1 12:05 5' 0 requests (P95 999: weighs nothing); v1 12:55 5' 200 90/250/700   200      0    0    90.0  250.0  700.0
     * 13:00  v2 13:00 5' 100 -/410.5/- 1                                                  100      1    1.0     –   410.5     –
     * </pre>
     * Left out too: model n at 10:00, m's row starting 09:30 (before from) and at 14:00 (the end, exclusive).
     */
    @Test
    void hourly_modelOverFourHours_oneWeightedPointPerHourWithUsage_gapsLeftOut() throws Exception {
        try (TestLedger l = new TestLedger(dir)) {
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(List.of(
                    usage(T10, 30, "m", "v1", "chat", "ep-a", 1000, 0, 0, 100.0, 200.0, 400.0, 5),
                    usage(T10.plusSeconds(1800), 30, "m", "v1", "chat", "ep-a", 3000, 0, 0, 120.0, 300.0, 600.0, 15),
                    usage(T10, 60, "m", "v2", "chat", "ep-a", 1000, 0, 0, null, 500.0, null, 50),
                    usage(T10.plusSeconds(2 * 3600 + 300), 5, "m", "v1", "chat", "ep-a", 0, 0, 0, 999.0, 999.0, 999.0, 0),
                    usage(T10.plusSeconds(2 * 3600 + 55 * 60), 5, "m", "v1", "chat", "ep-a", 200, 0, 0, 90.0, 250.0, 700.0, 0),
                    usage(T10.plusSeconds(3 * 3600), 5, "m", "v2", "chat", "ep-a", 100, 0, 0, null, 410.5, null, 1),
                    usage(T10, 60, "n", "v1", "chat", "ep-a", 7000, 0, 0, 1.0, 1.0, 1.0, 7),
                    usage(T10.minusSeconds(1800), 30, "m", "v1", "chat", "ep-a", 9000, 0, 0, 1.0, 1.0, 1.0, 9),
                    usage(T10.plusSeconds(4 * 3600), 60, "m", "v1", "chat", "ep-a", 9000, 0, 0, 1.0, 1.0, 1.0, 9)));
            List<Slis.Point> points = new Slis(usages).hourly("m", T10, T10.plusSeconds(4 * 3600));
            assertThat(points).extracting(p -> p.hour() + " " + p.requests() + " " + p.errors() + " " + plain(p.errorRatePercent()) + " "
                    + plain(p.latencyP50Ms()) + " " + plain(p.latencyP95Ms()) + " " + plain(p.latencyP99Ms())).containsExactly(
                    "2026-10-20T10:00:00Z 5000 70 1.4 115 320 550",
                    "2026-10-20T12:00:00Z 200 0 0 90 250 700",
                    "2026-10-20T13:00:00Z 100 1 1 - 410.5 -");
            assertThat(new Slis(usages).hourly("nobody", T10, T10.plusSeconds(4 * 3600))).isEmpty();
        }
    }

    /**
     * A variant across its features: v1 serves chat (1,000 requests, 100k tokens, P95 200 ms) and search (3,000, 300k,
     * P95 400) on ep-a, v2 serves chat (1,000, 600k, P95 100) on ep-a; ep-a is billed 20.00 USD. By tokens, v1 pays
     * 20 × 400k / 1M = 8.00 for 4,000 requests (2.000000 per 1k) at P95 (200×1000 + 400×3000) / 4000 = 350.0 ms; v2 pays
     * 12.00 for 1,000 (12.000000 per 1k).
     */
    @Test
    void byModelVariant_featuresTogether_oneLinePerVariantWithItsCostAndLatency() throws Exception {
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ResourceId
                20.00,20.00,USD,a,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T10:00:00Z,2026-10-20T11:00:00Z,AWS,ep-a
                """);
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(List.of(
                    usage(T10, 60, "m", "v1", "chat", "ep-a", 1000, 90_000, 10_000, null, 200.0, null, 0),
                    usage(T10, 60, "m", "v1", "search", "ep-a", 3000, 250_000, 50_000, null, 400.0, null, 0),
                    usage(T10, 60, "m", "v2", "chat", "ep-a", 1000, 500_000, 100_000, null, 100.0, null, 0)));
            List<Slis.Line> lines = new Slis(usages).byModelVariant(T10, T10.plusSeconds(3600));
            assertThat(lines).extracting(x -> x.model() + " " + x.variant() + " " + x.feature() + " " + x.requests() + " " + plain(x.latencyP95Ms()) + " "
                    + plain(x.cost("USD").cost()) + " " + plain(x.cost("USD").per1kInferences()))
                    .containsExactly("m v1 null 4000 350 8 2", "m v2 null 1000 100 12 12");
        }
    }

    static String plain(java.math.BigDecimal v) {
        return v == null ? "-" : v.stripTrailingZeros().toPlainString();
    }
}

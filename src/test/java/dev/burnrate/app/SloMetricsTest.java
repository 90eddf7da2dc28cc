package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.PrometheusServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A real Prometheus scrapes Burnrate's /metrics: SLO burn rates, budget left, firing rules and cost per 1k per model,
 * from the loop's last evaluation. At 12:00 the assistant (P95 900 ms since 11:40, see SloServeTest) burns 33.33x
 * over 1h; ep-assistant is billed 12.00 USD for 11:00-12:00 and 60 more one-request models (10 tokens each) share it:
 * the assistant's part by tokens over its 28,800 requests of the last 24 h is 0.416652 USD per 1k. Only 50 models are
 * named, the rest are {@code __other__}. Search spent 100.00 a day the week before and 35.00 so far today against a
 * 3,000 monthly budget: 100 a day, 2,265 left, 24.5% spent.
 */
class SloMetricsTest {
    @TempDir
    Path dir;

    @Test
    void metrics_scrapedByPrometheus_carrySloBurnRatesAndCostPer1kWithBoundedModels() throws Exception {
        Path config = Files.writeString(dir.resolve("burnrate.yaml"), SloServeTest.CONFIG + """
                budgets:
                  - {id: search-monthly, scope: {team: search}, period: monthly, amount: 3000, currency: USD}
                """);
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ResourceId
                12.00,12.00,USD,a,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T11:00:00Z,2026-10-20T12:00:00Z,Microsoft,ep-assistant
                """);
        MutableClock clock = new MutableClock(Instant.parse("2026-10-20T12:00:00Z"));
        try (Wiring w = Wiring.open(dir.resolve("l.duckdb"), config, clock)) {
            w.importer().importFiles(List.of(bill));
            // search spends 100.00 a day in the week before; 35.00 of today so far does not count in a rate of whole days
            w.importer().importFiles(List.of(new dev.burnrate.testing.DailyBill().daily(java.time.LocalDate.of(2026, 10, 13), java.time.LocalDate.of(2026, 10, 20),
                    "search", "100.00").add(java.time.LocalDate.of(2026, 10, 20), "search", "35.00").write(dir.resolve("search.csv"))));
            List<InferenceUsage> usage = new ArrayList<>(SloServeTest.usage());
            Instant t11 = Instant.parse("2026-10-20T11:00:00Z");
            for (int i = 0; i < 60; i++) {
                usage.add(new InferenceUsage(t11, t11.plusSeconds(300), "tiny-%02d".formatted(i), null, null, null, "ep-assistant", 1, 5, 5, null, null, null, 0));
            }
            w.inference().upsert(usage);
            w.loop(l -> { }).tick();
            int port = w.api().start("127.0.0.1", 0);
            try (PrometheusServer prometheus = new PrometheusServer(dir, "127.0.0.1:" + port)) {
                PrometheusServer.await(() -> !result(prometheus, "burnrate_slo_burn_rate").isEmpty(), Duration.ofSeconds(30), "a scrape of Burnrate");
                assertThat(value(prometheus, "burnrate_slo_burn_rate{slo=\"assistant-p95\",window=\"1h\"}")).isCloseTo(100.0 / 3, within(1e-9));
                assertThat(value(prometheus, "burnrate_slo_burn_rate{slo=\"assistant-p95\",window=\"5m\"}")).isCloseTo(100.0, within(1e-9));
                assertThat(value(prometheus, "burnrate_slo_alert_firing{slo=\"assistant-p95\",rule=\"page-1h-5m\"}")).isEqualTo(1.0);
                assertThat(value(prometheus, "burnrate_slo_alert_firing{slo=\"assistant-p95\",rule=\"ticket-3d-6h\"}")).isEqualTo(0.0);
                // what the SLO measures and which side of its threshold is good, joinable on slo
                assertThat(value(prometheus, "burnrate_slo_info{slo=\"assistant-p95\",sli=\"latency_p95\",scope=\"model=assistant-llm\",objective=\"<= 300 ms\","
                        + "target=\"99\",window=\"28d\"}")).isEqualTo(1.0);
                assertThat(value(prometheus, "burnrate_slo_burn_rate{window=\"1h\"} * on(slo) group_left(objective) burnrate_slo_info")).isCloseTo(100.0 / 3, within(1e-9));
                // 4 bad of the 1,296 intervals since the data began: 1 − (4/1296)/0.01 of the budget left
                assertThat(value(prometheus, "burnrate_slo_error_budget_remaining_ratio")).isCloseTo(1 - (4.0 / 1296) / 0.01, within(1e-9));
                // the assistant's share by tokens: 12.00 × 17,280,000 / (17,280,000 + 600), per 1k of its 28,800 requests
                java.math.BigDecimal share = new java.math.BigDecimal("12.00").multiply(java.math.BigDecimal.valueOf(17_280_000))
                        .divide(java.math.BigDecimal.valueOf(17_280_600), 18, java.math.RoundingMode.HALF_EVEN);
                double per1k = share.multiply(java.math.BigDecimal.valueOf(1000)).divide(java.math.BigDecimal.valueOf(28_800), 6, java.math.RoundingMode.HALF_EVEN)
                        .doubleValue();
                assertThat(per1k).isCloseTo(0.416652, within(1e-9));
                assertThat(value(prometheus, "burnrate_inference_cost_per_1k{model=\"assistant-llm\",currency=\"USD\"}")).isEqualTo(per1k);
                assertThat(value(prometheus, "count(count by (model) (burnrate_inference_cost_per_1k))")).isEqualTo(51.0);
                assertThat(result(prometheus, "burnrate_inference_cost_per_1k{model=\"__other__\"}")).hasSize(1);
                // the cost KPIs an autoscaler or a Grafana board reads: a team's spend rate and its budget's remainder
                assertThat(value(prometheus, "burnrate_team_spend_rate_per_day{team=\"search\",currency=\"USD\"}")).isEqualTo(100.0);
                assertThat(value(prometheus, "burnrate_budget_remaining{budget=\"search-monthly\",team=\"search\",currency=\"USD\"}")).isEqualTo(2265.0);
                assertThat(value(prometheus, "burnrate_budget_burn_rate_per_day{budget=\"search-monthly\"}")).isEqualTo(100.0);
                assertThat(value(prometheus, "burnrate_budget_spent_ratio{budget=\"search-monthly\"}")).isCloseTo(735.0 / 3000, within(1e-9));
            } finally {
                w.api().stop();
            }
        }
    }

    private static JsonNode result(PrometheusServer p, String query) {
        try {
            JsonNode r = new ObjectMapper().readTree(p.get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
            return r.path("data").path("result");
        } catch (Exception e) {
            return new ObjectMapper().createArrayNode();
        }
    }

    private static double value(PrometheusServer p, String query) {
        JsonNode r = result(p, query);
        assertThat(r).as(query).hasSize(1);
        return Double.parseDouble(r.get(0).get("value").get(1).asText());
    }
}

package dev.burnrate.slo;

import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.testing.MutableClock;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Burn rates and the SRE workbook's multi-window rules against tables computed by hand, on a virtual clock. */
class SloEvaluatorTest {
    @TempDir
    Path dir;

    static final Instant DATA_START = Instant.parse("2026-10-16T00:00:00Z");
    static final Instant REGRESSION = Instant.parse("2026-10-20T11:40:00Z");
    static final Instant RECOVERY = Instant.parse("2026-10-20T13:00:00Z");

    static Slo latencySlo() {
        return new Slo("assistant-p95", new Slo.Scope("assistant-llm", null, null), Slo.Sli.LATENCY_P95, new Slo.Objective(new BigDecimal("300"), "ms"),
                new BigDecimal("99"), Duration.ofDays(28), "llm-platform", List.of());
    }

    /** 5-minute intervals from DATA_START to {@code until}: P95 200 ms, except 900 ms from REGRESSION to RECOVERY. */
    static List<InferenceUsage> fiveMinuteUsage(Instant until) {
        List<InferenceUsage> out = new ArrayList<>();
        for (Instant t = DATA_START; t.isBefore(until); t = t.plusSeconds(300)) {
            boolean bad = !t.isBefore(REGRESSION) && t.isBefore(RECOVERY);
            out.add(new InferenceUsage(t, t.plusSeconds(300), "assistant-llm", "v2", "chat", "acme", "ep-assistant", 100, 50_000, 10_000,
                    150.0, bad ? 900.0 : 200.0, bad ? 1500.0 : 350.0, 0));
        }
        // another model on the same endpoint, always slow: outside the scope, it changes nothing
        out.add(new InferenceUsage(REGRESSION.minusSeconds(3600), REGRESSION, "ranker", null, null, null, "ep-assistant", 100, 0, 0, 5000.0, 5000.0, 5000.0, 0));
        return out;
    }

    /**
     * Budget 1% (target 99%). With n bad 5-minute intervals at the end, a window of k intervals burns (n/k)/0.01:
     * <pre>
     * now    n   5m     30m     1h      6h      3d       rules firing
     * 11:45  1   100    16.667  8.333   1.389   0.1157   none (1h under 14.4)
     * 12:00  4   100    66.667  33.333  5.556   0.4630   page-1h-5m
     * 12:10  6   100    100     50      8.333   0.6944   page-1h-5m, page-6h-30m
     * 12:55  15  100    100     100     20.833  1.7361   page-1h-5m, page-6h-30m, ticket-3d-6h
     * 13:30  16  0      0       50      22.222  1.8519   ticket-3d-6h (the short windows are clean: pages stop)
     * </pre>
     */
    @Test
    void status_latencyRegression_burnRatesAndRulesFollowTheHandTable() throws Exception {
        Object[][] table = {
                {"2026-10-20T11:45:00Z", 100.0, 16.6667, 8.3333, 1.3889, 0.11574, List.of()},
                {"2026-10-20T12:00:00Z", 100.0, 66.6667, 33.3333, 5.5556, 0.46296, List.of(SloEvaluator.Rule.PAGE_1H_5M)},
                {"2026-10-20T12:10:00Z", 100.0, 100.0, 50.0, 8.3333, 0.69444, List.of(SloEvaluator.Rule.PAGE_1H_5M, SloEvaluator.Rule.PAGE_6H_30M)},
                {"2026-10-20T12:55:00Z", 100.0, 100.0, 100.0, 20.8333, 1.73611,
                        List.of(SloEvaluator.Rule.PAGE_1H_5M, SloEvaluator.Rule.PAGE_6H_30M, SloEvaluator.Rule.TICKET_3D_6H)},
                {"2026-10-20T13:30:00Z", 0.0, 0.0, 50.0, 22.2222, 1.85185, List.of(SloEvaluator.Rule.TICKET_3D_6H)},
        };
        try (TestLedger l = new TestLedger(dir)) {
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(fiveMinuteUsage(Instant.parse("2026-10-20T13:30:00Z")));
            MutableClock clock = new MutableClock(DATA_START);
            SloEvaluator e = new SloEvaluator(usages, clock);
            for (Object[] row : table) {
                clock.set(Instant.parse((String) row[0]));
                SloStatus s = e.status(latencySlo());
                assertThat(s.asOf()).isEqualTo(clock.instant());
                List<Double> expected = List.of((Double) row[1], (Double) row[2], (Double) row[3], (Double) row[4], (Double) row[5]);
                for (int i = 0; i < SloEvaluator.WINDOWS.size(); i++) {
                    assertThat(s.burnRate(SloEvaluator.WINDOWS.get(i))).as(row[0] + " " + SloEvaluator.WINDOWS.get(i)).isCloseTo(expected.get(i), within(1e-3));
                }
                assertThat(s.rules().stream().filter(SloStatus.RuleState::firing).map(SloStatus.RuleState::rule).toList()).as((String) row[0])
                        .isEqualTo(row[6]);
            }
            // at 12:00, 4 bad of the 1296 intervals since the data began (4.5 days; the 28-day window holds only those)
            clock.set(Instant.parse("2026-10-20T12:00:00Z"));
            SloStatus s = e.status(latencySlo());
            assertThat(s.goodPercent()).isCloseTo(100.0 * 1292 / 1296, within(1e-9));
            assertThat(s.budgetRemainingPercent()).isCloseTo(100 * (1 - (4.0 / 1296) / 0.01), within(1e-9));
            assertThat(s.state()).isEqualTo("page");
            // the last hour's P95, weighted by requests: 8 intervals of 200 ms and 4 of 900 ms
            assertThat(s.sliLastHour()).isEqualByComparingTo("433.3");
            assertThat(s.rules().get(0).longBurn()).isCloseTo(33.3333, within(1e-3));
        }
    }

    /**
     * Event-based: error rate ≤ 0.5% (target 99.5%, budget 0.005). Hourly rows of 1,000 requests with 1 error, the last
     * with 100. Each window of the last hour sees that hour's 10%: burn 20 over 5m, 30m and 1h; 6h: (5 + 100) / 6,000 / 0.005
     * = 3.5; 3d (72 hours): (71 + 100) / 72,000 / 0.005 = 0.475. Only the fast page fires. At 12:30 the newest hour still
     * ends at 12:00, so the SLO is evaluated as of 12:00 and reads the same.
     */
    @Test
    void status_errorRateOnHourlyRows_windowsProrateTheHourAndEvaluateAsOfTheNewestData() throws Exception {
        Instant end = Instant.parse("2026-10-20T12:00:00Z");
        List<InferenceUsage> rows = new ArrayList<>();
        for (int h = 72; h >= 1; h--) {
            Instant t = end.minusSeconds(3600L * h);
            rows.add(new InferenceUsage(t, t.plusSeconds(3600), "fraud-detector", null, "scoring", null, "ep-fraud", 1000, 0, 0, null, null, null,
                    h == 1 ? 100 : 1));
        }
        Slo slo = new Slo("fraud-errors", new Slo.Scope("fraud-detector", null, null), Slo.Sli.ERROR_RATE, new Slo.Objective(new BigDecimal("0.5"), "%"),
                new BigDecimal("99.5"), Duration.ofDays(28), null, List.of());
        try (TestLedger l = new TestLedger(dir)) {
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(rows);
            for (String now : List.of("2026-10-20T12:00:00Z", "2026-10-20T12:30:00Z")) {
                SloStatus s = new SloEvaluator(usages, new MutableClock(Instant.parse(now))).status(slo);
                assertThat(s.asOf()).isEqualTo(end);
                assertThat(s.burnRate(Duration.ofMinutes(5))).isCloseTo(20.0, within(1e-9));
                assertThat(s.burnRate(Duration.ofMinutes(30))).isCloseTo(20.0, within(1e-9));
                assertThat(s.burnRate(Duration.ofHours(1))).isCloseTo(20.0, within(1e-9));
                assertThat(s.burnRate(Duration.ofHours(6))).isCloseTo(3.5, within(1e-9));
                assertThat(s.burnRate(Duration.ofDays(3))).isCloseTo(0.475, within(1e-9));
                assertThat(s.rules()).extracting(SloStatus.RuleState::firing).containsExactly(true, false, false);
                assertThat(s.sli()).isEqualByComparingTo("0.2375"); // 171 / 72,000
                assertThat(s.budgetRemainingPercent()).isCloseTo(52.5, within(1e-9));
            }
            // a 90-minute window takes half of the 11th-from-last hour: (0.5 + 100) / 1,500 / 0.005
            assertThat(SloEvaluator.badRatio(new SloEvaluator(usages, new MutableClock(end)).observations(slo, usages.between(end.minusSeconds(86400), end),
                    end.minusSeconds(86400), end), end.minusSeconds(5400), end) / 0.005).isCloseTo(100.5 / 1500 / 0.005, within(1e-9));
        }
    }

    /**
     * Cost per 1k ≤ 1.00 USD, 90% of charge periods. Hour 10: ep-a billed 10.00 USD for 5,000 requests (2.00 per 1k, bad);
     * hour 11: 10.00 USD for 20,000 (0.50, good); a EUR charge is another bill and is never mixed in. Bad half the time:
     * burn 0.5 / 0.1 = 5, budget remaining 1 − 5 = −400%.
     */
    @Test
    void status_costPer1k_eachChargePeriodIsAnIntervalInTheObjectivesCurrency() throws Exception {
        Path bill = Files.writeString(dir.resolve("bill.csv"), """
                BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,ResourceId
                10.00,10.00,USD,a,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T10:00:00Z,2026-10-20T11:00:00Z,Microsoft,ep-a
                10.00,10.00,USD,a,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T11:00:00Z,2026-10-20T12:00:00Z,Microsoft,ep-a
                900.00,900.00,EUR,b,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-20T11:00:00Z,2026-10-20T12:00:00Z,Microsoft,ep-a
                """);
        Instant t10 = Instant.parse("2026-10-20T10:00:00Z");
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(bill));
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(List.of(
                    new InferenceUsage(t10, t10.plusSeconds(3600), "m", null, null, null, "ep-a", 5000, 0, 0, null, null, null, 0),
                    new InferenceUsage(t10.plusSeconds(3600), t10.plusSeconds(7200), "m", null, null, null, "ep-a", 20000, 0, 0, null, null, null, 0)));
            Slo slo = new Slo("m-cost", new Slo.Scope("m", null, null), Slo.Sli.COST_PER_1K, new Slo.Objective(new BigDecimal("1.00"), "USD"),
                    new BigDecimal("90"), Duration.ofDays(7), null, List.of());
            SloStatus s = new SloEvaluator(usages, new MutableClock(Instant.parse("2026-10-20T12:00:00Z"))).status(slo);
            assertThat(s.goodPercent()).isCloseTo(50.0, within(1e-9));
            assertThat(s.burnRate(Duration.ofHours(1))).isCloseTo(0.0, within(1e-9));
            assertThat(s.burnRate(Duration.ofHours(6))).isCloseTo(5.0, within(1e-9));
            assertThat(s.budgetRemainingPercent()).isCloseTo(-400.0, within(1e-9));
            assertThat(s.sli()).isEqualByComparingTo("0.800000"); // 20.00 USD / 25,000 requests over the window
            assertThat(s.sliLastHour()).isEqualByComparingTo("0.500000");
        }
    }
}

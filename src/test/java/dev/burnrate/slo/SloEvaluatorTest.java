package dev.burnrate.slo;

import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.store.DuckGpuSamples;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Burn rates and the SRE workbook's multi-window rules against tables computed by hand, on a virtual clock. */
class SloEvaluatorTest {
    @TempDir
    Path dir;

    static final Instant DATA_START = Instant.parse("2026-10-16T00:00:00Z");
    static final Instant REGRESSION = Instant.parse("2026-10-20T11:40:00Z");
    static final Instant RECOVERY = Instant.parse("2026-10-20T13:00:00Z");

    static Slo latencySlo() {
        return new Slo("assistant-p95", new Slo.Scope("assistant-llm", null, null), Slo.Sli.LATENCY_P95, new Slo.Objective(Slo.Comparison.AT_MOST, new BigDecimal("300"), "ms"),
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
        Slo slo = new Slo("fraud-errors", new Slo.Scope("fraud-detector", null, null), Slo.Sli.ERROR_RATE, new Slo.Objective(Slo.Comparison.AT_MOST, new BigDecimal("0.5"), "%"),
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
            Slo slo = new Slo("m-cost", new Slo.Scope("m", null, null), Slo.Sli.COST_PER_1K, new Slo.Objective(Slo.Comparison.AT_MOST, new BigDecimal("1.00"), "USD"),
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

    /**
     * GPU samples of pool ml-training, GPUs A and B every 10 minutes: 80% from Oct 19 00:00 to Oct 20 08:00 (32 good
     * hours), none 08:00-10:00, then hour 10 A 70 / B 40 (mean 55: bad though A is above), hour 11 A 90 / B 30 (mean 60:
     * on the floor, good), hour 12 A 20 / B 20 (bad; GPU C reports no utilisation, [N/A], and counts for nothing), none
     * after. Pool serving (GPU D, 100%) fills hours 08-10 and is outside the scope.
     */
    static List<GpuSample> poolSamples() {
        List<GpuSample> out = new ArrayList<>();
        for (Instant t = Instant.parse("2026-10-19T00:00:00Z"); t.isBefore(Instant.parse("2026-10-20T13:00:00Z")); t = t.plusSeconds(600)) {
            String hour = t.toString().substring(0, 13);
            double[] ab = hour.equals("2026-10-20T10") ? new double[]{70, 40} : hour.equals("2026-10-20T11") ? new double[]{90, 30}
                    : hour.equals("2026-10-20T12") ? new double[]{20, 20} : hour.compareTo("2026-10-20T08") < 0 ? new double[]{80, 80} : null;
            if (ab != null) {
                out.add(new GpuSample(t, "node-1", "GPU-A", 0, "train-1", "train-1-0", "ml-training", "trainer", ab[0], 30_000, 81_920));
                out.add(new GpuSample(t, "node-1", "GPU-B", 1, "train-1", "train-1-0", "ml-training", "trainer", ab[1], 30_000, 81_920));
            }
            if (hour.equals("2026-10-20T12")) out.add(new GpuSample(t, "node-2", "GPU-C", 0, null, "train-2", "train-2-0", "ml-training", "trainer", null, null, null));
            if (hour.compareTo("2026-10-20T08") >= 0 && hour.compareTo("2026-10-20T11") < 0) {
                out.add(new GpuSample(t, "node-3", "GPU-D", 0, "serve-1", "serve-1-0", "serving", "server", 100, 20_000, 81_920));
            }
        }
        return out;
    }

    static Slo poolSlo(String pool) {
        return new Slo("training-gpu", Slo.Scope.pool(pool), Slo.Sli.GPU_UTILISATION, new Slo.Objective(Slo.Comparison.AT_LEAST, new BigDecimal("60"), "%"),
                new BigDecimal("95"), Duration.ofDays(28), "ml", List.of());
    }

    /**
     * GPU utilisation ≥ 60% in 95% of the pool's hours (budget 0.05), evaluated as of now; each hour with samples is one
     * observation, counted by its part inside a window; hours without samples count for nothing:
     * <pre>
     * now    5m   30m  1h   6h                        3d                           rules firing
     * 10:30  20   20   20   2.5   (30 bad of 240 min)  0.3077 (30 of 1,950)         page-1h-5m (08, 09 empty: the 1h window is all bad)
     * 12:00  0    0    0    5     (1 of 4 hours)       0.5882 (1 of 34 hours)       none (hour 11's mean of 60 meets the floor)
     * 12:45  20   20   15   8.75  (105 of 240 min)     1.0072 (105 of 2,085 min)    page-1h-5m, page-6h-30m, ticket-3d-6h
     * 14:30  –    –    –    13.33 (2 of 3 hours)       1.1429 (2 of 35 hours)       ticket-3d-6h (the pool went quiet: no short-window burn)
     * </pre>
     */
    @Test
    void status_gpuPoolUnderItsFloor_hourlyBurnRatesFollowTheHandTableAndHoursWithoutSamplesCountForNothing() throws Exception {
        Object[][] table = {
                {"2026-10-20T10:30:00Z", 20.0, 20.0, 20.0, 2.5, 30.0 / 1950 / 0.05, List.of(SloEvaluator.Rule.PAGE_1H_5M)},
                {"2026-10-20T12:00:00Z", 0.0, 0.0, 0.0, 5.0, 1.0 / 34 / 0.05, List.of()},
                {"2026-10-20T12:45:00Z", 20.0, 20.0, 15.0, 8.75, 105.0 / 2085 / 0.05,
                        List.of(SloEvaluator.Rule.PAGE_1H_5M, SloEvaluator.Rule.PAGE_6H_30M, SloEvaluator.Rule.TICKET_3D_6H)},
                {"2026-10-20T14:30:00Z", null, null, null, 2.0 / 3 / 0.05, 2.0 / 35 / 0.05, List.of(SloEvaluator.Rule.TICKET_3D_6H)},
        };
        try (TestLedger l = new TestLedger(dir)) {
            DuckGpuSamples gpu = new DuckGpuSamples(l.db);
            gpu.append(poolSamples());
            MutableClock clock = new MutableClock(DATA_START);
            SloEvaluator e = new SloEvaluator(new DuckInferenceUsages(l.db), gpu, ServiceEvents.none(), clock);
            for (Object[] row : table) {
                clock.set(Instant.parse((String) row[0]));
                SloStatus s = e.status(poolSlo("ml-training"));
                assertThat(s.asOf()).isEqualTo(clock.instant());
                for (int i = 0; i < SloEvaluator.WINDOWS.size(); i++) {
                    Double expected = (Double) row[i + 1];
                    if (expected == null) assertThat(s.burnRate(SloEvaluator.WINDOWS.get(i))).as(row[0] + " " + SloEvaluator.WINDOWS.get(i)).isNull();
                    else assertThat(s.burnRate(SloEvaluator.WINDOWS.get(i))).as(row[0] + " " + SloEvaluator.WINDOWS.get(i)).isCloseTo(expected, within(1e-9));
                }
                assertThat(s.rules().stream().filter(SloStatus.RuleState::firing).map(SloStatus.RuleState::rule).toList()).as((String) row[0])
                        .isEqualTo(row[6]);
            }
            clock.set(Instant.parse("2026-10-20T12:45:00Z"));
            SloStatus s = e.status(poolSlo("ml-training"));
            assertThat(s.state()).isEqualTo("page");
            assertThat(s.goodPercent()).isCloseTo(100 * (1 - 105.0 / 2085), within(1e-9));
            assertThat(s.budgetRemainingPercent()).isCloseTo(100 * (1 - 105.0 / 2085 / 0.05), within(1e-9));
            // the budget is overspent (-0.7%): while a rule fires the state is the page; once none does it stays exhausted, never ok
            assertThat(new SloStatus(s.slo(), s.now(), s.asOf(), s.sli(), s.sliLastHour(), s.goodPercent(), s.budgetRemainingPercent(), s.burnRates(),
                    s.rules().stream().map(r -> new SloStatus.RuleState(r.rule(), r.longBurn(), r.shortBurn(), false)).toList(), s.events()).state())
                    .isEqualTo("exhausted");
            // the window's mean: 384 samples at 80, hour 10's 12 (660), hour 11's 12 (720) and hour 12's 10 so far (200): 32,300 / 418
            assertThat(s.sli()).isEqualByComparingTo("77.27");
            // the last hour [11:45, 12:45): 11:50's A 90 and B 30, then five pairs at 20 (GPU C's [N/A] samples left out): 320 / 12
            assertThat(s.sliLastHour()).isEqualByComparingTo("26.67");
            assertThat(s.events()).isEmpty();
            // every pool together: pool serving's 100% fills 08-10 and lifts hour 10 to (70 + 40 + 100) / 3 = 70, so nothing burns at 10:30
            clock.set(Instant.parse("2026-10-20T10:30:00Z"));
            SloStatus all = e.status(poolSlo(Slo.Scope.ALL_POOLS));
            assertThat(all.burnRate(Duration.ofHours(1))).isEqualTo(0.0);
            assertThat(all.burnRate(Duration.ofHours(6))).isEqualTo(0.0);
            assertThat(all.state()).isEqualTo("ok");
            assertThat(all.sliLastHour()).isEqualByComparingTo("77.50"); // D's 3 samples of hour 9 (300) and 3 × (70 + 40 + 100) = 930 / 12
            assertThat(e.status(poolSlo("ml-training")).sliLastHour()).isEqualByComparingTo("55.00");
            // nothing of the pool in the window: no data, not ok
            clock.set(Instant.parse("2026-12-01T00:00:00Z"));
            assertThat(e.status(poolSlo("ml-training")).state()).isEqualTo("no data");
            assertThat(e.status(poolSlo("no-such-pool")).goodPercent()).isNull();
            // an evaluator given no GPU samples refuses a pool's SLO rather than reading it as no data
            assertThatThrownBy(() -> new SloEvaluator(new DuckInferenceUsages(l.db), clock).status(poolSlo("ml-training")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("reads no GPU samples");
        }
    }
}

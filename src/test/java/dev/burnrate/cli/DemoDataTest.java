package dev.burnrate.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.burnrate.allocation.JobCosts;
import dev.burnrate.allocation.TrainingEconomics;
import dev.burnrate.app.Wiring;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.pricing.InstancePrice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The demo checked the way a practitioner checks it, from the outside: the bill, the run costs, the savings plan, the
 * GPU telemetry and the clock must agree with each other and with the price catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoDataTest {
    static final Instant NOW = Instant.parse("2026-11-20T15:27:00Z");
    static final String SAVINGS_PLAN = "arn:aws:savingsplans::100000000001:savingsplan/sp-compute-2026";

    @TempDir
    static Path dir;
    Wiring s;
    DemoData.Summary demo;
    List<JobRun> runs;

    @BeforeAll
    void loadTheDemo() throws Exception {
        s = Wiring.open(dir.resolve("demo.duckdb"), null, Clock.fixed(NOW, ZoneOffset.UTC));
        demo = DemoData.load(s, dir, 8_000, Clock.fixed(NOW, ZoneOffset.UTC), new PrintWriter(new StringWriter()));
        runs = s.jobs().list(null, null, 100_000);
    }

    @AfterAll
    void close() {
        s.close();
    }

    @Test
    void demoStories_twoRequestsWaitForApproval_oneJobRuns_theRunawayRetrainIsARun() {
        assertThat(demo.tickets()).as(demo.tickets().stream().map(t -> t.id() + ": " + t.reasons()).toList().toString())
                .extracting(t -> t.id() + " " + t.state().label())
                .containsExactly("demo-assistant-full pending_approval", "demo-fraud-incremental running", "demo-ranker-drift pending_approval");
        assertThat(runs).extracting(JobRun::id).contains("fraud-detector-retrain-loop-1");
    }

    @Test
    void bill_hasNoChargeAfterNow() throws Exception {
        Instant last = Instant.EPOCH;
        try (var in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(dir.resolve("demo-focus-1.2.csv.gz"))), StandardCharsets.UTF_8);
             CsvReader<CsvRecord> r = CsvReader.builder().ofCsvRecord(in)) {
            int end = -1;
            for (var rec : r) {
                if (end < 0) {
                    end = rec.getFields().indexOf("ChargePeriodEnd");
                    continue;
                }
                Instant e = Instant.parse(rec.getField(end));
                if (e.isAfter(last)) last = e;
            }
        }
        assertThat(last).isBeforeOrEqualTo(NOW).isAfter(NOW.minusSeconds(2 * 3600));
    }

    @Test
    void runs_noneEndsAfterNow_andRunningOnesHaveNoEnd() {
        assertThat(runs).allSatisfy(j -> {
            assertThat(j.start()).isBefore(NOW);
            if (j.end() != null) assertThat(j.end()).isBeforeOrEqualTo(NOW).isAfter(j.start());
            assertThat(j.end() == null).as(j.id() + " " + j.status()).isEqualTo("running".equals(j.status()));
        });
    }

    @Test
    void runCosts_followTheCatalogPriceAndTheBillsDiscountForTheirPricing() {
        List<JobCosts.JobCost> costs = s.jobCosts().costs(runs.stream().filter(j -> j.end() != null).toList());
        assertThat(costs).isNotEmpty();
        Map<String, Integer> byPricing = new TreeMap<>();
        for (JobCosts.JobCost c : costs) {
            JobRun j = c.job();
            InstancePrice p = s.catalog().require(j.provider(), j.instanceType(), j.region());
            BigDecimal rate = switch (j.pricing()) {
                case "spot" -> p.spot();
                case "reserved" -> p.onDemand().multiply(new BigDecimal("0.72"));  // the savings plan's amortised rate
                default -> p.onDemand().multiply(new BigDecimal("0.95"));          // the contract's discount
            };
            assertThat(c.estimated()).as(j.id() + " is billed").isFalse();
            BigDecimal ratio = c.cost().amount().divide(c.instanceHours().multiply(rate), 6, RoundingMode.HALF_EVEN);
            assertThat(ratio.doubleValue()).as(j.id() + " " + j.pricing() + " cost / (instance-hours × rate)").isCloseTo(1.0, within(0.0001));
            BigDecimal toOnDemand = c.cost().amount().divide(c.instanceHours().multiply(p.onDemand()), 6, RoundingMode.HALF_EVEN);
            assertThat(toOnDemand.doubleValue()).as(j.id() + " cost / on-demand").isBetween(0.05, 1.0);
            byPricing.merge(j.pricing(), 1, Integer::sum);
        }
        assertThat(byPricing).containsOnlyKeys("on_demand", "spot", "reserved");
    }

    @Test
    void savingsPlan_amortisedUsagePlusUnused_isTheFeeEveryDay() {
        Field id = Field.parse("CommitmentDiscountId").orElseThrow();
        Field category = Field.parse("ChargeCategory").orElseThrow();
        Map<LocalDate, BigDecimal> amortised = perDay(new CostQuery(List.of(), null, null, Granularity.DAY, CostBasis.EFFECTIVE,
                Map.of(id, List.of(SAVINGS_PLAN))));
        Map<LocalDate, BigDecimal> fees = perDay(new CostQuery(List.of(), null, null, Granularity.DAY, CostBasis.BILLED,
                Map.of(id, List.of(SAVINGS_PLAN), category, List.of("Purchase"))));
        Map<LocalDate, BigDecimal> used = perDay(new CostQuery(List.of(), null, null, Granularity.DAY, CostBasis.EFFECTIVE,
                Map.of(id, List.of(SAVINGS_PLAN), category, List.of("Usage"))));
        assertThat(fees).hasSizeGreaterThan(70);
        assertThat(amortised.keySet()).isEqualTo(fees.keySet());
        fees.forEach((day, fee) -> assertThat(amortised.get(day)).as(day.toString()).isEqualByComparingTo(fee));
        BigDecimal allFees = fees.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal allUsed = used.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(allUsed).isEqualByComparingTo(allFees);
    }

    @Test
    void gpuHoursFromSamples_matchTheRunsGpuHours() {
        Map<String, GpuSamples.Usage> usage = s.gpuSamples().usage(GpuSamples.Group.JOB, Instant.EPOCH, NOW, 5).stream()
                .collect(Collectors.toMap(GpuSamples.Usage::key, Function.identity()));
        double sampled = 0;
        double billed = 0;
        for (JobRun j : runs) {
            if (j.end() == null) continue;
            int gpus = s.catalog().require(j.provider(), j.instanceType(), j.region()).gpuCount();
            double expected = j.instanceCount() * gpus * (j.end().getEpochSecond() - j.start().getEpochSecond()) / 3600.0;
            assertThat(usage).as(j.id()).containsKey(j.id());
            assertThat(usage.get(j.id()).gpuSeconds() / 3600).as(j.id() + " GPU-hours").isCloseTo(expected, within(expected * 0.01));
            sampled += usage.get(j.id()).gpuSeconds() / 3600;
            billed += expected;
        }
        assertThat(sampled).isCloseTo(billed, within(billed * 0.001));
    }

    @Test
    void models_differInRunsCadenceDurationAndUtilisation() {
        Map<String, List<JobRun>> byModel = runs.stream().filter(j -> !j.id().startsWith("fraud-detector-retrain-loop"))
                .collect(Collectors.groupingBy(JobRun::model));
        assertThat(byModel).hasSize(5);
        assertThat(byModel.values().stream().map(List::size).distinct().count()).as("run counts per model").isGreaterThan(3);
        Map<String, Double> meanHours = new HashMap<>();
        byModel.forEach((m, l) -> meanHours.put(m, l.stream().filter(j -> j.end() != null)
                .mapToLong(j -> j.end().getEpochSecond() - j.start().getEpochSecond()).average().orElse(0) / 3600));
        assertThat(meanHours.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow())
                .isGreaterThan(4 * meanHours.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        List<Double> utilisation = s.trainingEconomics().byOwner("model", 5).stream().map(TrainingEconomics.Line::meanGpuUtilization).toList();
        assertThat(utilisation).doesNotContainNull();
        assertThat(utilisation.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                - utilisation.stream().mapToDouble(Double::doubleValue).min().orElseThrow()).isGreaterThan(20);
    }

    @Test
    void slos_theAssistantsLatencyRegressionPages_theFraudErrorRateAndRankerCostHold() {
        Map<String, dev.burnrate.slo.SloStatus> slos = s.slos().statuses().stream().collect(Collectors.toMap(x -> x.slo().id(), x -> x));
        assertThat(slos).containsKeys("assistant-latency-p95", "fraud-error-rate", "ranker-cost-per-1k");
        dev.burnrate.slo.SloStatus assistant = slos.get("assistant-latency-p95");
        // the newest hour of the assistant's usage is the regressed one, and it is what the SLO is evaluated as of
        List<dev.burnrate.ledger.InferenceUsage> usage = s.inference().between(NOW.minus(java.time.Duration.ofDays(3)), NOW).stream()
                .filter(u -> u.model().equals("assistant-llm")).toList();
        dev.burnrate.ledger.InferenceUsage newest = usage.stream().max(java.util.Comparator.comparing(dev.burnrate.ledger.InferenceUsage::end)).orElseThrow();
        assertThat(newest.latencyP95Ms()).isGreaterThan(800.0);
        assertThat(assistant.asOf()).isEqualTo(newest.end());
        assertThat(assistant.state()).isEqualTo("page");
        assertThat(assistant.burnRate(java.time.Duration.ofHours(1))).isGreaterThan(14.4);
        assertThat(assistant.budgetRemainingPercent()).isBetween(0.0, 100.0);
        // the release just before the regression is shown beside the SLO and named in its page
        assertThat(assistant.events()).extracting(e -> e.id()).containsExactly("demo-assistant-release");
        assertThat(s.alerts().list(null, 1000)).filteredOn(a -> a.dedupKey().startsWith("slo:assistant-latency-p95:page:"))
                .singleElement().satisfies(a -> assertThat(a.details().get("recent changes")).contains("release 2026.12"));
        assertThat(slos.get("fraud-error-rate").state()).isEqualTo("ok");
        assertThat(slos.get("ranker-cost-per-1k").state()).isEqualTo("ok");
        assertThat(s.alerts().list(null, 1000)).filteredOn(a -> a.source().equals("slo")).extracting(a -> a.dedupKey())
                .anyMatch(k -> k.startsWith("slo:assistant-latency-p95:page:")).allMatch(k -> k.startsWith("slo:assistant-latency-p95:"));
    }

    @Test
    void slos_theRecommendersTrainingPoolHoldsItsGpuUtilisationFloor_meanAsTheOnCallPageShowsIt() {
        dev.burnrate.slo.SloStatus pool = s.slos().statuses().stream().filter(x -> x.slo().id().equals("recsys-training-gpu-utilisation")).findFirst().orElseThrow();
        assertThat(pool.slo().scope().pool()).isEqualTo("recsys-training");
        assertThat(pool.slo().objective()).hasToString(">= 60%");
        assertThat(pool.goodPercent()).as("the pool's runs left samples in the last 28 days").isNotNull().isGreaterThan(90.0);
        assertThat(pool.state()).isEqualTo("ok");
        // its SLI is the pool's mean utilisation over the window, as GET /api/v1/gpu-usage?by=namespace gives it
        java.time.Instant from = NOW.minus(java.time.Duration.ofDays(28));
        List<dev.burnrate.ledger.GpuSamples.Usage> byPool = s.gpuSamples().usage(dev.burnrate.ledger.GpuSamples.Group.NAMESPACE, from, NOW, 5);
        dev.burnrate.ledger.GpuSamples.Usage recsys = byPool.stream().filter(u -> u.key().equals("recsys-training")).findFirst().orElseThrow();
        assertThat(pool.sli().doubleValue()).isCloseTo(recsys.meanUtilization(), within(0.005));
        // every training run's samples are in its team's pool
        assertThat(byPool).extracting(dev.burnrate.ledger.GpuSamples.Usage::key).allMatch(k -> k.endsWith("-training"));
    }

    private Map<LocalDate, BigDecimal> perDay(CostQuery q) {
        Map<LocalDate, BigDecimal> out = new TreeMap<>();
        for (CostReport.Row r : s.costs().costs(q).rows()) out.merge(r.period(), r.cost().amount(), BigDecimal::add);
        return out;
    }
}

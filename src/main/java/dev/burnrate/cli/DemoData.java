package dev.burnrate.cli;

import dev.burnrate.demo.Companions;
import dev.burnrate.demo.FocusGenerator;
import dev.burnrate.gate.GateRequest;
import dev.burnrate.gate.Ticket;
import dev.burnrate.guard.Heartbeat;
import dev.burnrate.ingest.focus.ImportReport;
import dev.burnrate.ingest.gpu.NdjsonSamples;
import dev.burnrate.ingest.inference.InferenceUsageReader;
import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.pricing.PriceCatalog;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The demo dataset, loaded through the same services a user's data goes through: a generated FOCUS 1.2 bill (the two
 * months before this one and this month up to the last full hour), the job runs, GPU samples and inference usage behind it, four SLOs
 * (the assistant's latency burns; one is a training pool's GPU utilisation), two budgets,
 * a pass of anomaly detection, and a few gate requests (two waiting for approval, one running) so that
 * every page of the dashboard has something real to show.
 */
public final class DemoData {
    private DemoData() {
    }

    /** What was loaded. */
    public record Summary(long billRows, int trainingRuns, long gpuSamples, int anomalies, int alerts, List<Ticket> tickets) {
    }

    /** Loads the demo as it would look at the clock's now: the bill up to the last full hour, running work without an end. */
    public static Summary load(Services s, Path workDir, long rows, Clock clock, PrintWriter progress) throws IOException {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDateTime now = LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
        Path data = workDir.resolve("demo-focus-1.2.csv.gz");
        LocalDate start = today.withDayOfMonth(1).minusMonths(2);
        int days = (int) java.time.temporal.ChronoUnit.DAYS.between(start, today) + 1;
        progress.println("demo: generating " + rows + " FOCUS 1.2 rows (" + start + " .. today) ...");
        progress.flush();
        Companions telemetry = new Companions();
        new FocusGenerator(PriceCatalog.bundled()).withCompanions(telemetry)
                .write(data, new FocusGenerator.Options(rows, 7, FocusVersion.V1_2, start, days, true, now));
        Path telemetryDir = workDir.resolve("demo-telemetry");
        telemetry.write(telemetryDir, 7);
        // the workloads behind the bill first (job runs, GPU samples, inference usage), so that what the import's pipeline
        // computes from them (savings tickets) sees them
        s.jobs().upsert(JobRunJson.parse(Files.newBufferedReader(telemetryDir.resolve("jobs.ndjson")), "demo jobs"));
        long gpu = s.gpuSamples().append(NdjsonSamples.parse(Files.newBufferedReader(telemetryDir.resolve("gpu-samples.ndjson")), "demo GPU samples"));
        long cpu = s.instanceSamples().append(dev.burnrate.ingest.instance.InstanceSampleCsv.parse(
                Files.newBufferedReader(telemetryDir.resolve("instance-samples.csv")), "demo instance samples"));
        s.inference().upsert(InferenceUsageReader.ndjson(Files.newBufferedReader(telemetryDir.resolve("inference-usage.ndjson")), "demo inference usage"));
        progress.println("demo: " + telemetry.jobCount() + " training runs, " + gpu + " GPU samples, " + cpu + " CPU samples of 4 machines, inference usage of every endpoint");
        dev.burnrate.intake.BillImports.Outcome outcome = s.imports().importFiles(List.of(data)); // policies, anomalies, budgets follow
        ImportReport r = outcome.report();
        if (!(r.files().get(0) instanceof ImportReport.Imported imported)) {
            throw new IllegalStateException("demo import did not complete: " + r.files().get(0));
        }
        progress.println("demo: imported " + imported.rows() + " rows; billed " + ImportCommand.Focus.amounts(imported.billedByCurrency()).shown()
                + ", effective " + ImportCommand.Focus.amounts(imported.effectiveByCurrency()).shown());
        progress.flush();
        // two budgets sized from last month's spend (so the demo reads the same at any size), and a first pass of detection
        BigDecimal fraud = budgetFor(s, "fraud", today, "1.6");
        BigDecimal llm = budgetFor(s, "llm-platform", today, "1.15");
        s.budgets().put("{id: fraud-monthly, scope: {team: fraud}, period: monthly, amount: " + fraud.toPlainString() + ", currency: USD, tier: critical, "
                + "thresholds: [{percent: 80, on: actual, action: ticket}, {percent: 100, on: forecast, action: page}], owners: [fraud-lead@example.com]}", "demo");
        s.budgets().put("{id: llm-platform-monthly, scope: {team: llm-platform}, period: monthly, amount: " + llm.toPlainString() + ", currency: USD, "
                + "thresholds: [{percent: 50, on: actual, action: notify}, {percent: 100, on: forecast, action: ticket}]}", "demo");
        if (telemetry.regressionStart() != null) { // the release behind the assistant's regression, as its pipeline would post it
            s.serviceEvents().append(List.of(new dev.burnrate.slo.ServiceEvent("demo-assistant-release", dev.burnrate.slo.ServiceEvent.Kind.DEPLOY,
                    Companions.REGRESSED_MODEL, null, telemetry.regressionStart().minusMinutes(4).toInstant(ZoneOffset.UTC), "release 2026.12 (new decoding settings)",
                    "ci@example.com")));
        }
        List<dev.burnrate.slo.SloStatus> slos = demoSlos(s, now.toInstant(ZoneOffset.UTC));
        int anomalies = dev.burnrate.anomaly.Incident.of(s.costAnomalies().detect(today.minusDays(30), today.plusDays(1))).size();
        s.budgets().evaluate(); // after detection: a budget's forecast takes the one-day incidents it found out
        List<Ticket> tickets = gateRequests(s);
        int alerts = s.alerts().list(null, 1000).size();
        progress.println("demo: " + slos.size() + " SLOs (" + slos.stream().filter(x -> !x.state().equals("ok")).map(x -> x.slo().id() + " " + x.state())
                .collect(java.util.stream.Collectors.joining(", ")) + "), 2 budgets, " + anomalies + " spend anomalies (incidents) in the last 30 days, " + alerts + " alerts, "
                + tickets.size() + " gate requests (" + String.join(", ", tickets.stream().map(t -> t.id() + " " + t.state().label()).toList()) + ")");
        progress.flush();
        return new Summary(imported.rows(), telemetry.jobCount(), gpu, anomalies, alerts, tickets);
    }

    /** Two trainings above the auto-approve limit (waiting for an approver; both estimated from their models' past runs) and an incremental run reporting spend. */
    private static List<Ticket> gateRequests(Services s) {
        var gate = s.gate();
        Ticket pending = gate.submit(new GateRequest("demo-assistant-full", "assistant-llm", "llm-platform", GateRequest.Kind.FULL,
                new GateRequest.Trigger("accuracy", null, new BigDecimal("3.5")), "AWS", "p5.48xlarge", 4, PriceCatalog.Pricing.ON_DEMAND,
                "us-east-1", new BigDecimal("36"), new BigDecimal("800"), Map.of("environment", "prod"), "ana@example.com", Map.of()));
        Ticket running = gate.submit(new GateRequest("demo-fraud-incremental", "fraud-detector", "fraud", GateRequest.Kind.INCREMENTAL,
                new GateRequest.Trigger("drift", new BigDecimal("0.4"), null), "AWS", "g5.12xlarge", 1, PriceCatalog.Pricing.SPOT,
                "us-east-1", new BigDecimal("6"), new BigDecimal("40"), Map.of("environment", "prod"), "ravi@example.com", Map.of()));
        if (running.state() == Ticket.State.PENDING_APPROVAL) { // above the auto-approve limit on a large demo: the team lead approves it
            running = gate.approve(running.id(), "fraud-lead@example.com", "routine incremental refresh after drift");
        }
        if (running.state() == Ticket.State.APPROVED) {
            running = gate.start(running.id(), "ravi@example.com");
            BigDecimal held = running.reserved() == null ? BigDecimal.TEN : running.reserved().amount();
            gate.heartbeat(running.id(), new Heartbeat(2 * 3600, held.multiply(new BigDecimal("0.4")), null, new BigDecimal("87")));
            running = gate.get(running.id()).orElseThrow();
        }
        Ticket waiting = gate.submit(new GateRequest("demo-ranker-drift", "ranker-v2", "search", GateRequest.Kind.FULL,
                new GateRequest.Trigger("drift", new BigDecimal("0.01"), null), "AWS", "p4d.24xlarge", 4, PriceCatalog.Pricing.ON_DEMAND,
                "us-east-1", new BigDecimal("40"), new BigDecimal("240"), Map.of("environment", "prod"), "lee@example.com", Map.of()));
        return List.of(pending, running, waiting);
    }

    /**
     * SLOs for the demo's endpoints and a training pool, evaluated once (what burns raises its alerts): the assistant's P95
     * (it regressed in the last hours: it burns), the fraud detector's error rate, the ranker's cost per 1k sized at 1.5 ×
     * its last 28 days (so it reads the same at any demo size), and the recommender's training pool kept at 60% mean GPU
     * utilisation or more in 90% of its hours (its runs keep their GPUs about 80% busy: an hour's mean seldom falls below 60%).
     */
    private static List<dev.burnrate.slo.SloStatus> demoSlos(Services s, java.time.Instant now) {
        s.slos().put("{id: assistant-latency-p95, scope: {model: " + Companions.REGRESSED_MODEL + "}, sli: latency_p95, objective: {threshold: 800, unit: ms}, "
                + "target: 99, window: 28d, team: llm-platform}", "demo");
        s.slos().put("{id: fraud-error-rate, scope: {model: fraud-detector}, sli: error_rate, objective: {threshold: 0.5, unit: '%'}, window: 28d, team: fraud}", "demo");
        dev.burnrate.slo.Slis.Cost ranker = new dev.burnrate.slo.Slis(s.inference()).of(new dev.burnrate.slo.Slo.Scope("ranker-v2", null, null),
                now.minus(java.time.Duration.ofDays(28)), now).cost("USD");
        if (ranker != null && ranker.per1kInferences() != null) {
            BigDecimal limit = ranker.per1kInferences().multiply(new BigDecimal("1.5")).setScale(2, java.math.RoundingMode.CEILING);
            s.slos().put("{id: ranker-cost-per-1k, scope: {model: ranker-v2}, sli: cost_per_1k, objective: {threshold: " + limit.toPlainString()
                    + ", unit: USD}, target: 95, window: 28d, team: search}", "demo");
        }
        s.slos().put("{id: recsys-training-gpu-utilisation, scope: {pool: recsys-training}, sli: gpu_utilisation, objective: {threshold: 60, unit: '%'}, "
                + "target: 90, window: 28d, team: recsys}", "demo");
        return s.slos().evaluate();
    }

    /** Last month's effective cost of a team × headroom, rounded up to a thousand. */
    private static BigDecimal budgetFor(Services s, String team, LocalDate today, String headroom) {
        LocalDate monthStart = today.withDayOfMonth(1);
        Field teamField = Field.parse("team").orElseThrow();
        CostQuery q = new CostQuery(List.of(), monthStart.minusMonths(1), monthStart, Granularity.NONE, CostBasis.EFFECTIVE, Map.of(teamField, List.of(team)));
        BigDecimal last = s.costs().costs(q).totals().getOrDefault("USD", BigDecimal.ZERO);
        BigDecimal amount = last.multiply(new BigDecimal(headroom)).divide(new BigDecimal("1000"), 0, java.math.RoundingMode.CEILING).multiply(new BigDecimal("1000"));
        return amount.signum() > 0 ? amount : new BigDecimal("1000");
    }
}

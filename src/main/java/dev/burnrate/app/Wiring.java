package dev.burnrate.app;

import dev.burnrate.allocation.DimensionRefresh;
import dev.burnrate.cli.Services;
import dev.burnrate.http.ApiServer;
import dev.burnrate.ingest.focus.FocusImporter;
import dev.burnrate.ingest.focus.FocusLedger;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.store.Database;
import dev.burnrate.store.DuckCostLedger;
import dev.burnrate.store.DuckFocusLedger;
import dev.burnrate.store.DuckTagSets;

import java.nio.file.Path;
import java.time.Clock;

/** Composition root: config → database → features → adapters. */
public final class Wiring implements Services {
    private final Database db;
    private final FocusImporter importer;
    private final dev.burnrate.intake.BillImports imports;
    private final dev.burnrate.intake.BillSources sources;
    private final DuckFocusLedger focus;
    private final DuckCostLedger costs;
    private final ApiServer api;
    private final dev.burnrate.budget.Budgets budgets;
    private final dev.burnrate.alert.AlertStore alertStore;
    private final dev.burnrate.alert.Dispatcher dispatcher;
    private final dev.burnrate.anomaly.AnomalyStore anomalyStore;
    private final dev.burnrate.anomaly.CostAnomalies costAnomalies;
    private final dev.burnrate.store.DuckGpuSamples gpuSamples;
    private final dev.burnrate.store.DuckInstanceSamples instanceSamples;
    private final dev.burnrate.allocation.Allocation allocation;
    private final dev.burnrate.store.DuckJobRuns jobs;
    private final dev.burnrate.allocation.JobCosts jobCosts;
    private final dev.burnrate.allocation.TrainingEconomics training;
    private final dev.burnrate.store.DuckInferenceUsages inference;
    private final dev.burnrate.slo.Slos slos;
    private final dev.burnrate.slo.ServiceEvents serviceEvents;
    private final dev.burnrate.audit.AuditLog audit;
    private final dev.burnrate.gate.Gate gate;
    private final dev.burnrate.alert.Alerts alerts;
    private final dev.burnrate.access.Tokens tokens;
    private final dev.burnrate.pricing.PriceCatalog catalog;
    private final dev.burnrate.recommend.Recommendations recommendations;
    private final dev.burnrate.recommend.SavingsAlerts savingsAlerts;
    private final Clock clock;
    /** The shared state on PostgreSQL, or null: the embedded default. */
    private final dev.burnrate.store.PgState state;
    private volatile io.fabric8.kubernetes.client.KubernetesClient kubernetes;
    /** Telemetry through Kafka ({@code kafka:} in burnrate.yaml), or null: HTTP only. */
    private final dev.burnrate.stream.KafkaSettings kafka;
    private final dev.burnrate.stream.KafkaTelemetryLog telemetryLog;
    /** The Kafka consumer this server runs, once made. */
    private volatile dev.burnrate.stream.KafkaTelemetry consumer;

    private Wiring(Database db, BurnrateConfig config, Clock clock) {
        this.db = db;
        this.focus = new DuckFocusLedger(db);
        this.costs = new DuckCostLedger(db);
        this.importer = new FocusImporter(focus, config.tagMap(), clock);
        this.clock = clock;
        this.kafka = config.kafka();
        // shared state (replicas on one PostgreSQL): the audit chain, the gate's tickets and the money they hold live there
        this.state = config.state() == null ? null : dev.burnrate.store.PgState.open(config.state());
        // so does the alert outbox: an incident every replica sees is one alert, and each delivery is sent by one dispatcher
        this.alertStore = state == null ? new dev.burnrate.store.DuckAlertStore(db) : new dev.burnrate.store.PgAlertStore(state);
        BurnrateConfig.Alerting a = config.alerting();
        this.alerts = new dev.burnrate.alert.Alerts(alertStore, clock, a.routes(), a.minDuration(), a.dashboardUrl());
        this.dispatcher = new dev.burnrate.alert.Dispatcher(alertStore, config.channels(), clock, a.quietHours());
        this.audit = state == null
                ? new dev.burnrate.audit.AuditLog(new dev.burnrate.store.DuckAuditStore(db), new dev.burnrate.store.FileAuditJournal(Path.of(db.path() + ".audit-journal")), clock)
                : new dev.burnrate.audit.AuditLog(new dev.burnrate.store.PgAuditStore(state), clock);
        this.tokens = new dev.burnrate.access.Tokens(state == null ? new dev.burnrate.store.DuckTokenStore(db) : new dev.burnrate.store.PgTokenStore(state), clock);
        // the gate holds money against budgets in this book; budgets report what it holds as reserved
        dev.burnrate.gate.ReservationBook reservations = state == null ? new dev.burnrate.gate.MemoryReservationBook()
                : new dev.burnrate.store.PgReservationBook(state);
        this.anomalyStore = state == null ? new dev.burnrate.store.DuckAnomalyStore(db) : new dev.burnrate.store.PgAnomalyStore(state);
        this.costAnomalies = new dev.burnrate.anomaly.CostAnomalies(costs, anomalyStore, alerts, dev.burnrate.anomaly.CostAnomalies.Settings.defaults().with(config.anomalies()), clock);
        // a budget's forecast at the period end takes the one-day incidents at what was expected of them
        dev.burnrate.budget.BudgetEvaluator evaluator = new dev.burnrate.budget.BudgetEvaluator(costs, (b, start, end) -> reservations.reserved(b, start),
                costAnomalies.knownIncidents());
        this.budgets = new dev.burnrate.budget.Budgets(config.budgets(), state == null ? new dev.burnrate.store.DuckBudgetStore(db, clock) : dev.burnrate.store.PgSpecTable.budgets(state, clock), evaluator, alerts, clock);
        this.budgets.recordingTo((actor, action, id, spec) -> audit.append(actor, action, "budget:" + id, auditDetail("spec", spec)));
        // a verdict on an anomaly silences its scopes and resolves its page: who gave it, and why, is kept
        this.costAnomalies.recordingTo((actor, action, subject, id, verdict, note, alert) -> {
            java.util.Map<String, String> detail = new java.util.LinkedHashMap<>();
            detail.put("id", id);
            detail.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT));
            if (note != null) detail.put("note", note);
            // its alert resolved or opened again by it: the alert's history, in the verdict's entry
            if (alert != dev.burnrate.anomaly.CostAnomalies.AlertChange.NONE) detail.put("alert", alert.name().toLowerCase(java.util.Locale.ROOT));
            audit.append(actor, action, subject, auditDetail(detail));
        });
        this.gpuSamples = new dev.burnrate.store.DuckGpuSamples(db);
        this.instanceSamples = new dev.burnrate.store.DuckInstanceSamples(db);
        this.jobs = new dev.burnrate.store.DuckJobRuns(db);
        this.catalog = dev.burnrate.pricing.PriceCatalog.bundled().withOverrides(config.priceOverrides());
        this.jobCosts = new dev.burnrate.allocation.JobCosts(jobs, catalog, clock, config.savings().restartMinutes()); // the spot rules' restart time
        this.training = new dev.burnrate.allocation.TrainingEconomics(jobs, jobCosts, gpuSamples);
        this.inference = new dev.burnrate.store.DuckInferenceUsages(db);
        this.serviceEvents = state == null ? new dev.burnrate.store.DuckServiceEvents(db) : new dev.burnrate.store.PgServiceEvents(state);
        this.costAnomalies.withChanges(serviceEvents);
        this.slos = new dev.burnrate.slo.Slos(config.slos(), state == null ? new dev.burnrate.store.DuckSloStore(db, clock) : dev.burnrate.store.PgSpecTable.slos(state, clock),
                new dev.burnrate.slo.SloEvaluator(inference, gpuSamples, serviceEvents, clock), alerts, clock);
        this.allocation = new dev.burnrate.allocation.Allocation(costs, config.shareRules(),
                new dev.burnrate.allocation.WorkloadMetrics(jobs, inference), owner -> training.idleRuns(owner.name(), 5));
        BurnrateConfig.Governance gov = config.governance();
        dev.burnrate.policy.PolicySet policies = dev.burnrate.policy.PolicySet.of(gov.policies());
        auditPolicyChange(policies);
        // both counters only grow, so their sum changes with every budget write and every committed import
        // one savings engine: its recommendations and the gate's spot change use the same rule and settings
        dev.burnrate.recommend.SavingsEngine savings = new dev.burnrate.recommend.SavingsEngine(costs, jobs, gpuSamples, inference, instanceSamples, slos::all,
                catalog, clock, config.savings());
        this.gate = new dev.burnrate.gate.Gate(new dev.burnrate.gate.Estimator(jobs, jobCosts, catalog, clock),
                new dev.burnrate.gate.BudgetView(budgets::all, evaluator::spend, () -> budgets.version() + costs.version()), policies, gov.gate(),
                new dev.burnrate.guard.Guard(gov.guard()), audit, reservations, state == null
                        ? new dev.burnrate.gate.MemoryTicketStore(reservations, gov.gate().retainTickets())
                        : new dev.burnrate.store.PgTicketStore(state, gov.gate().retainTickets(), clock), savings.spotEconomics(),
                new dev.burnrate.gate.Gate.Notifier() {
                    @Override
                    public void notify(String severity, String key, String title, String summary, java.util.Map<String, String> details) {
                        alerts.raise("gate", dev.burnrate.alert.Alert.Severity.valueOf(severity.toUpperCase(java.util.Locale.ROOT)),
                                key, title, summary, details, "/approvals", null, java.util.List.of());
                    }

                    @Override
                    public void resolve(String key, String by) {
                        alertStore.resolve(key, clock.instant(), by);
                    }
                },
                new dev.burnrate.guard.ActuatorSpecs(config.hosts().actuators(), config.hosts().kubernetesNamespaces(), this::kubernetes, clock), clock);
        this.imports = new dev.burnrate.intake.BillImports(importer, this::checkCostRecords, costAnomalies, budgets, clock);
        this.sources = new dev.burnrate.intake.BillSources(config.sources(), imports, alerts, clock);
        this.api = new ApiServer(costs, clock, budgets, alertStore, new ApiServer.Anomalies(costAnomalies, anomalyStore));
        this.api.withGovernance(gate, audit, tokens).allowHosts(config.hosts().server());
        this.api.withGpuSamples(gpuSamples).withAllocation(allocation).withJobs(jobs, jobCosts)
                .withInference(inference).withInstanceSamples(instanceSamples).withImports(imports, focus).withReadiness(this::readiness);
        this.recommendations = new dev.burnrate.recommend.Recommendations(savings,
                state == null ? new dev.burnrate.store.DuckRecommendationStates(db) : new dev.burnrate.store.PgRecommendationStates(state), audit, clock);
        this.api.withRecommendations(recommendations);
        this.api.unavailableOn(dev.burnrate.store.StoreException.class);
        if (db.layout() != null) { // replicas on one ledger directory: which version of the bill each one reads
            this.api.withHealth(() -> {
                dev.burnrate.store.Database.Layout l = db.layout();
                return java.util.Map.of("ledger", java.util.Map.of("directory", l.directory().toString(), "version", l.version()));
            });
            this.api.withMetrics(() -> "# HELP burnrate_ledger_version The ledger directory's manifest version this replica reads.\n"
                    + "# TYPE burnrate_ledger_version gauge\nburnrate_ledger_version " + db.layout().version() + "\n");
        }
        // with Kafka, GPU samples and inference usage posted to any replica go through the topics every replica stores from
        this.telemetryLog = kafka == null ? null : new dev.burnrate.stream.KafkaTelemetryLog(kafka);
        if (telemetryLog != null) this.api.withTelemetryLog(telemetryLog);
        this.api.withSlos(slos, serviceEvents);
        this.savingsAlerts = new dev.burnrate.recommend.SavingsAlerts(recommendations, alerts, config.recommendations(), clock);
        this.recommendations.onSettled(savingsAlerts::settled); // accepted or dismissed from the CLI too, without a server pass
        this.imports.afterImport(savingsAlerts::run);
        DimensionRefresh.refresh(new DuckTagSets(db), config.tagMap());
    }

    private static String auditDetail(String key, String value) {
        return auditDetail(java.util.Map.of(key, value == null ? "" : value));
    }

    private static String auditDetail(java.util.Map<String, String> detail) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(detail);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A policy set unlike the last one audited is recorded as a policy change (names and fingerprint). */
    private void auditPolicyChange(dev.burnrate.policy.PolicySet policies) {
        java.util.List<dev.burnrate.audit.AuditEvent> past = audit.bySubject("policies");
        String fp = policies.fingerprint();
        if (!past.isEmpty() && past.get(past.size() - 1).detail().contains("\"" + fp + "\"")) return;
        StringBuilder names = new StringBuilder();
        for (dev.burnrate.policy.Policy p : policies.policies()) {
            if (names.length() > 0) names.append(',');
            names.append('"').append(p.name()).append(" (").append(p.effect().label()).append(", ").append(p.mode().label()).append(")\"");
        }
        audit.append("config", past.isEmpty() ? "policy.loaded" : "policy.changed", "policies",
                "{\"fingerprint\":\"" + fp + "\",\"policies\":[" + names + "]}");
    }

    /** The cluster client, built on first use of a Kubernetes actuator (kubeconfig or in-cluster). */
    private io.fabric8.kubernetes.client.KubernetesClient kubernetes() {
        if (kubernetes == null) {
            synchronized (this) {
                if (kubernetes == null) kubernetes = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
            }
        }
        return kubernetes;
    }

    /** Validates the config first (so a bad file changes nothing), then opens the database. */
    public static Wiring open(Path database, Path configFile, Clock clock) {
        BurnrateConfig config = configFile == null ? BurnrateConfig.defaults() : BurnrateConfig.load(configFile);
        String shared = System.getenv("BURNRATE_STATE");
        if (shared != null && !shared.isBlank()) config = config.withState(shared.strip());
        String ledger = System.getenv("BURNRATE_LEDGER");
        if (ledger != null && !ledger.isBlank()) config = config.withLedger(Path.of(ledger.strip()).toAbsolutePath().normalize());
        return new Wiring(Database.open(database, config.ledger(), clock, config.tagMap()::apply), config, clock);
    }

    /** The bare importer, without what follows an import (commands use {@link #imports()}). */
    public FocusImporter importer() {
        return importer;
    }

    @Override
    public dev.burnrate.intake.BillImports imports() {
        return imports;
    }

    /** Ready: the ledger answers, the audit table is caught up with its journal, every billing source is readable. */
    java.util.Map<String, String> readiness() {
        java.util.Map<String, String> problems = new java.util.LinkedHashMap<>();
        try {
            costs.recordCount();
        } catch (RuntimeException e) {
            problems.put("ledger", String.valueOf(e.getMessage()));
        }
        long lag = audit.lag();
        if (lag > 10_000) problems.put("audit", lag + " journalled entries not yet in the audit table");
        sources.unhealthy().forEach((name, why) -> problems.put("source " + name, why));
        String telemetry = telemetryProblem();
        if (telemetry != null) problems.put("kafka", telemetry);
        return problems;
    }

    /**
     * Why this replica's telemetry is not a full copy of what the Kafka topics hold (not connected, no partition, far
     * behind), or null: caught up, or no Kafka. A replica in that state is not ready, and its loop judges no SLO and
     * raises or resolves no recommendation from the part it has (it would resolve alerts every other replica sees firing).
     */
    public String telemetryProblem() {
        dev.burnrate.stream.KafkaTelemetry k = consumer;
        return k == null ? null : k.telemetryProblem();
    }

    /**
     * Starts what a serving Burnrate does on its own: the loop, and with {@code kafka:} configured the telemetry
     * consumer. Closing stops the consumer first (a poll being stored is finished and committed), then the loop.
     */
    @Override
    public AutoCloseable startLoop(java.util.function.Consumer<String> log) {
        ServerLoop loop = loop(log).start();
        if (kafka == null) return loop;
        dev.burnrate.stream.KafkaTelemetry consumer = kafkaTelemetry(log).start();
        return () -> {
            consumer.close();
            loop.close();
        };
    }

    /**
     * The Kafka telemetry consumer of this server (not started), or null without {@code kafka:}: the same stores and gate
     * as HTTP; a rejected record raises a ticket alert per topic (repeats count on it) and its figures join /metrics.
     */
    public dev.burnrate.stream.KafkaTelemetry kafkaTelemetry(java.util.function.Consumer<String> log) {
        if (kafka == null) return null;
        dev.burnrate.stream.KafkaTelemetry k = new dev.burnrate.stream.KafkaTelemetry(kafka, gpuSamples, inference, jobs, instanceSamples, gate, log, r -> {
            java.util.Map<String, String> details = new java.util.LinkedHashMap<>();
            details.put("topic", r.topic());
            details.put("partition", String.valueOf(r.partition()));
            details.put("offset", String.valueOf(r.offset()));
            if (r.key() != null) details.put("key", r.key());
            details.put("reason", r.reason());
            if (r.deadLetter() != null) details.put("deadLetter", r.deadLetter());
            alerts.raise("kafka", dev.burnrate.alert.Alert.Severity.TICKET, "kafka:rejected:" + r.topic(), "Kafka records rejected on " + r.topic(),
                    r.position() + ": " + r.reason(), details, "/alerts", r.deadLetter() == null
                            ? "fix the producer; the record is skipped (configure kafka.deadLetterTopic to keep such records)"
                            : "fix the producer, then replay the record from " + r.deadLetter(), java.util.List.of());
        }, clock);
        api.withMetrics(k::metrics);
        consumer = k;
        return k;
    }

    /**
     * The server's loop without its timer thread, for a caller that ticks it (tests on a virtual clock). What the server
     * does, from the loop or from a request, goes to {@code log} in one line each: imports, audited decisions and
     * changes, alert deliveries.
     */
    public ServerLoop loop(java.util.function.Consumer<String> log) {
        imports.log(log);
        dispatcher.log(log);
        audit.onAppend(e -> log.accept("audit: " + e.action() + " " + e.subject() + " by " + e.actor()));
        return new ServerLoop(this, clock, log);
    }

    @Override
    public dev.burnrate.intake.BillSources sources() {
        return sources;
    }

    /** Runs the cost_record policies over one import's rows and raises their alerts (a detective control: nothing is refused). */
    java.util.List<dev.burnrate.policy.CostRecordChecks.Finding> checkCostRecords(String importId, String file) {
        var findings = dev.burnrate.policy.CostRecordChecks.run(gate.policies(), costs, importId);
        for (var f : findings) {
            var a = f.alerting(importId, file);
            if (a != null) {
                alerts.raise("policy", dev.burnrate.alert.Alert.Severity.valueOf(a.severity().toUpperCase(java.util.Locale.ROOT)), a.dedupKey(), a.title(),
                        a.summary(), java.util.Map.of("policy", f.policy().name(), "import", importId, "file", file), "/policies", null, java.util.List.of());
            }
        }
        return findings;
    }

    @Override
    public FocusLedger focusLedger() {
        return focus;
    }

    @Override
    public CostLedger costs() {
        return costs;
    }

    @Override
    public void announce(String bind, int port) {
        alerts.servedAt(bind, port);
    }

    @Override
    public int serve(String bind, int port) {
        int actual = api.start(bind, port);
        alerts.servedAt(bind, actual);
        return actual;
    }

    @Override
    public ApiServer api() {
        return api;
    }

    @Override
    public dev.burnrate.budget.Budgets budgets() {
        return budgets;
    }

    @Override
    public dev.burnrate.alert.AlertStore alerts() {
        return alertStore;
    }

    @Override
    public dev.burnrate.alert.Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public dev.burnrate.anomaly.CostAnomalies costAnomalies() {
        return costAnomalies;
    }

    @Override
    public dev.burnrate.anomaly.AnomalyStore anomalies() {
        return anomalyStore;
    }

    @Override
    public dev.burnrate.ledger.GpuSamples gpuSamples() {
        return gpuSamples;
    }

    @Override
    public dev.burnrate.ledger.InstanceSamples instanceSamples() {
        return instanceSamples;
    }

    @Override
    public dev.burnrate.allocation.Allocation allocation() {
        return allocation;
    }

    @Override
    public dev.burnrate.allocation.JobRuns jobs() {
        return jobs;
    }

    @Override
    public dev.burnrate.allocation.JobCosts jobCosts() {
        return jobCosts;
    }

    @Override
    public dev.burnrate.allocation.TrainingEconomics trainingEconomics() {
        return training;
    }


    @Override
    public dev.burnrate.ledger.InferenceUsages inference() {
        return inference;
    }

    @Override
    public dev.burnrate.slo.Slos slos() {
        return slos;
    }

    @Override
    public dev.burnrate.slo.ServiceEvents serviceEvents() {
        return serviceEvents;
    }

    @Override
    public dev.burnrate.gate.Gate gate() {
        return gate;
    }

    @Override
    public dev.burnrate.recommend.Recommendations recommendations() {
        return recommendations;
    }

    public dev.burnrate.recommend.SavingsAlerts savingsAlerts() {
        return savingsAlerts;
    }

    @Override
    public dev.burnrate.audit.AuditLog audit() {
        return audit;
    }

    @Override
    public dev.burnrate.access.Tokens tokens() {
        return tokens;
    }

    @Override
    public dev.burnrate.pricing.PriceCatalog catalog() {
        return catalog;
    }

    @Override
    public Path databasePath() {
        return db.path();
    }

    @Override
    public void close() {
        if (telemetryLog != null) telemetryLog.close();
        sources.close();
        if (kubernetes != null) kubernetes.close();
        audit.close();
        if (state != null) state.close();
        db.close();
    }
}

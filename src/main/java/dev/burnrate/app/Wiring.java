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
    private final DuckFocusLedger focus;
    private final DuckCostLedger costs;
    private final ApiServer api;
    private final dev.burnrate.budget.Budgets budgets;
    private final dev.burnrate.store.DuckAlertStore alertStore;
    private final dev.burnrate.alert.Dispatcher dispatcher;
    private final dev.burnrate.store.DuckAnomalyStore anomalyStore;
    private final dev.burnrate.anomaly.CostAnomalies costAnomalies;
    private final dev.burnrate.store.DuckGpuSamples gpuSamples;
    private final dev.burnrate.allocation.Allocation allocation;
    private final dev.burnrate.store.DuckJobRuns jobs;
    private final dev.burnrate.allocation.JobCosts jobCosts;
    private final dev.burnrate.allocation.TrainingEconomics training;
    private final dev.burnrate.store.DuckInferenceUsages inference;

    private Wiring(Database db, BurnrateConfig config, Clock clock) {
        this.db = db;
        this.focus = new DuckFocusLedger(db);
        this.costs = new DuckCostLedger(db);
        this.importer = new FocusImporter(focus, config.tagMap(), clock);
        this.alertStore = new dev.burnrate.store.DuckAlertStore(db);
        BurnrateConfig.Alerting a = config.alerting();
        dev.burnrate.alert.Alerts alerts = new dev.burnrate.alert.Alerts(alertStore, clock, a.routes(), a.minDuration(), a.dashboardUrl());
        this.dispatcher = new dev.burnrate.alert.Dispatcher(alertStore, config.channels(), clock, a.quietHours());
        this.budgets = new dev.burnrate.budget.Budgets(config.budgets(), new dev.burnrate.store.DuckBudgetStore(db, clock),
                new dev.burnrate.budget.BudgetEvaluator(costs, dev.burnrate.budget.BudgetEvaluator.Reservations.none()), alerts, clock);
        this.anomalyStore = new dev.burnrate.store.DuckAnomalyStore(db);
        this.costAnomalies = new dev.burnrate.anomaly.CostAnomalies(costs, anomalyStore, alerts, dev.burnrate.anomaly.CostAnomalies.Settings.defaults());
        this.gpuSamples = new dev.burnrate.store.DuckGpuSamples(db);
        this.jobs = new dev.burnrate.store.DuckJobRuns(db);
        this.jobCosts = new dev.burnrate.allocation.JobCosts(jobs,
                dev.burnrate.pricing.PriceCatalog.bundled().withOverrides(config.priceOverrides()), clock);
        this.training = new dev.burnrate.allocation.TrainingEconomics(jobs, jobCosts, gpuSamples);
        this.inference = new dev.burnrate.store.DuckInferenceUsages(db);
        this.allocation = new dev.burnrate.allocation.Allocation(costs, config.shareRules(),
                new dev.burnrate.allocation.WorkloadMetrics(jobs, inference), owner -> training.idleRuns(owner.name(), 5));
        this.api = new ApiServer(costs, clock, budgets, alertStore, new ApiServer.Anomalies(costAnomalies, anomalyStore));
        this.api.withGpuSamples(gpuSamples).withAllocation(allocation).withJobs(jobs, jobCosts)
                .withInference(inference);
        DimensionRefresh.refresh(new DuckTagSets(db), config.tagMap());
    }

    /** Validates the config first (so a bad file changes nothing), then opens the database. */
    public static Wiring open(Path database, Path configFile, Clock clock) {
        BurnrateConfig config = configFile == null ? BurnrateConfig.defaults() : BurnrateConfig.load(configFile);
        return new Wiring(Database.open(database), config, clock);
    }

    @Override
    public FocusImporter importer() {
        return importer;
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
    public Path databasePath() {
        return db.path();
    }

    @Override
    public void close() {
        db.close();
    }
}

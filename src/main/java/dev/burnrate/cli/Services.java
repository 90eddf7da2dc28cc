package dev.burnrate.cli;

import dev.burnrate.http.ApiServer;
import dev.burnrate.ingest.focus.FocusLedger;
import dev.burnrate.ledger.CostLedger;

import java.nio.file.Path;

/** What commands work with: the opened ledger and the features wired to it. Built by the composition root. */
public interface Services extends AutoCloseable {
    /** Imports bills and runs what follows every import (policies, anomalies, budgets): the path every caller takes. */
    dev.burnrate.intake.BillImports imports();

    /** Starts what a serving Burnrate does on its own (outbox, sources, budgets, anomaly scans); close it to stop. */
    AutoCloseable startLoop(java.util.function.Consumer<String> log);

    /** The billing export folders this ledger's server polls (burnrate.yaml {@code sources}). */
    dev.burnrate.intake.BillSources sources();

    FocusLedger focusLedger();

    CostLedger costs();

    ApiServer api();

    /**
     * Starts the API and dashboard on {@code bind:port} (0 picks a free port) and returns the port; alert links then
     * point at this address unless burnrate.yaml names a public {@code alerting.dashboardUrl}.
     */
    int serve(String bind, int port);

    /** The address the dashboard will be served on, known before it starts (alert links raised meanwhile use it). */
    void announce(String bind, int port);

    dev.burnrate.budget.Budgets budgets();

    dev.burnrate.alert.AlertStore alerts();

    dev.burnrate.alert.Dispatcher dispatcher();

    dev.burnrate.anomaly.CostAnomalies costAnomalies();

    dev.burnrate.anomaly.AnomalyStore anomalies();

    dev.burnrate.ledger.GpuSamples gpuSamples();

    /** CPU / memory utilisation of instances (rightsizing and idle machines without GPUs). */
    dev.burnrate.ledger.InstanceSamples instanceSamples();

    dev.burnrate.allocation.Allocation allocation();

    dev.burnrate.allocation.JobRuns jobs();

    dev.burnrate.allocation.JobCosts jobCosts();

    dev.burnrate.allocation.TrainingEconomics trainingEconomics();

    dev.burnrate.ledger.InferenceUsages inference();

    dev.burnrate.slo.Slos slos();

    /** Deploys, rollbacks and config changes of the services. */
    dev.burnrate.slo.ServiceEvents serviceEvents();

    dev.burnrate.gate.Gate gate();

    dev.burnrate.audit.AuditLog audit();

    dev.burnrate.recommend.Recommendations recommendations();

    dev.burnrate.access.Tokens tokens();

    dev.burnrate.pricing.PriceCatalog catalog();

    Path databasePath();

    @Override
    void close();

    /** Opens (creating when absent) the database at a path with a config file (null for the defaults). */
    interface Factory {
        Services open(Path database, Path config);

        /** Whether {@link #open} opens (and creates) the file it is given; false where it hands out a ledger already open. */
        default boolean opensFiles() {
            return true;
        }

        /** The price catalog with the config's overrides. */
        dev.burnrate.pricing.PriceCatalog prices(Path config);

        /** The policies burnrate.yaml declares (validated), without opening the database. */
        java.util.List<dev.burnrate.policy.Policy> policies(Path config);
    }
}

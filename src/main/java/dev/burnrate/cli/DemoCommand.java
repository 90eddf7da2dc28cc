package dev.burnrate.cli;

import dev.burnrate.demo.FocusGenerator;
import dev.burnrate.ingest.focus.ImportReport;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.pricing.PriceCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {"Load a realistic demo dataset into a fresh database and serve it.",
        "Uses ./.burnrate/demo.duckdb (recreated each time) unless --db is given."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--rows", defaultValue = "200000", description = "Billing rows to generate")
    long rows;

    @Option(names = "--port", defaultValue = "8080")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1")
    String bind;

    @Option(names = "--no-serve", description = "Load the data and exit")
    boolean noServe;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path db = root.db != null ? root.db : Path.of(".burnrate", "demo.duckdb");
        Files.deleteIfExists(db);
        Files.deleteIfExists(Path.of(db + ".wal"));
        Path data = db.toAbsolutePath().getParent().resolve("demo-focus-1.2.csv.gz");
        LocalDate today = LocalDate.now(root.clock);
        LocalDate start = today.withDayOfMonth(1).minusMonths(2);
        int days = (int) java.time.temporal.ChronoUnit.DAYS.between(start, today) + 1;
        root.out.println("demo: generating " + rows + " FOCUS 1.2 rows (" + start + " .. today) ...");
        root.out.flush();
        dev.burnrate.demo.Companions telemetry = new dev.burnrate.demo.Companions();
        new FocusGenerator(PriceCatalog.bundled()).withCompanions(telemetry)
                .write(data, new FocusGenerator.Options(rows, 7, FocusVersion.V1_2, start, days, true));
        Path telemetryDir = data.getParent().resolve("demo-telemetry");
        telemetry.write(telemetryDir, 7);
        Services s = root.factory.open(db, root.configPath());
        ImportReport r = s.importer().importFiles(List.of(data));
        if (r.files().get(0) instanceof ImportReport.Imported i) {
            root.out.println("demo: imported " + i.rows() + " rows; billed " + ImportCommand.Focus.amounts(i.billedByCurrency())
                    + ", effective " + ImportCommand.Focus.amounts(i.effectiveByCurrency()));
        } else {
            throw new IllegalStateException("demo import did not complete: " + r.files().get(0));
        }
        root.out.flush();
        // the workloads behind the bill: job runs, GPU samples, inference usage
        s.jobs().upsert(dev.burnrate.ingest.jobs.JobRunJson.parse(Files.newBufferedReader(telemetryDir.resolve("jobs.ndjson")), "demo jobs"));
        long gpu = s.gpuSamples().append(dev.burnrate.ingest.gpu.NdjsonSamples.parse(
                Files.newBufferedReader(telemetryDir.resolve("gpu-samples.ndjson")), "demo GPU samples"));
        s.inference().upsert(dev.burnrate.ingest.inference.InferenceUsageReader.ndjson(
                Files.newBufferedReader(telemetryDir.resolve("inference-usage.ndjson")), "demo inference usage"));
        root.out.println("demo: " + telemetry.jobCount() + " training runs, " + gpu + " GPU samples, inference usage of every endpoint");
        // two budgets and a first pass of detection, so every view has something to show
        s.budgets().put("{id: fraud-monthly, scope: {team: fraud}, period: monthly, amount: 120000, currency: USD, tier: critical, "
                + "thresholds: [{percent: 80, on: actual, action: ticket}, {percent: 100, on: forecast, action: page}], owners: [fraud-lead@example.com]}");
        s.budgets().put("{id: llm-platform-monthly, scope: {team: llm-platform}, period: monthly, amount: 150000, currency: USD, "
                + "thresholds: [{percent: 50, on: actual, action: notify}, {percent: 100, on: forecast, action: ticket}]}");
        s.budgets().evaluate();
        int anomalies = s.costAnomalies().detect(today.minusDays(30), today.plusDays(1)).size();
        root.out.println("demo: 2 budgets, " + anomalies + " anomalies in the last 30 days, " + s.alerts().list(null, 1000).size() + " alerts");
        root.out.flush();
        if (noServe) {
            s.close();
            return 0;
        }
        ServeCommand.serve(root, s, bind, port);
        return 0;
    }
}

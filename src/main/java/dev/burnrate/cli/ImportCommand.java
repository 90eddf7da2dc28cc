package dev.burnrate.cli;

import dev.burnrate.ingest.focus.ImportReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "import", description = "Import data into the ledger.",
        subcommands = {ImportCommand.Focus.class, GpuCommand.Import.class, JobsCommand.Import.class, InferenceCommand.Import.class,
                InstancesCommand.Import.class})
final class ImportCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "focus", description = {"Import FOCUS 1.0-1.3 exports (CSV, CSV.gz, Parquet).",
            "Each file is all-or-nothing; identical files are skipped; a restated billing period replaces the earlier one."})
    static final class Focus implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "FOCUS exports: .csv, .csv.gz or .parquet")
        List<Path> files;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json")
        Output.Format format;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                dev.burnrate.intake.BillImports.Outcome outcome = s.imports().importFiles(files);
                ImportReport report = outcome.report();
                List<List<Object>> rows = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                for (ImportReport.FileResult f : report.files()) {
                    switch (f) {
                        case ImportReport.Imported i -> {
                            rows.add(List.of(i.file(), "imported", i.version().label(), String.valueOf(i.rows()),
                                    String.join(" ", i.billingPeriods()), String.join(" ", i.providers()),
                                    amounts(i.billedByCurrency()), amounts(i.effectiveByCurrency())));
                            i.warnings().forEach(w -> notes.add("warning: " + i.file() + ": " + w));
                            for (var hit : outcome.findings().getOrDefault(i.importId(), List.of())) {
                                notes.add("policy " + hit.policy().name() + " (" + (hit.enforced() ? "" : "dry run: ") + hit.policy().effect().label() + "): "
                                        + i.file() + ": " + hit.describe());
                            }
                        }
                        case ImportReport.Skipped k -> rows.add(List.of(k.file(), "skipped", "", "0", "", "", "", ""));
                        case ImportReport.Failed x -> {
                            rows.add(List.of(x.file(), "failed", "", "0", "", "", "", ""));
                            notes.add("error: " + x.error().getMessage());
                        }
                    }
                }
                if (report.replacedRows() > 0) notes.add("restated: replaced " + report.replacedRows() + " earlier row(s) of the same billing periods");
                if (!outcome.findings().isEmpty()) {
                    notes.add("after the import: " + outcome.anomalies() + " anomal" + (outcome.anomalies() == 1 ? "y" : "ies")
                            + " in the billing periods it touched, " + outcome.budgetsEvaluated() + " budget(s) evaluated");
                }
                Output.print(parent.root.out, format, List.of("file", "status", "focus", "rows", "billing_periods", "providers",
                        "billed", "effective"), rows, notes);
                if (format != Output.Format.table) notes.forEach(n -> System.err.println(n));
                if (report.anyFailed()) {
                    String first = report.files().stream().filter(f -> f instanceof ImportReport.Failed)
                            .map(f -> ((ImportReport.Failed) f).error().getMessage()).findFirst().orElse("");
                    throw new IllegalStateException(first);
                }
                return 0;
            }
        }

        /** Amounts per currency: rounded for the table, exact in CSV / JSON. */
        static Output.Text amounts(Map<String, BigDecimal> byCurrency) {
            List<String> shown = new ArrayList<>();
            List<String> exact = new ArrayList<>();
            byCurrency.forEach((c, a) -> {
                shown.add(dev.burnrate.ledger.Money.display(a, c) + " " + c);
                exact.add(dev.burnrate.ledger.Money.plain(a) + " " + c);
            });
            return new Output.Text(String.join("; ", shown), String.join("; ", exact));
        }
    }
}

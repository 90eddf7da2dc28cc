package dev.burnrate.cli;

import dev.burnrate.ingest.focus.CsvRowSource;
import dev.burnrate.ingest.focus.Finding;
import dev.burnrate.ingest.focus.FocusFileException;
import dev.burnrate.ingest.focus.FocusValidator;
import dev.burnrate.ingest.focus.RowSource;
import dev.burnrate.ingest.focus.SourceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", description = "Check files without importing them.", subcommands = ValidateCommand.Focus.class)
final class ValidateCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "focus", description = {"Check FOCUS conformance of exports.",
            "Columns, types, nullability, allowed values, currencies and cost relations. Exit 1 when any error is found (warnings do not fail)."})
    static final class Focus implements Callable<Integer> {
        @ParentCommand
        ValidateCommand parent;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "FOCUS exports: .csv, .csv.gz or .parquet")
        List<Path> files;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json")
        Output.Format format;

        @Option(names = "--max-findings", defaultValue = "1000", description = "Findings to print per file (all are counted)")
        int max;

        @Override
        public Integer call() {
            long errors = 0;
            List<List<String>> rows = new ArrayList<>();
            List<String> summary = new ArrayList<>();
            for (Path p : files) {
                FocusValidator.Result r;
                try {
                    SourceFile file = SourceFile.of(p);
                    if (file.format() == SourceFile.Format.PARQUET) {
                        try (Services s = parent.root.open(); RowSource src = s.focusLedger().rows(file)) {
                            r = validate(file, src, rows);
                        }
                    } else {
                        try (RowSource src = new CsvRowSource(file)) {
                            r = validate(file, src, rows);
                        }
                    }
                } catch (FocusFileException e) {
                    // a file that is not FOCUS (or cannot be read) is one error; the other files are still checked
                    errors++;
                    rows.add(row(new Finding(e.file(), e.line(), e.column(), e.value(), Finding.Severity.ERROR, "File.Readable", e.reason())));
                    summary.add(p + ": not checked: " + e.getMessage());
                    continue;
                }
                errors += r.errors();
                summary.add(p + ": FOCUS " + r.version().label() + ", " + r.rows() + " rows, " + r.errors() + " error(s) on "
                        + r.rowsWithFindings() + " row(s), " + r.warnings() + " warning(s)");
            }
            Output.print(parent.root.out, format, List.of("file", "line", "severity", "column", "value", "rule", "message"), rows, summary);
            if (format != Output.Format.table) summary.forEach(System.err::println);
            return errors > 0 ? 1 : 0;
        }

        private FocusValidator.Result validate(SourceFile file, RowSource src, List<List<String>> rows) {
            int[] printed = {0};
            return new FocusValidator().validate(file, src, f -> {
                if (printed[0]++ < max) rows.add(row(f));
            });
        }

        private static List<String> row(Finding f) {
            List<String> r = new ArrayList<>();
            r.add(f.file());
            r.add(String.valueOf(f.line()));
            r.add(f.severity().name().toLowerCase());
            r.add(f.column() == null ? "" : f.column());
            r.add(f.value() == null ? "" : f.value());
            r.add(f.rule());
            r.add(f.message());
            return r;
        }
    }
}

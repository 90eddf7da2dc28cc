package dev.burnrate.cli;

import dev.burnrate.demo.FocusGenerator;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.pricing.PriceCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Generate realistic data.", subcommands = GenerateCommand.Focus.class)
final class GenerateCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "focus", description = "Write a FOCUS export of an AI company (GPU training and inference at catalog prices).")
    static final class Focus implements Callable<Integer> {
        @ParentCommand
        GenerateCommand parent;

        @Option(names = "--rows", required = true, description = "Rows to write")
        long rows;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output CSV (.csv or .csv.gz)")
        Path out;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed writes the same file (default ${DEFAULT-VALUE})")
        long seed;

        // --version names the FOCUS version here, which hides the inherited -h/-V mixin; give --help back explicitly
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--version", defaultValue = "1.2", description = "FOCUS version: 1.0, 1.1, 1.2 or 1.3")
        String version;

        @Option(names = "--start", defaultValue = "2026-08-01", description = "First day (UTC)")
        LocalDate start;

        @Option(names = "--days", defaultValue = "90", description = "Days covered")
        int days;

        @Option(names = "--incidents", description = "Add a runaway retrain and an untagged GPU cluster near the end")
        boolean incidents;

        @Override
        public Integer call() {
            FocusGenerator.Options o = new FocusGenerator.Options(rows, seed, FocusVersion.parse(version), start, days, incidents);
            long n = new FocusGenerator(PriceCatalog.bundled()).write(out, o);
            parent.root.out.println("wrote " + n + " rows of FOCUS " + version + " to " + out);
            parent.root.out.flush();
            return 0;
        }
    }
}

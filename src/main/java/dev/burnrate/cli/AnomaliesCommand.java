package dev.burnrate.cli;

import dev.burnrate.anomaly.GenericSeries;
import dev.burnrate.anomaly.SeriesDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "anomalies", description = "Anomaly detection.", subcommands = AnomaliesCommand.Detect.class)
final class AnomaliesCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "detect", description = {"Score any time series in a CSV causally (each point judged only from earlier points).",
            "Writes timestamp,value,anomaly_score,is_anomaly, one row per input row, score in [0,1)."})
    static final class Detect implements Callable<Integer> {
        @ParentCommand
        AnomaliesCommand parent;

        @Option(names = "--input", required = true, paramLabel = "FILE.csv")
        Path input;

        @Option(names = "--out", required = true, paramLabel = "SCORES.csv")
        Path out;

        @Option(names = "--time-column", description = "Default: timestamp (case-insensitive)")
        String timeColumn;

        @Option(names = "--value-column", description = "Default: value (case-insensitive)")
        String valueColumn;

        @Option(names = "--method", defaultValue = "robust", description = "robust (seasonal median + MAD) | baseline (rolling 7-day mean + 2 sigma)")
        String method;

        @Option(names = "--threshold", description = "Robust z-score that flags a point (default ${DEFAULT-VALUE})", defaultValue = "5.0")
        double threshold;

        @Option(names = "--min-change", description = "Smallest change, as a fraction of the expected value, that can flag (default ${DEFAULT-VALUE})", defaultValue = "0.5")
        double minChange;

        @Override
        public Integer call() {
            GenericSeries.Method m = switch (method.toLowerCase()) {
                case "robust" -> GenericSeries.Method.ROBUST;
                case "baseline" -> GenericSeries.Method.BASELINE;
                default -> throw new IllegalArgumentException("--method " + method + ": expected robust or baseline");
            };
            GenericSeries.Series s = GenericSeries.read(input, timeColumn, valueColumn);
            SeriesDetector.Scores sc = GenericSeries.score(s, m, new SeriesDetector.Settings(threshold, minChange,
                    SeriesDetector.Settings.defaults().seasons()));
            GenericSeries.write(out, s, sc);
            long flagged = 0;
            for (boolean b : sc.anomaly()) if (b) flagged++;
            parent.root.out.println("scored " + s.values().length + " points (step " + s.medianStepSeconds() + " s, season "
                    + GenericSeries.period(s.medianStepSeconds()) + " points): " + flagged + " anomalous; wrote " + out);
            parent.root.out.flush();
            return 0;
        }
    }
}

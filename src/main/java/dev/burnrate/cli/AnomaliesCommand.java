package dev.burnrate.cli;

import dev.burnrate.anomaly.GenericSeries;
import dev.burnrate.anomaly.SeriesDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "anomalies", description = {"Spend anomalies in the ledger, with root cause.",
        "Daily, per service, account, region, team and model, with actual vs expected, dollar impact and root cause. --scan judges the last --days days first."},
        subcommands = {AnomaliesCommand.Detect.class, AnomaliesCommand.Feedback.class})
final class AnomaliesCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--scan", description = "Run detection before listing")
    boolean scan;

    @Option(names = "--days", defaultValue = "30", description = "Window judged by --scan and listed (default ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--hours", defaultValue = "48", description = "Hours judged at hourly grain by --scan (default ${DEFAULT-VALUE})")
    int hours;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Option(names = "--every-scope", description = "One row per scope's anomaly; by default one per incident, naming the other scopes it was seen in")
    boolean everyScope;

    @Override
    public Integer call() {
        if (days < 1) throw new dev.burnrate.ledger.InvalidParameterException("--days", String.valueOf(days), "must be 1 or more");
        java.time.LocalDate to = java.time.LocalDate.now(root.clock);
        java.time.LocalDate from = to.minusDays(days);
        try (Services s = root.open()) {
            if (scan) {
                s.costAnomalies().detect(from, to);
                s.costAnomalies().detectHourly(java.time.LocalDateTime.now(root.clock).truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                        .minusHours(hours), java.time.LocalDateTime.now(root.clock).truncatedTo(java.time.temporal.ChronoUnit.HOURS));
            }
            java.util.List<java.util.List<Object>> rows = new java.util.ArrayList<>();
            // up to the end of today: days are judged up to yesterday, but hours up to the last one that ended
            // and the incidents found before that ran into these days (a cluster that still runs)
            java.util.List<dev.burnrate.anomaly.CostAnomaly> stored = s.costAnomalies().listed(from, to.plusDays(1), 500);
            java.util.List<dev.burnrate.anomaly.Incident> incidents = everyScope
                    ? stored.stream().map(a -> new dev.burnrate.anomaly.Incident(a, java.util.List.of())).toList()
                    : dev.burnrate.anomaly.Incident.of(stored);
            java.util.List<dev.burnrate.anomaly.CostAnomaly> leads = incidents.stream().map(dev.burnrate.anomaly.Incident::lead).toList();
            java.util.Map<String, dev.burnrate.anomaly.Course> courses = s.costAnomalies().courses(leads);
            java.util.Map<String, String> names = s.costAnomalies().scopeNames(leads);
            for (dev.burnrate.anomaly.Incident i : incidents) {
                dev.burnrate.anomaly.CostAnomaly a = i.lead();
                // exact in CSV / JSON, with the share as a fraction of the impact, as the API gives it
                String cause = a.rootCause().stream().limit(3).map(c -> c.dimension() + "=" + c.value() + " " + dev.burnrate.ledger.Money.plain(c.delta())
                                + (c.share() == null ? "" : " (share " + c.share().toPlainString() + ")"))
                        .collect(java.util.stream.Collectors.joining("; "));
                String causeShown = a.rootCause().stream().limit(3).map(c -> c.dimension() + "=" + c.value() + " " + dev.burnrate.ledger.Money.display(c.delta(), a.currency())
                                + (c.share() == null ? "" : " (" + c.sharePercent() + ")"))
                        .collect(java.util.stream.Collectors.joining("; "));
                String also = i.alsoSeenIn().stream().map(o -> o.dimension() + "=" + o.value() + (o.when().equals(a.when()) ? "" : " (" + o.when() + ")"))
                        .collect(java.util.stream.Collectors.joining("; "));
                String scope = a.dimension() + "=" + a.value();
                String name = a.dimension().equals("SubAccountId") ? names.get(a.value()) : null;
                String named = name == null ? scope : scope + " (" + name + ")";
                java.util.Optional<dev.burnrate.anomaly.Course> course = java.util.Optional.ofNullable(courses.get(a.id()));
                rows.add(java.util.List.of(a.id(), a.when(), new Output.Text(named, scope), a.currency(), Output.money(a.actual(), a.currency()),
                        Output.money(a.expected(), a.currency()), Output.money(a.impact(), a.currency()),
                        Output.money(course.map(dev.burnrate.anomaly.Course::impact).orElse(null), a.currency()),
                        course.map(c -> String.valueOf(c.days())).orElse(""), course.map(c -> c.ongoing() ? "yes" : "no").orElse(""),
                        String.format(java.util.Locale.ROOT, "%.2f", a.score()),
                        a.severity(), new Output.Text(causeShown, cause), also, a.feedback() == null ? (a.suppressed() ? "suppressed" : "") : a.feedback() + (a.feedbackNote() == null ? "" : ": " + a.feedbackNote())));
            }
            Output.print(root.out, format, java.util.List.of("id", "when", "scope", "currency", "actual", "expected", "impact", "impact_to_date",
                    "days", "ongoing", "score", "severity", "root_cause", "also_seen_in", "feedback"), rows, null);
        }
        return 0;
    }

    @Command(name = "feedback", description = {"Record true_positive, false_positive or expected; the last two silence every scope of the incident for 7 days and resolve its alert.",
            "An incident's scopes are all those it was seen in (its account, service, region, team, model), as 'burnrate anomalies' lists them.",
            "true_positive after them opens that alert again (unless it was resolved by hand).",
            "false_positive: nothing happened (the detector was wrong); expected: it happened, but it was planned (a launch, a backfill)."})
    static final class Feedback implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        AnomaliesCommand parent;

        @picocli.CommandLine.Parameters(paramLabel = "ID", description = "The anomaly id, as listed by 'burnrate anomalies'")
        String id;

        @Option(names = "--verdict", required = true, description = "true_positive|false_positive|expected")
        String verdict;

        @Option(names = "--note", description = "Free text kept with the feedback")
        String note;

        @Option(names = "--by", description = "Who gives the verdict, in the audit log (default: cli:<your user name>)")
        String by;

        @Override
        public Integer call() {
            dev.burnrate.anomaly.CostAnomaly.Feedback v = dev.burnrate.anomaly.CostAnomaly.Feedback.parse("--verdict", verdict);
            String who = parent.root.actor(by, dev.burnrate.audit.AuditLog::actor);
            try (Services s = parent.root.open()) {
                var change = s.costAnomalies().judge(id, v, note, who, a -> true)
                        .orElseThrow(() -> new IllegalArgumentException("no anomaly '" + id + "'"));
                java.time.LocalDate through = s.anomalies().find(id).map(dev.burnrate.anomaly.CostAnomaly::silencedThrough).orElse(null);
                parent.root.out.println("anomaly " + id + ": " + v.name().toLowerCase(java.util.Locale.ROOT)
                        + (through == null ? "" : "; its incident's scopes are silenced through " + through)
                        + switch (change) {
                            case RESOLVED -> (through == null ? "; " : " and ") + "its alert is resolved";
                            case REOPENED -> "; its alert is open again";
                            case STAYS_RESOLVED -> "; its alert stays resolved (a person resolved it)";
                            case NONE -> "";
                        });
                parent.root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "detect", description = {"Score any time series in a CSV causally (each point judged only from earlier values; under 720 rows the window also follows the file's length).",
            "Writes timestamp,value,anomaly_score,is_anomaly, one row per input row, score in [0,1]."})
    static final class Detect implements Callable<Integer> {
        @ParentCommand
        AnomaliesCommand parent;

        @Option(names = "--input", paramLabel = "FILE.csv", description = "CSV with a time column and a value column (or give FILE.csv as the argument)")
        Path input;

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "FILE.csv", description = "The same as --input FILE.csv")
        Path file;

        @Option(names = "--out", paramLabel = "SCORES.csv", description = "Where to write the scores (CSV); default: standard output, the summary then to standard error")
        Path out;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--time-column", description = "Default: timestamp (case-insensitive)")
        String timeColumn;

        @Option(names = "--value-column", description = "Default: value (case-insensitive)")
        String valueColumn;

        @Option(names = "--method", defaultValue = "robust", description = "robust (calibrated tail probability under a robust seasonal model) | baseline (rolling 7-day mean + 2 sigma)")
        String method;

        @Option(names = "--threshold", description = "anomaly_score (0-1) at or above which a point raises an alarm (default ${DEFAULT-VALUE}); is_anomaly marks the alarm and the points right after it that stay more than 3 scales off (their score is 0: an incident scores once, at its onset)", defaultValue = "0.5")
        double threshold;

        @Override
        public Integer call() {
            GenericSeries.Method m = switch (method.toLowerCase()) {
                case "robust" -> GenericSeries.Method.ROBUST;
                case "baseline" -> GenericSeries.Method.BASELINE;
                default -> throw new dev.burnrate.ledger.InvalidParameterException("--method", method, "expected robust or baseline");
            };
            if (input != null && file != null && !input.equals(file)) throw new IllegalArgumentException("two input files (" + file + " and --input " + input + "): give one");
            if (input == null && file == null) throw new dev.burnrate.ledger.InvalidParameterException("--input", "(none)", "no input: give the CSV file (anomalies detect FILE.csv, or --input FILE.csv)");
            GenericSeries.Series s;
            try {
                s = GenericSeries.read(input != null ? input : file, timeColumn, valueColumn);
            } catch (GenericSeries.MissingColumn e) {
                // a spreadsheet's export names its columns date, cost...: say how to name them here
                throw new IllegalArgumentException(e.getMessage() + ": name the " + (e.time() ? "time" : "value") + " column with "
                        + (e.time() ? "--time-column" : "--value-column"), e);
            }
            if (!(threshold > 0 && threshold <= 1)) throw new dev.burnrate.ledger.InvalidParameterException("--threshold", String.valueOf(threshold), "expected a score in (0, 1]");
            SeriesDetector.Scores sc = GenericSeries.score(s, m, SeriesDetector.Settings.defaults().withThreshold(threshold));
            java.io.PrintWriter summary = parent.root.out;
            if (out != null) {
                Path folder = out.toAbsolutePath().getParent();
                if (folder != null && !java.nio.file.Files.isDirectory(folder)) throw new IllegalArgumentException("--out " + out + ": there is no folder " + folder);
                GenericSeries.write(out, s, sc);
            }
            else {
                try {
                    GenericSeries.write(parent.root.out, s, sc);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                summary = spec.commandLine().getErr();
            }
            long alarms = 0;
            long rows = 0;
            long empty = 0;
            for (int i = 0; i < sc.anomaly().length; i++) {
                if (sc.anomaly()[i]) alarms++;
                if (sc.incident(i)) rows++;
                if (Double.isNaN(s.values()[i])) empty++;
            }
            // an empty or NaN value is a missing point: written back with a score of 0, said here so it is not silent
            summary.println("scored " + s.values().length + " points (" + s.describeStep() + "): " + alarms + (alarms == 1 ? " incident, " : " incidents, ")
                    + rows + (rows == 1 ? " row" : " rows") + " flagged" + (empty == 0 ? "" : "; " + empty + (empty == 1 ? " value" : " values") + " missing (empty or NaN: not scored)")
                    + (out == null ? "" : "; wrote " + out));
            java.util.Optional<String> warning = s.mixedSeriesWarning();
            if (warning.isPresent()) summary.println("warning: " + warning.get());
            summary.flush();
            return 0;
        }
    }
}

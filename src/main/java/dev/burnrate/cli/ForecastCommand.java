package dev.burnrate.cli;

import dev.burnrate.forecast.Backtest;
import dev.burnrate.forecast.SpendForecast;
import dev.burnrate.forecast.WideCsv;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.InvalidParameterException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "forecast", description = {"Daily spend projection per scope with weekly seasonality and a prediction interval.",
        "History is every day before --as-of (default today, UTC)."}, subcommands = ForecastCommand.BacktestCommand.class)
final class ForecastCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--by", paramLabel = "DIM[,DIM...]", description = "Forecast each value of these dimensions or columns (default: the total)")
    String by;

    @Option(names = "--filter", paramLabel = "DIM=VALUE", description = "Repeatable; DIM=A,B or a repeated DIM means any of the values, different DIMs must all hold")
    List<String> filters = new ArrayList<>();

    @Option(names = "--basis", defaultValue = "effective", description = "effective|billed|list|contracted (default ${DEFAULT-VALUE})")
    String basis;

    @Option(names = "--horizon", defaultValue = "30d", description = "Days ahead, e.g. 30d")
    String horizon;

    @Option(names = "--coverage", defaultValue = "0.8", description = "Prediction interval coverage (0.5-0.95)")
    double coverage;

    @Option(names = "--as-of", paramLabel = "DATE", description = "Forecast from this day, YYYY-MM-DD (default: today, UTC)")
    String asOf;

    @Option(names = "--daily", description = "One row per scope and day instead of one per scope")
    boolean daily;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    static int days(String horizon) {
        String h = horizon.strip().toLowerCase(Locale.ROOT);
        try {
            int d = Integer.parseInt(h.endsWith("d") ? h.substring(0, h.length() - 1) : h);
            if (d < 1 || d > 366) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("horizon", horizon, "expected a number of days from 1 to 366, e.g. 30d");
        }
    }

    LocalDate asOf() {
        LocalDate d = CostQueryParser.date("as-of", asOf);
        return d == null ? LocalDate.now(root.clock) : d;
    }

    @Override
    public Integer call() {
        CostQuery q = CostQueryParser.parse(by, null, null, null, basis, filters);
        int h = days(horizon);
        try (Services s = root.open()) {
            // the days anomaly detection found to be incidents are taken at what was expected of them
            List<SpendForecast.ScopeForecast> fs = new SpendForecast(s.costs(), s.costAnomalies().knownIncidents()).forecast(q.groupBy(), q.filters(), q.basis(), asOf(), h, coverage);
            List<String> cols = new ArrayList<>();
            q.groupBy().stream().map(Field::name).forEach(cols::add);
            List<List<Object>> rows = new ArrayList<>();
            if (daily) {
                cols.addAll(List.of("date", "currency", "expected", "low", "high"));
                for (SpendForecast.ScopeForecast f : fs) {
                    for (SpendForecast.Day d : f.days()) {
                        List<Object> r = new ArrayList<>(f.keys());
                        r.addAll(List.of(d.date().toString(), f.currency(), Output.money(d.expected()), Output.money(d.low()), Output.money(d.high())));
                        rows.add(r);
                    }
                }
            } else {
                cols.addAll(List.of("currency", "last_30_days", "next_" + h + "_days", "low", "high"));
                for (SpendForecast.ScopeForecast f : fs) {
                    List<Object> r = new ArrayList<>(f.keys());
                    r.addAll(List.of(f.currency(), Output.money(f.last30Days()), Output.money(f.total()), Output.money(f.totalLow()), Output.money(f.totalHigh())));
                    rows.add(r);
                }
            }
            Output.print(root.out, format, cols, rows, List.of("interval: " + Math.round(coverage * 100)
                    + "%; a total's is the total's own (the model's and its history's errors of totals), not the daily bounds added"));
        }
        return 0;
    }

    @Command(name = "backtest", description = {"Rolling-origin backtest of the forecast against the naive run-rate (mean of the last 7 days).",
            "Reports MAPE and interval coverage for both, on the ledger's scopes or on a wide daily CSV (--input)."})
    static final class BacktestCommand implements Callable<Integer> {
        @ParentCommand
        ForecastCommand parent;

        @Option(names = "--by", paramLabel = "DIM[,DIM...]", description = "Forecast each value of these dimensions or columns (default: the total)")
        String by;

        @Option(names = "--input", paramLabel = "FILE.csv", description = "date,series1,series2,... instead of the ledger")
        Path input;

        @Option(names = "--horizon", defaultValue = "30d", description = "How far each backtest forecast looks ahead, e.g. 7d, 30d (default ${DEFAULT-VALUE})")
        String horizon;

        @Option(names = "--coverage", defaultValue = "0.8", description = "Nominal coverage of the interval, 0.5-0.95 (default ${DEFAULT-VALUE})")
        double coverage;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            int h = days(horizon);
            Backtest.Summary s;
            if (input != null) {
                s = WideCsv.backtest(input, h, coverage);
            } else {
                CostQuery q = CostQueryParser.parse(by, null, null, null, null, List.of());
                try (Services sv = parent.root.open()) {
                    s = new SpendForecast(sv.costs()).backtest(q.groupBy(), q.filters(), q.basis(), parent.asOf(), h, coverage);
                }
            }
            List<List<String>> rows = new ArrayList<>();
            for (Backtest.Score sc : s.series()) {
                rows.add(List.of(sc.series(), String.valueOf(sc.origins()), pct(sc.modelMape()), pct(sc.baselineMape()),
                        ratio(sc.modelCoverage()), ratio(sc.baselineCoverage())));
            }
            rows.add(List.of("ALL (" + s.series().size() + " series)", "", pct(s.modelMape()), pct(s.baselineMape()),
                    ratio(s.modelCoverage()), ratio(s.baselineCoverage())));
            Output.print(parent.root.out, format, List.of("series", "origins", "mape_model", "mape_run_rate", "coverage_model",
                    "coverage_run_rate"), rows, List.of("model better than run-rate on " + s.seriesModelWins() + " of "
                    + s.series().size() + " series; nominal coverage " + coverage));
            return 0;
        }

        private static String pct(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f%%", v);
        }

        private static String ratio(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
        }
    }
}

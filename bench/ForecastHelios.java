import dev.burnrate.forecast.Backtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Backtests the forecaster against the run-rate baseline on a wide daily CSV (date + one column per series). */
public class ForecastHelios {
    public static void main(String[] a) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        String[] header = lines.get(0).split(",");
        int horizon = a.length > 1 ? Integer.parseInt(a[1]) : 30;
        int dow = LocalDate.parse(lines.get(1).split(",")[0]).getDayOfWeek().getValue() - 1;
        List<Backtest.Score> scores = new ArrayList<>();
        for (int c = 1; c < header.length; c++) {
            double[] y = new double[lines.size() - 1];
            for (int i = 1; i < lines.size(); i++) y[i - 1] = Double.parseDouble(lines.get(i).split(",")[c]);
            scores.add(Backtest.run(header[c], y, dow, horizon, 56, 7, 0.8));
        }
        Backtest.Summary s = Backtest.summarise(scores);
        for (Backtest.Score sc : s.series()) System.out.printf("%-8s MAPE model %6.1f%% baseline %6.1f%%  coverage %.2f / %.2f%n",
                sc.series(), sc.modelMape(), sc.baselineMape(), sc.modelCoverage(), sc.baselineCoverage());
        System.out.printf("ALL %d series: MAPE model %.1f%% vs run-rate %.1f%%; 80%% interval coverage model %.2f vs run-rate %.2f; model better on %d%n",
                s.series().size(), s.modelMape(), s.baselineMape(), s.modelCoverage(), s.baselineCoverage(), s.seriesModelWins());
    }
}

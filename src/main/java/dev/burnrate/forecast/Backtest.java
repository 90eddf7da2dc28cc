package dev.burnrate.forecast;

import java.util.ArrayList;
import java.util.List;

/**
 * Rolling-origin backtest: from each origin, forecast {@code horizon} days with the model and with the naive
 * run-rate, and compare with what happened. MAPE over days with non-zero actuals; coverage = share of actual
 * days inside the interval.
 */
public final class Backtest {
    public record Score(String series, int origins, double modelMape, double baselineMape, double modelCoverage,
                        double baselineCoverage) {
    }

    public record Summary(List<Score> series, double modelMape, double baselineMape, double modelCoverage,
                          double baselineCoverage, int seriesModelWins) {
    }

    private Backtest() {
    }

    public static Score run(String name, double[] y, int firstDow, int horizon, int minHistory, int step, double coverage) {
        DailyForecaster f = new DailyForecaster();
        double mApe = 0;
        double bApe = 0;
        int apeN = 0;
        int mIn = 0;
        int bIn = 0;
        int n = 0;
        int origins = 0;
        for (int origin = minHistory; origin + horizon <= y.length; origin += step) {
            double[] hist = java.util.Arrays.copyOf(y, origin);
            DailyForecaster.Point[] m = f.forecast(hist, firstDow, horizon, coverage);
            DailyForecaster.Point[] b = DailyForecaster.runRate(hist, horizon, coverage);
            origins++;
            for (int h = 0; h < horizon; h++) {
                double actual = y[origin + h];
                if (actual != 0) {
                    mApe += Math.abs(actual - m[h].expected()) / Math.abs(actual);
                    bApe += Math.abs(actual - b[h].expected()) / Math.abs(actual);
                    apeN++;
                }
                if (actual >= m[h].low() && actual <= m[h].high()) mIn++;
                if (actual >= b[h].low() && actual <= b[h].high()) bIn++;
                n++;
            }
        }
        return new Score(name, origins, apeN == 0 ? Double.NaN : 100 * mApe / apeN, apeN == 0 ? Double.NaN : 100 * bApe / apeN,
                n == 0 ? Double.NaN : (double) mIn / n, n == 0 ? Double.NaN : (double) bIn / n);
    }

    /** Pools the series: MAPE and coverage averaged over series that had any origin and any non-zero actual. */
    public static Summary summarise(List<Score> scores) {
        List<Score> valid = new ArrayList<>();
        for (Score s : scores) if (s.origins() > 0 && !Double.isNaN(s.modelMape())) valid.add(s);
        double mm = valid.stream().mapToDouble(Score::modelMape).average().orElse(Double.NaN);
        double bm = valid.stream().mapToDouble(Score::baselineMape).average().orElse(Double.NaN);
        double mc = valid.stream().mapToDouble(Score::modelCoverage).average().orElse(Double.NaN);
        double bc = valid.stream().mapToDouble(Score::baselineCoverage).average().orElse(Double.NaN);
        int wins = (int) valid.stream().filter(s -> s.modelMape() < s.baselineMape()).count();
        return new Summary(List.copyOf(valid), mm, bm, mc, bc, wins);
    }
}

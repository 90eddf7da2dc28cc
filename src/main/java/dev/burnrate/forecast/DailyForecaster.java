package dev.burnrate.forecast;

import java.util.Arrays;

/**
 * Daily spend projection with weekly seasonality and a prediction interval.
 * <ol>
 *   <li>Weekly profile: for each weekday, the median ratio of the day to its surrounding 7-day mean over the
 *       last 8 weeks (1.0 everywhere with less than two weeks of history, or when the profile is flat).</li>
 *   <li>Level and damped trend: Holt's linear method on the de-seasonalised series, with the smoothing
 *       weights picked from a small grid by the 1..h-step-ahead error on the history itself.</li>
 *   <li>Interval: the spread of the in-sample h-step errors (empirical quantiles at the requested coverage),
 *       so it widens with the horizon the way the model's own errors did.</li>
 * </ol>
 * Works on doubles: a forecast is an estimate, not ledger money; reports round it at the boundary.
 */
public final class DailyForecaster {
    private static final double[] ALPHAS = {0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9};
    private static final double[] BETAS = {0.0, 0.05, 0.1, 0.2};
    private static final double PHI = 0.9;

    /** One projected day: expected value and the interval [low, high]. */
    public record Point(int dayOffset, double expected, double low, double high) {
    }

    /** The projected days and the interval of their total (see {@link #project}). */
    public record Projection(Point[] days, double totalLow, double totalHigh) {
    }

    /**
     * @param history  daily values, oldest first, the last one is the day before the first forecast day
     * @param firstDow weekday (0 = Monday) of {@code history[0]}
     * @param coverage interval coverage, e.g. 0.8
     */
    public Point[] forecast(double[] history, int firstDow, int horizon, double coverage) {
        return project(history, firstDow, horizon, coverage).days();
    }

    /**
     * The days of {@link #forecast}, and the interval of their total over the horizon at the same coverage. The sum of
     * the daily bounds would be the interval of a total whose days all err at their bound at once: for a team at
     * 2,500-5,500 a day with runs of 15,000-18,000 for 1-3 days, its daily 80% bounds were 0-14,000, and a month's
     * added to 0-512,000 around 212,000. Instead, the wider of the model's own width for a total (the one-day errors'
     * spread, each day's error carried into the level and trend of the days after it, weekday by weekday; over one day,
     * that day's own width) and the spread of the history's own errors of totals over as many days, where it holds 5
     * (overlapping spans: weak evidence, which only ever widens it); never wider than the sum of the daily bounds,
     * which is also what a history of fewer than 5 one-day errors gets. Low never below 0. On simulated bursty spend
     * with two months of history (`DailyForecasterTest`, bench/RESULTS.md) it covers 78-88% for 80% at 38-58% of the
     * added bounds' width, which covered 94-99%.
     */
    public Projection project(double[] history, int firstDow, int horizon, double coverage) {
        if (history.length == 0) throw new IllegalArgumentException("no history to forecast from");
        if (horizon < 1) throw new IllegalArgumentException("horizon must be at least 1 day, was " + horizon);
        int n = history.length;
        double[] season = weeklyProfile(history, firstDow);
        double[] des = new double[n];
        for (int t = 0; t < n; t++) des[t] = history[t] / season[(firstDow + t) % 7];
        double[] ab = weights(des, horizon);
        double bestA = ab[0];
        double bestB = ab[1];
        double[] lt = fit(des, bestA, bestB);
        double level = lt[0];
        double trend = lt[1];
        Errors errs = hStepErrors(history, season, firstDow, bestA, bestB, horizon);
        double[][] errors = errs.perDay();
        double sigma1 = stdev(errors[0]);
        double zc = coverageZ(coverage);
        Point[] out = new Point[horizon];
        double damp = 0;
        for (int h = 1; h <= horizon; h++) {
            damp += Math.pow(PHI, h);
            double s = season[(firstDow + n + h - 1) % 7];
            double expected = Math.max(0, (level + damp * trend) * s);
            double[] e = errors[h - 1];
            // the analytic width of exponential smoothing, sigma1 * sqrt(1 + (h-1) alpha^2), keeps the interval honest
            // where the in-sample error quantiles are few or optimistic; the wider of the two is used
            double analytic = zc * sigma1 * Math.sqrt(1 + (h - 1) * bestA * bestA) * s;
            double lo = expected - analytic;
            double hi = expected + analytic;
            if (e.length >= 5) {
                lo = Math.min(lo, expected + quantile(e, (1 - coverage) / 2) * s);
                hi = Math.max(hi, expected + quantile(e, 1 - (1 - coverage) / 2) * s);
            }
            out[h - 1] = new Point(h, expected, Math.max(0, Math.min(lo, expected)), Math.max(hi, expected));
        }
        double[] total = totalInterval(out, season, firstDow, n, bestA, bestB, errors[0].length < 5 ? null : sigma1, errs.totals(), coverage);
        return new Projection(out, total[0], total[1]);
    }

    /**
     * The interval of the total of {@code days} (see {@link #project}): {@code sigma1}, the spread of the one-day
     * errors (de-seasonalised; null where the history holds fewer than 5), {@code totals} the history's errors of such
     * totals (sorted).
     */
    private static double[] totalInterval(Point[] days, double[] season, int firstDow, int n, double a, double b, Double sigma1,
                                          double[] totals, double coverage) {
        int horizon = days.length;
        double expected = 0;
        double sumLow = 0;
        double sumHigh = 0;
        for (Point d : days) {
            expected += d.expected();
            sumLow += d.low();
            sumHigh += d.high();
        }
        if (sigma1 == null) return new double[]{sumLow, sumHigh};
        // the model's own width for a total: a shock of the one-day spread (de-seasonalised) on day i is that day's
        // error, times its weekday, and moves the level of each later day m by c(m - i), times that day's weekday,
        // c(k) = a + a b (phi + ... + phi^k): the level's weight and the trend's (as fit() updates them). The shocks are
        // independent: their effects on the total add in quadrature
        double[] c = new double[horizon];
        double phiSum = 0;
        for (int k = 1; k < horizon; k++) {
            phiSum += Math.pow(PHI, k);
            c[k] = a + a * b * phiSum;
        }
        double v = 0;
        for (int i = 1; i <= horizon; i++) {
            double w = season[(firstDow + n + i - 1) % 7];
            for (int m = i + 1; m <= horizon; m++) w += c[m - i] * season[(firstDow + n + m - 1) % 7];
            v += w * w;
        }
        double half = coverageZ(coverage) * sigma1 * Math.sqrt(v);
        double lo = expected - half;
        double hi = expected + half;
        // and the history's own errors of such totals, where it holds 5 of them (bursts make the errors skewed)
        if (totals.length >= 5) {
            lo = Math.min(lo, expected + quantile(totals, (1 - coverage) / 2));
            hi = Math.max(hi, expected + quantile(totals, 1 - (1 - coverage) / 2));
        }
        return new double[]{Math.max(0, Math.max(sumLow, Math.min(lo, expected))), Math.min(sumHigh, Math.max(hi, expected))};
    }

    /** The smoothing weights {a, b} with the smallest 1..h-step error on the history (as {@link #forecast} picks them). */
    private static double[] weights(double[] des, int horizon) {
        double bestErr = Double.POSITIVE_INFINITY;
        double[] best = {0.3, 0};
        for (double a : ALPHAS) {
            for (double b : BETAS) {
                double e = multiStepError(des, a, b, Math.min(horizon, 28));
                if (e < bestErr) {
                    bestErr = e;
                    best = new double[]{a, b};
                }
            }
        }
        return best;
    }

    /** The naive run-rate baseline: the mean of the last 7 days, flat, with the spread of daily values as its interval. */
    public static Point[] runRate(double[] history, int horizon, double coverage) {
        int n = history.length;
        int from = Math.max(0, n - 7);
        double mean = Arrays.stream(history, from, n).average().orElse(0);
        double sd = stdev(Arrays.copyOfRange(history, Math.max(0, n - 28), n));
        double zc = coverageZ(coverage);
        Point[] out = new Point[horizon];
        for (int h = 1; h <= horizon; h++) out[h - 1] = new Point(h, mean, Math.max(0, mean - zc * sd), mean + zc * sd);
        return out;
    }

    private static double coverageZ(double coverage) {
        if (coverage >= 0.95) return 1.96;
        if (coverage >= 0.9) return 1.645;
        if (coverage >= 0.8) return 1.2816;
        return 0.6745;
    }

    static double[] weeklyProfile(double[] y, int firstDow) {
        double[] s = new double[7];
        Arrays.fill(s, 1.0);
        int n = y.length;
        if (n < 14) return s;
        int from = Math.max(3, n - 56);
        double[][] ratios = new double[7][n];
        int[] count = new int[7];
        for (int t = from; t < n - 3; t++) {
            double m = 0;
            for (int k = t - 3; k <= t + 3; k++) m += y[k];
            m /= 7;
            if (m <= 0) continue;
            int d = (firstDow + t) % 7;
            ratios[d][count[d]++] = y[t] / m;
        }
        for (int d = 0; d < 7; d++) {
            if (count[d] < 2) return new double[]{1, 1, 1, 1, 1, 1, 1};
            double[] r = Arrays.copyOf(ratios[d], count[d]);
            Arrays.sort(r);
            s[d] = r[r.length / 2];
        }
        double mean = Arrays.stream(s).average().orElse(1);
        for (int d = 0; d < 7; d++) s[d] = mean <= 0 ? 1 : s[d] / mean;
        // a profile within ±3% of flat is noise: leave the series unseasoned
        boolean flat = Arrays.stream(s).allMatch(v -> Math.abs(v - 1) < 0.03);
        if (flat || Arrays.stream(s).anyMatch(v -> v <= 0.05)) Arrays.fill(s, 1.0);
        return s;
    }

    private static double[] fit(double[] y, double a, double b) {
        double level = y[0];
        double trend = 0;
        for (int t = 1; t < y.length; t++) {
            double prevLevel = level;
            level = a * y[t] + (1 - a) * (level + PHI * trend);
            trend = b * (level - prevLevel) + (1 - b) * PHI * trend;
        }
        return new double[]{level, trend};
    }

    /** Mean absolute error of the 1..h-step forecasts from every origin of the history: the objective the forecast serves. */
    private static double multiStepError(double[] y, double a, double b, int h) {
        double level = y[0];
        double trend = 0;
        double err = 0;
        for (int t = 1; t < y.length; t++) {
            double damp = 0;
            for (int k = 1; k <= h && t - 1 + k < y.length; k++) {
                damp += Math.pow(PHI, k);
                err += Math.abs(y[t - 1 + k] - (level + damp * trend));
            }
            double f = level + PHI * trend;
            double prevLevel = level;
            level = a * y[t] + (1 - a) * f;
            trend = b * (level - prevLevel) + (1 - b) * PHI * trend;
        }
        return err;
    }

    /**
     * In-sample errors (actual − forecast) from every origin of the history, from its 14th day (or the first third of a
     * shorter history): per day ahead h = 1..horizon in de-seasonalised units, and of the total over the whole horizon
     * in the series' own units (origins that have all of its days); each sorted.
     */
    private record Errors(double[][] perDay, double[] totals) {
    }

    private static Errors hStepErrors(double[] y, double[] season, int firstDow, double a, double b, int horizon) {
        int n = y.length;
        double[][] errs = new double[horizon][];
        int[] counts = new int[horizon];
        double[][] tmp = new double[horizon][Math.max(1, n)];
        double[] totals = new double[Math.max(1, n)];
        int nTotals = 0;
        double level = y[0] / season[firstDow % 7];
        double trend = 0;
        for (int t = 1; t < n; t++) {
            double damp = 0;
            double total = 0;
            boolean judged = t >= Math.min(14, n / 3);
            for (int h = 1; h <= horizon && t - 1 + h < n; h++) {
                damp += Math.pow(PHI, h);
                double f = (level + damp * trend);
                double s = season[(firstDow + t - 1 + h) % 7];
                double actual = y[t - 1 + h] / s;
                if (judged) tmp[h - 1][counts[h - 1]++] = actual - f;
                total += (actual - f) * s;
            }
            if (judged && t - 1 + horizon < n) totals[nTotals++] = total;
            double x = y[t] / season[(firstDow + t) % 7];
            double prevLevel = level;
            double f1 = level + PHI * trend;
            level = a * x + (1 - a) * f1;
            trend = b * (level - prevLevel) + (1 - b) * PHI * trend;
        }
        for (int h = 0; h < horizon; h++) {
            errs[h] = Arrays.copyOf(tmp[h], counts[h]);
            Arrays.sort(errs[h]);
        }
        double[] tot = Arrays.copyOf(totals, nTotals);
        Arrays.sort(tot);
        return new Errors(errs, tot);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(sorted.length - 1, i + 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    private static double stdev(double[] v) {
        if (v.length < 2) return 0;
        double m = Arrays.stream(v).average().orElse(0);
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }
}

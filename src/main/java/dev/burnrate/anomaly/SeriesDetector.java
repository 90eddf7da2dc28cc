package dev.burnrate.anomaly;

import java.util.Arrays;

/**
 * Causal anomaly scoring of one evenly spaced series: each point is judged only from the points before it.
 * <ol>
 *   <li>Expected value: the median of the same phase in up to {@code K} previous seasons (days for
 *       intraday data, weeks for daily data), shifted by how far the recent level has moved since
 *       then (trend and level shifts); without enough history, the recent median.</li>
 *   <li>Scale: the median absolute deviation of recent residuals, floored so flat series do not
 *       turn every wobble into an alarm.</li>
 *   <li>Score: the robust z-score |residual| / scale, mapped to [0, 1); a point is anomalous when its
 *       z-score passes the threshold and the residual is a meaningful share of the expected level.</li>
 * </ol>
 * Missing points are NaN and are skipped everywhere. Values are telemetry or estimates, not ledger money.
 */
public final class SeriesDetector {
    /** Tuning, with defaults chosen on the development split as a whole (not per series). */
    public record Settings(double zThreshold, double minRelativeChange, int seasons) {
        public Settings {
            if (zThreshold <= 0) throw new IllegalArgumentException("zThreshold must be positive, was " + zThreshold);
            if (minRelativeChange < 0) throw new IllegalArgumentException("minRelativeChange must not be negative, was " + minRelativeChange);
            if (seasons < 0) throw new IllegalArgumentException("seasons must not be negative, was " + seasons);
        }

        /** Chosen by a grid over the whole anomaly-dev split (z 4-6, change 0.3-0.5, seasons 0/7), not per series. */
        public static Settings defaults() {
            return new Settings(5.0, 0.5, 7);
        }
    }

    /** Per point: expected value, the scale of normal deviation, robust z-score, score in [0, 1), flag. */
    public record Scores(double[] expected, double[] scale, double[] z, double[] score, boolean[] anomaly) {
    }

    private final Settings settings;

    public SeriesDetector(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param values evenly spaced values (NaN = missing)
     * @param period points per season (e.g. 24 for hourly data with a daily cycle, 7 for daily data); 0 = none
     */
    public Scores score(double[] values, int period) {
        int n = values.length;
        double[] expected = new double[n];
        double[] scales = new double[n];
        double[] z = new double[n];
        double[] score = new double[n];
        boolean[] flag = new boolean[n];
        double[] residuals = new double[n];
        double[] levels = new double[n];
        Arrays.fill(residuals, Double.NaN);
        Arrays.fill(expected, Double.NaN);
        int levelWindow = period > 1 ? Math.max(3, Math.min(period / 4, 60)) : 7;
        int residualWindow = period > 1 ? Math.max(4 * levelWindow, Math.min(2 * period, 2000)) : 28;
        double[] buf = new double[Math.max(Math.max(levelWindow, residualWindow), settings.seasons() * 3 + 3)];
        double quantum = Double.POSITIVE_INFINITY; // the smallest step the data has taken so far: 1 for counts
        double previous = Double.NaN;
        for (int t = 0; t < n; t++) {
            double x = values[t];
            double level = median(values, t - levelWindow, t, buf);
            levels[t] = level;
            if (Double.isNaN(level)) continue;
            double exp = level;
            if (period > 1 && t >= period) {
                int m = 0;
                for (int k = 1; k <= settings.seasons() && t - k * period >= 0; k++) {
                    int s = t - k * period;
                    double past = values[s];
                    double pastLevel = levels[s];
                    if (!Double.isNaN(past) && !Double.isNaN(pastLevel)) buf[m++] = past - pastLevel;
                }
                if (m >= 2) exp = level + medianOf(buf, m);
            }
            expected[t] = exp;
            if (Double.isNaN(x)) continue;
            double r = x - exp;
            double scale = madScale(residuals, t - residualWindow, t, buf);
            double floor = Math.max(1e-9, 0.01 * Math.abs(level));
            if (quantum != Double.POSITIVE_INFINITY) floor = Math.max(floor, quantum);
            if (Double.isNaN(scale) || scale < floor) scale = floor;
            double zt = Math.abs(r) / scale;
            scales[t] = scale;
            z[t] = zt;
            score[t] = zt / (zt + settings.zThreshold());
            flag[t] = t >= Math.min(n / 10, 2 * Math.max(period, levelWindow)) && zt >= settings.zThreshold()
                    && Math.abs(r) >= settings.minRelativeChange() * Math.max(Math.abs(exp), 1e-9);
            // a flagged point enters the residual history clipped, so one spike does not blind the next hours
            residuals[t] = flag[t] ? Math.signum(r) * settings.zThreshold() * scale : r;
            if (!Double.isNaN(previous) && x != previous) quantum = Math.min(quantum, Math.abs(x - previous));
            previous = x;
        }
        return new Scores(expected, scales, z, score, flag);
    }

    private static double median(double[] v, int from, int to, double[] buf) {
        int m = 0;
        for (int i = Math.max(0, from); i < to; i++) if (!Double.isNaN(v[i])) buf[m++] = v[i];
        return m == 0 ? Double.NaN : medianOf(buf, m);
    }

    private static double madScale(double[] r, int from, int to, double[] buf) {
        int m = 0;
        for (int i = Math.max(0, from); i < to; i++) if (!Double.isNaN(r[i])) buf[m++] = r[i];
        if (m < 5) return Double.NaN;
        double med = medianOf(buf, m);
        double meanAbs = 0;
        for (int i = 0; i < m; i++) {
            buf[i] = Math.abs(buf[i] - med);
            meanAbs += buf[i];
        }
        // MAD is 0 on sparse counts (mostly zeros); the mean absolute deviation keeps a sane floor there
        return Math.max(1.4826 * medianOf(buf, m), 1.2533 * meanAbs / m);
    }

    static double medianOf(double[] a, int m) {
        Arrays.sort(a, 0, m);
        return (m & 1) == 1 ? a[m / 2] : (a[m / 2 - 1] + a[m / 2]) / 2;
    }
}

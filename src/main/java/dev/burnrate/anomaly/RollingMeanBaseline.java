package dev.burnrate.anomaly;

/**
 * The baseline of many FinOps guides (baseline A of ../shared/tools/README.md): flag a point above the mean of the
 * previous {@code window} points plus two standard deviations, once that window is full. Causal. Its continuous
 * score is z / (z + 2), so 0.5 is exactly the flag rule. Kept to measure the real detector against.
 */
public final class RollingMeanBaseline {
    private RollingMeanBaseline() {
    }

    public static SeriesDetector.Scores score(double[] v, int window) {
        int n = v.length;
        double[] expected = new double[n];
        double[] z = new double[n];
        double[] scales = new double[n];
        double[] score = new double[n];
        boolean[] flag = new boolean[n];
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (int t = 0; t < n; t++) {
            // the window is rows [t - window, t); missing rows count as rows but carry no value
            if (t >= window && count >= 2) {
                double mean = sum / count;
                double sd = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
                expected[t] = mean;
                scales[t] = sd;
                if (!Double.isNaN(v[t])) {
                    double above = v[t] - mean;
                    double zt = above <= 0 ? 0 : sd == 0 ? 10 : above / sd;
                    z[t] = zt;
                    score[t] = zt / (zt + 2);
                    flag[t] = zt > 2;
                }
            } else {
                expected[t] = Double.NaN;
            }
            if (!Double.isNaN(v[t])) {
                sum += v[t];
                sumSq += v[t] * v[t];
                count++;
            }
            int out = t - window + 1;
            if (out >= 0 && !Double.isNaN(v[out])) {
                sum -= v[out];
                sumSq -= v[out] * v[out];
                count--;
            }
        }
        return new SeriesDetector.Scores(expected, scales, z, score, flag);
    }
}

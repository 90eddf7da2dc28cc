import dev.burnrate.anomaly.GenericSeries;
import dev.burnrate.anomaly.SeriesDetector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Writes detections for every series of a labelled data folder (same relative paths) for the scorers in
 * ../shared/tools. Usage: AnomalyEval DATA OUT ROBUST|BASELINE|ZSCORE [threshold fullEvidence cusumDrift seasons]
 * (the optional four override SeriesDetector's defaults, for a sweep; the figures reported use the defaults).
 * ZSCORE is the reference the issue quotes a held-out figure for: a plain causal z-score over the last 200 points,
 * two-sided, flagged beyond 3 (score |z| / (|z| + 3), so 0.5 is the flag rule). It lives here, not in the product.
 */
public class AnomalyEval {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        Path out = Path.of(a[1]);
        boolean zscore = a[2].equals("ZSCORE");
        GenericSeries.Method m = zscore ? null : GenericSeries.Method.valueOf(a[2]);
        SeriesDetector.Settings s = a.length > 3
                ? new SeriesDetector.Settings(Double.parseDouble(a[3]), Double.parseDouble(a[4]), Double.parseDouble(a[5]), Integer.parseInt(a[6]))
                : SeriesDetector.Settings.defaults();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                GenericSeries.Series series = GenericSeries.read(f, "TimeStamp", "Value");
                GenericSeries.write(out.resolve(data.relativize(f)), series,
                        zscore ? zscore(series.values(), 200) : GenericSeries.score(series, m, s));
            }
        }
    }

    /** |z| of each point against the mean and standard deviation of the last {@code window} values before it (missing ones skipped). */
    static SeriesDetector.Scores zscore(double[] v, int window) {
        int n = v.length;
        double[] expected = new double[n];
        double[] scale = new double[n];
        double[] z = new double[n];
        double[] score = new double[n];
        boolean[] flag = new boolean[n];
        java.util.ArrayDeque<Double> last = new java.util.ArrayDeque<>();
        double sum = 0;
        double sumSq = 0;
        for (int t = 0; t < n; t++) {
            expected[t] = Double.NaN;
            if (last.size() == window && !Double.isNaN(v[t])) {
                double mean = sum / window;
                double sd = Math.sqrt(Math.max(0, sumSq / window - mean * mean));
                double zt = sd == 0 ? (v[t] == mean ? 0 : 10) : Math.abs(v[t] - mean) / sd;
                expected[t] = mean;
                scale[t] = sd;
                z[t] = zt;
                score[t] = zt / (zt + 3);
                flag[t] = zt > 3;
            }
            if (!Double.isNaN(v[t])) {
                last.addLast(v[t]);
                sum += v[t];
                sumSq += v[t] * v[t];
                if (last.size() > window) {
                    double o = last.removeFirst();
                    sum -= o;
                    sumSq -= o * o;
                }
            }
        }
        return new SeriesDetector.Scores(expected, scale, z, score, flag);
    }
}

import dev.burnrate.anomaly.RollingMeanBaseline;
import dev.burnrate.anomaly.SeriesDetector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * How often the detector alarms on ordinary series, where nothing happens: the calibration a sweep of one threshold
 * over many series depends on. Ten seeds of 8,000 points per kind (the first 1,000 only learn), alarms per 1,000
 * points at three thresholds and the share of points scoring above 0, for the robust detector with its defaults and,
 * in the same run, the rolling 7-day mean + 2 sigma baseline (168 points). No labels and nothing tuned: these are the
 * shapes of signal the held-out sets may hold that the dev sets have little of.
 * Usage: java -cp "target/classes:target/lib/*" bench/AnomalyNullRates.java
 */
public class AnomalyNullRates {
    interface Gen {
        double[] make(Random r, int n);
    }

    record Kind(int period, Gen gen) {
    }

    public static void main(String[] a) {
        int n = 8000;
        Map<String, Kind> kinds = new LinkedHashMap<>();
        kinds.put("gaussian", new Kind(0, (r, m) -> fill(m, i -> 100 + 5 * r.nextGaussian())));
        kinds.put("random walk", new Kind(0, (r, m) -> { double[] x = {100}; return fill(m, i -> x[0] += r.nextGaussian()); }));
        kinds.put("random walk + noise", new Kind(0, (r, m) -> { double[] x = {100}; return fill(m, i -> (x[0] += 0.3 * r.nextGaussian()) + 2 * r.nextGaussian()); }));
        kinds.put("AR(1) 0.95", new Kind(0, (r, m) -> { double[] x = {0}; return fill(m, i -> 100 + (x[0] = 0.95 * x[0] + r.nextGaussian())); }));
        kinds.put("5-min daily, noise x level", new Kind(288, (r, m) -> fill(m, i -> 1000 * (1 + 0.6 * Math.sin(2 * Math.PI * i / 288)) * (1 + 0.08 * r.nextGaussian()))));
        kinds.put("counts, mean 0.5", new Kind(0, (r, m) -> fill(m, i -> poisson(r, 0.5))));
        kinds.put("counts, mean 20", new Kind(0, (r, m) -> fill(m, i -> poisson(r, 20))));
        kinds.put("bursty counts, daily", new Kind(288, (r, m) -> fill(m, i -> Math.round(20 * Math.exp(0.5 * r.nextGaussian()) * (1 + 0.5 * Math.sin(2 * Math.PI * i / 288))))));
        kinds.put("CPU %, 1% spikes", new Kind(288, (r, m) -> fill(m, i -> Math.max(0, Math.min(100, 3 + Math.abs(2 * r.nextGaussian()) + (r.nextDouble() < 0.01 ? 30 * r.nextDouble() : 0))))));
        kinds.put("cycle of 100 points", new Kind(288, (r, m) -> fill(m, i -> 50 + 20 * Math.sin(2 * Math.PI * i / 100) + r.nextGaussian())));
        // a GPU's duty cycle per minute: idle (0) for a geometric stretch of mean 20 minutes, then busy for one of mean 5
        // at 20-95%, as the busiest serving pods of the Alibaba GenAI trace
        kinds.put("GPU idle, then busy (1 min)", new Kind(1440, (r, m) -> { boolean[] busy = {false}; return fill(m, i -> {
            if (r.nextDouble() < (busy[0] ? 0.2 : 0.05)) busy[0] = !busy[0];
            return busy[0] ? 20 + 75 * r.nextDouble() : 0; }); }));
        kinds.put("sensor, 0.1 steps", new Kind(0, (r, m) -> fill(m, i -> Math.round((20 + 0.4 * r.nextGaussian()) * 10) / 10.0)));
        SeriesDetector robust = new SeriesDetector(SeriesDetector.Settings.defaults());
        System.out.printf("%-28s %-9s %7s %9s %9s %9s %6s%n", "ordinary series", "detector", ">0 %", "≥0.25/1k", "≥0.5/1k", "≥0.75/1k", "max");
        for (Map.Entry<String, Kind> e : kinds.entrySet()) {
            for (String d : new String[]{"robust", "baseline"}) {
                long pos = 0, a25 = 0, a50 = 0, a75 = 0, total = 0;
                double max = 0;
                for (int seed = 0; seed < 10; seed++) {
                    double[] v = e.getValue().gen().make(new Random(seed), n);
                    double[] s = d.equals("robust") ? robust.score(v, e.getValue().period()).score() : RollingMeanBaseline.score(v, 168).score();
                    for (int i = 1000; i < n; i++) {
                        total++;
                        if (s[i] > 0) pos++;
                        if (s[i] >= 0.25) a25++;
                        if (s[i] >= 0.5) a50++;
                        if (s[i] >= 0.75) a75++;
                        max = Math.max(max, s[i]);
                    }
                }
                System.out.printf("%-28s %-9s %7.2f %9.2f %9.2f %9.2f %6.2f%n", e.getKey(), d, 100.0 * pos / total, 1000.0 * a25 / total,
                        1000.0 * a50 / total, 1000.0 * a75 / total, max);
            }
        }
    }

    private static double[] fill(int n, java.util.function.IntToDoubleFunction f) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = f.applyAsDouble(i);
        return v;
    }

    private static int poisson(Random r, double mean) {
        double limit = Math.exp(-mean), p = 1;
        int k = 0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > limit);
        return k - 1;
    }
}

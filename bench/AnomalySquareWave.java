import dev.burnrate.anomaly.SeriesDetector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A probe of a shape server metrics have and the dev sets have little of: a daily square wave at 5 minutes (20 at
 * night, 80 from 08:00 to 19:00, one-hour ramps, Gaussian noise of 2), 14 days, with one incident of each kind on day
 * 10 from 06:00. Per kind and seed: the highest score inside the incident's window (10% of the series around its onset,
 * as `anomaly_window_score.py` sizes it), the highest outside it, the first alarm (score ≥ 0.5) in the window in points
 * after the onset, and the alarms outside the window after the scorer's learning period (the first 15%, at most 750
 * points). Nothing tuned on it; see bench/RESULTS.md.
 * Usage: java -cp "target/classes:target/lib/*" bench/AnomalySquareWave.java
 */
public class AnomalySquareWave {
    interface Kind {
        double value(int i, Random r, boolean in);
    }

    static final int DAY = 288;

    /** The wave at point i, its daytime high at {@code high}. */
    static double wave(int i, Random r, double high) {
        double h = (i % DAY) / 12.0;
        double up = h < 7 ? 0 : h < 8 ? h - 7 : h < 19 ? 1 : h < 20 ? 20 - h : 0;
        return 20 + (high - 20) * up + 2 * r.nextGaussian();
    }

    public static void main(String[] args) {
        int n = 14 * DAY;
        int at = 10 * DAY + 6 * 12;
        Map<String, Kind> kinds = new LinkedHashMap<>();
        kinds.put("day's high at 120", (i, r, in) -> wave(i, r, in ? 120 : 80));
        kinds.put("day's high at 50", (i, r, in) -> wave(i, r, in ? 50 : 80));
        kinds.put("flat at 40", (i, r, in) -> in ? 40 + 0.5 * r.nextGaussian() : wave(i, r, 80));
        kinds.put("no high", (i, r, in) -> wave(i, r, in ? 20 : 80));
        kinds.put("0 for 12 hours", (i, r, in) -> in && i < at + DAY / 2 ? 0 : wave(i, r, 80));
        kinds.put("spikes x15", (i, r, in) -> wave(i, r, 80) + (r.nextDouble() < (in ? 0.05 : 0.003) ? 30 : 0));
        kinds.put("noise x3", (i, r, in) -> wave(i, r, 80) + (in ? 4 * r.nextGaussian() : 0));
        kinds.put("level +10 from then", (i, r, in) -> wave(i, r, 80) + (i >= at ? 10 : 0));
        kinds.put("ramp +30 over a day", (i, r, in) -> wave(i, r, 80) + (i >= at ? Math.min(30, 30.0 * (i - at) / DAY) : 0));
        kinds.put("no incident", (i, r, in) -> wave(i, r, 80));
        SeriesDetector detector = new SeriesDetector(SeriesDetector.Settings.defaults());
        int half = n / 10 / 2;
        int probation = Math.min(n * 15 / 100, 750);
        System.out.printf("%-20s %4s %8s %8s %6s %9s%n", "incident", "seed", "in max", "out max", "first", "alarms out");
        for (Map.Entry<String, Kind> e : kinds.entrySet()) {
            boolean none = e.getKey().equals("no incident");
            for (int seed = 0; seed < 3; seed++) {
                Random r = new Random(seed);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = e.getValue().value(i, r, !none && i >= at && i < at + DAY);
                double[] s = detector.score(v, DAY).score();
                double inMax = 0;
                double outMax = 0;
                int first = -1;
                int out = 0;
                for (int i = probation; i < n; i++) {
                    if (!none && i >= at - half && i <= at + half) {
                        inMax = Math.max(inMax, s[i]);
                        if (first < 0 && s[i] >= 0.5) first = i - at;
                    } else {
                        outMax = Math.max(outMax, s[i]);
                        if (s[i] >= 0.5) out++;
                    }
                }
                System.out.printf("%-20s %4d %8.2f %8.2f %6s %9d%n", e.getKey(), seed, inMax, outMax, first < 0 ? "-" : String.valueOf(first), out);
            }
        }
    }
}

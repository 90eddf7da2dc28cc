import dev.burnrate.anomaly.RollingMeanBaseline;
import dev.burnrate.anomaly.SeriesDetector;

import java.util.SplittableRandom;

/**
 * Scores 10,000 daily series of 400 days (weekly season, trend, noise, a few spikes) with the robust detector,
 * and, in the same run as the reference, with the rolling 7-day mean + 2 sigma baseline. Target: under 10 s.
 */
public class AnomalyBench {
    public static void main(String[] args) {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int days = 400;
        SplittableRandom rnd = new SplittableRandom(3);
        double[][] data = new double[series][days];
        for (double[] s : data) {
            double base = 50 + rnd.nextDouble() * 5000;
            for (int d = 0; d < days; d++) {
                double weekly = (d % 7 >= 5) ? 0.7 : 1.0;
                s[d] = base * weekly * (1 + d * 0.001) * (1 + 0.05 * rnd.nextGaussian());
                if (rnd.nextInt(200) == 0) s[d] *= 3;
            }
        }
        SeriesDetector detector = new SeriesDetector(SeriesDetector.Settings.defaults());
        for (int warm = 0; warm < 200; warm++) detector.score(data[warm], 7);
        long t0 = System.nanoTime();
        long flagged = 0;
        for (double[] s : data) for (boolean b : detector.score(s, 7).anomaly()) if (b) flagged++;
        double robust = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        long baseFlags = 0;
        for (double[] s : data) for (boolean b : RollingMeanBaseline.score(s, 7).anomaly()) if (b) baseFlags++;
        double baseline = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d series x %d days: robust detector %.2f s (%.0f points/s, %d flagged); "
                        + "reference rolling mean+2sd %.2f s (%d flagged); ratio %.1fx%n",
                series, days, robust, series * (double) days / robust, flagged, baseline, baseFlags, robust / baseline);
    }
}

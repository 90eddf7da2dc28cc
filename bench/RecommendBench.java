import dev.burnrate.app.Wiring;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.Recommendations;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Times the savings engine (every kind of recommendation, as `burnrate recommend` and GET /api/v1/recommendations
 * compute them) on an existing ledger, warm, 5 runs, against a reference in the same run: the cost explorer's
 * team × model × day report over the whole ledger (one scan and group-by of every billing row).
 * Usage: java -cp target/classes:target/lib/* bench/RecommendBench.java LEDGER.duckdb
 */
public class RecommendBench {
    public static void main(String[] args) {
        try (Wiring w = Wiring.open(Path.of(args[0]), null, Clock.systemUTC())) {
            System.out.printf("ledger rows=%d%n", w.costs().recordCount());
            double ref = time("reference: team,model × day (whole ledger)",
                    () -> w.costs().costs(CostQueryParser.parse("team,model", null, null, "day", "effective", List.of())).rows().size());
            Recommendations.Listing[] last = new Recommendations.Listing[1];
            double rec = time("recommendations (all kinds)", () -> {
                last[0] = w.recommendations().list(Recommendations.Filter.ALL);
                return last[0].recommendations().size();
            });
            Map<Recommendation.Kind, Integer> byKind = new TreeMap<>();
            for (Recommendation r : last[0].recommendations()) byKind.merge(r.kind(), 1, Integer::sum);
            System.out.printf("by kind: %s%n", byKind);
            System.out.printf("ratio recommendations / reference: %.2fx%n", rec / ref);
        }
    }

    private static double time(String name, Supplier<Integer> work) {
        work.get(); // warm
        double[] ms = new double[5];
        int n = 0;
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            n = work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%s: results=%d median=%.0f ms min=%.0f ms max=%.0f ms%n", name, n, ms[2], ms[0], ms[4]);
        return ms[2];
    }
}

import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.store.Database;
import dev.burnrate.store.DuckCostLedger;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Times the cost explorer's team × model × day report (and a few others) on an existing ledger, warm, 5 runs each. */
public class QueryBench {
    public static void main(String[] args) {
        try (Database db = Database.open(Path.of(args[0]))) {
            DuckCostLedger ledger = new DuckCostLedger(db);
            System.out.printf("ledger rows=%d%n", ledger.recordCount());
            run(ledger, "team,model × day", CostQueryParser.parse("team,model", null, null, "day", "effective", List.of()));
            run(ledger, "ServiceName × month", CostQueryParser.parse("ServiceName", null, null, "month", "billed", List.of()));
            run(ledger, "team=fraud, model × week", CostQueryParser.parse("model", null, null, "week", "effective", List.of("team=fraud")));
            long t0 = System.nanoTime();
            ledger.coverage(null, null);
            System.out.printf("coverage: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        }
    }

    private static void run(DuckCostLedger ledger, String name, CostQuery q) {
        double[] ms = new double[5];
        int rows = 0;
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            CostReport r = ledger.costs(q);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            rows = r.rows().size();
        }
        Arrays.sort(ms);
        System.out.printf("%s: rows=%d median=%.0f ms min=%.0f ms max=%.0f ms%n", name, rows, ms[2], ms[0], ms[4]);
    }
}

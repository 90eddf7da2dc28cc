import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Parquet parts for the ledger-scale bench (issue #17): a FOCUS 1.2 CSV from `burnrate generate focus` (BASE rows) is
 * typed once (amounts DECIMAL(38,18), instants TIMESTAMP, as a provider's Parquet export carries them) and written
 * COPIES times, each copy as another billing account (its own partitions), with its resource ids made unique.
 * Usage: java LedgerScaleGen.java BASE.csv OUT_DIR COPIES   (writes OUT_DIR/part-NNNN.parquet)
 */
public class LedgerScaleGen {
    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]).toAbsolutePath();
        Path out = Path.of(args[1]).toAbsolutePath();
        int copies = Integer.parseInt(args[2]);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("SET preserve_insertion_order = false");
            List<String> cols = new ArrayList<>();
            try (ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM read_csv('" + csv + "', all_varchar = true, nullstr = '')")) {
                while (r.next()) cols.add(r.getString(1));
            }
            List<String> typed = new ArrayList<>();
            for (String col : cols) {
                String id = "\"" + col + "\"";
                if (col.endsWith("Cost") || col.endsWith("Price") || col.endsWith("Quantity")) typed.add("CAST(" + id + " AS DECIMAL(38,18)) AS " + id);
                else if (col.endsWith("PeriodStart") || col.endsWith("PeriodEnd")) typed.add("CAST(CAST(" + id + " AS TIMESTAMPTZ) AS TIMESTAMP) AS " + id);
                else typed.add(id);
            }
            s.execute("CREATE TABLE base AS SELECT " + String.join(", ", typed) + " FROM read_csv('" + csv + "', all_varchar = true, nullstr = '')");
            for (int i = 0; i < copies; i++) {
                List<String> sel = new ArrayList<>();
                for (String col : cols) {
                    String id = "\"" + col + "\"";
                    sel.add(switch (col) {
                        case "BillingAccountId" -> "CAST(" + (100000000001L + i) + " AS VARCHAR) AS " + id;
                        case "InvoiceId" -> id + " || '-" + i + "' AS " + id;
                        case "ResourceId" -> "CASE WHEN " + id + " IS NULL THEN NULL ELSE " + id + " || '-a" + i + "' END AS " + id;
                        default -> id;
                    });
                }
                Path part = out.resolve(String.format("part-%04d.parquet", i));
                s.execute("COPY (SELECT " + String.join(", ", sel) + " FROM base) TO '" + part + "' (FORMAT parquet, COMPRESSION zstd)");
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM base")) {
                r.next();
                System.out.printf("parts=%d rows_per_part=%d rows=%d seconds=%.1f%n", copies, r.getLong(1), r.getLong(1) * copies, (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}

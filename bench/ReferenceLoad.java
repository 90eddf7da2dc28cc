import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Reference for the import benchmark: a plain DuckDB CREATE TABLE AS SELECT * FROM read_csv(file) into a fresh file. */
public class ReferenceLoad {
    public static void main(String[] args) throws Exception {
        String csv = args[0];
        String db = args[1];
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ref AS SELECT * FROM read_csv('" + csv.replace("'", "''") + "')");
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM ref")) {
                r.next();
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("reference rows=%d seconds=%.2f rows_per_s=%.0f%n", r.getLong(1), secs, r.getLong(1) / secs);
            }
        }
    }
}

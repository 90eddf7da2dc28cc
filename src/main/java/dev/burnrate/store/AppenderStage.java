package dev.burnrate.store;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk writes: rows go through the DuckDB Appender into a temporary stage shaped like the target table, then one
 * transaction moves them (replace, de-duplicate, insert). Prepared-statement batches are about 100 times slower.
 */
final class AppenderStage {
    private static final AtomicLong STAGES = new AtomicLong();

    @FunctionalInterface
    interface Rows {
        void append(DuckDBAppender appender) throws SQLException;
    }

    @FunctionalInterface
    interface Move<T> {
        /** Runs inside one transaction; {@code stage} is the stage table's name. */
        T apply(Connection c, Statement s, String stage) throws SQLException;
    }

    private AppenderStage() {
    }

    static <T> T load(Database db, String table, Rows rows, Move<T> move) throws SQLException {
        String stage = table + "_stage_" + STAGES.incrementAndGet();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE " + stage + " AS SELECT * FROM " + table + " LIMIT 0");
            try {
                try (DuckDBAppender a = ((DuckDBConnection) c).createAppender("temp", "main", stage)) {
                    rows.append(a);
                }
                c.setAutoCommit(false);
                T result = move.apply(c, s, stage);
                c.commit();
                c.setAutoCommit(true);
                return result;
            } finally {
                s.execute("DROP TABLE IF EXISTS " + stage);
            }
        }
    }
}

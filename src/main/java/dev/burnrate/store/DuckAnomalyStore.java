package dev.burnrate.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.anomaly.AnomalyStore;
import dev.burnrate.anomaly.CostAnomaly;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

public final class DuckAnomalyStore implements AnomalyStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;

    public DuckAnomalyStore(Database db) {
        this.db = db;
    }

    @Override
    public synchronized void save(CostAnomaly a) {
        try (Connection c = db.connect()) {
            save(c, a);
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("cannot store anomaly " + a.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Inserts the anomaly, or replaces what detection found of it, keeping people's feedback on it (the embedded file's
     * table and the shared state's have the same columns and both take this upsert).
     */
    static void save(Connection c, CostAnomaly a) throws SQLException, com.fasterxml.jackson.core.JsonProcessingException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO anomaly (id, day, hour, dimension, value, currency, actual, expected, low, high, "
                + "impact, score, severity, root_cause, suppressed, incident) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, hour = EXCLUDED.hour, dimension = EXCLUDED.dimension, value = EXCLUDED.value, "
                + "currency = EXCLUDED.currency, actual = EXCLUDED.actual, expected = EXCLUDED.expected, low = EXCLUDED.low, high = EXCLUDED.high, "
                + "impact = EXCLUDED.impact, score = EXCLUDED.score, severity = EXCLUDED.severity, root_cause = EXCLUDED.root_cause, "
                // a rescan does not silence again what people confirmed (true_positive lifts the silence, see feedback)
                + "suppressed = EXCLUDED.suppressed AND (anomaly.feedback IS NULL OR anomaly.feedback <> 'true_positive'), incident = EXCLUDED.incident")) {
            ps.setString(1, a.id());
            ps.setObject(2, a.day());
            ps.setObject(3, a.hour());
            ps.setString(4, a.dimension());
            ps.setString(5, a.value());
            ps.setString(6, a.currency());
            ps.setBigDecimal(7, a.actual());
            ps.setBigDecimal(8, a.expected());
            ps.setBigDecimal(9, a.low());
            ps.setBigDecimal(10, a.high());
            ps.setBigDecimal(11, a.impact());
            ps.setDouble(12, a.score());
            ps.setString(13, a.severity());
            ps.setString(14, JSON.writeValueAsString(a.rootCause()));
            ps.setBoolean(15, a.suppressed());
            ps.setString(16, a.incident());
            ps.executeUpdate();
        }
    }

    @Override
    public List<CostAnomaly> list(LocalDate from, LocalDate to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM anomaly WHERE 1 = 1");
        if (from != null) sql.append(" AND day >= ?");
        if (to != null) sql.append(" AND day < ?");
        sql.append(" ORDER BY day DESC, hour DESC NULLS LAST, abs(impact) DESC LIMIT ").append(Math.max(1, limit));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (from != null) ps.setObject(i++, from);
            if (to != null) ps.setObject(i, to);
            return read(ps);
        } catch (SQLException e) {
            throw new StoreException("cannot list anomalies: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<CostAnomaly> find(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT * FROM anomaly WHERE id = ?")) {
            ps.setString(1, id);
            return read(ps).stream().findFirst();
        } catch (SQLException e) {
            throw new StoreException("cannot read anomaly: " + e.getMessage(), e);
        }
    }

    private static List<CostAnomaly> read(PreparedStatement ps) throws SQLException {
        List<CostAnomaly> out = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) out.add(row(r));
        }
        return out;
    }

    /** An anomaly from its row (the embedded and the shared table have the same columns). */
    static CostAnomaly row(ResultSet r) throws SQLException {
        List<CostAnomaly.Contributor> cause;
        try {
            cause = JSON.readValue(r.getString("root_cause"), new TypeReference<>() {
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            cause = List.of();
        }
        int hour = r.getInt("hour");
        Integer h = r.wasNull() ? null : hour;
        return new CostAnomaly(r.getString("id"), r.getObject("day", LocalDate.class), h, r.getString("dimension"), r.getString("value"),
                r.getString("currency"), r.getBigDecimal("actual"), r.getBigDecimal("expected"), r.getBigDecimal("low"), r.getBigDecimal("high"),
                r.getBigDecimal("impact"), r.getDouble("score"), r.getString("severity"), cause, r.getString("feedback"), r.getBoolean("suppressed"),
                r.getString("incident"), r.getString("feedback_note"), r.getObject("feedback_on", LocalDate.class));
    }

    @Override
    public boolean feedback(String id, CostAnomaly.Feedback verdict, String note, LocalDate on) {
        try (Connection c = db.connect()) {
            return feedback(c, id, verdict, note, on);
        } catch (SQLException e) {
            throw new StoreException("cannot store feedback: " + e.getMessage(), e);
        }
    }

    /**
     * The feedback update on a connection (the embedded file's, or the shared state's transaction). A true_positive
     * also lifts the anomaly's silence, for good (a rescan keeps it lifted, see save): found while an earlier verdict
     * silenced its scope, it is now confirmed (it read "true_positive, suppressed" and stayed off the on-call page).
     */
    static boolean feedback(Connection c, String id, CostAnomaly.Feedback verdict, String note, LocalDate on) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE anomaly SET feedback = ?, feedback_note = ?, feedback_on = ?"
                + (verdict == CostAnomaly.Feedback.TRUE_POSITIVE ? ", suppressed = false" : "") + " WHERE id = ?")) {
            ps.setString(1, verdict.name().toLowerCase(Locale.ROOT));
            ps.setString(2, note);
            ps.setObject(3, on);
            ps.setString(4, id);
            return ps.executeUpdate() > 0;
        }
    }

    @Override
    public List<CostAnomaly> incident(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT * FROM anomaly WHERE id = ? OR incident = ? ORDER BY day, hour NULLS FIRST")) {
            ps.setString(1, id);
            ps.setString(2, id);
            return read(ps);
        } catch (SQLException e) {
            throw new StoreException("cannot read incident " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean retract(String id) {
        try (Connection c = db.connect()) {
            return retract(c, id);
        } catch (SQLException e) {
            throw new StoreException("cannot retract anomaly " + id + ": " + e.getMessage(), e);
        }
    }

    /** The retraction on a connection (the embedded file's, or the shared state's transaction). */
    static boolean retract(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM anomaly WHERE id = ? AND feedback IS NULL")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    @Override
    public boolean dismissedRecently(String dimension, String value, LocalDate from, LocalDate to) {
        try (Connection c = db.connect()) {
            return dismissedRecently(c, dimension, value, from, to);
        } catch (SQLException e) {
            throw new StoreException("cannot read feedback: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a silencing verdict on the scope holds for an anomaly judged with [from, to) (the 7 days before it), on a
     * connection (the embedded file's or the shared state's): one on an anomaly before {@code to} whose day, or the day
     * the verdict was given, is in [from, to). Not every day between the two: "expected" given today on a spike of 40
     * days ago silences the next 7 days, not the 40 between.
     */
    static boolean dismissedRecently(Connection c, String dimension, String value, LocalDate from, LocalDate to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM anomaly WHERE dimension = ? AND value = ? "
                + "AND day < ? AND (day >= ? OR (feedback_on >= ? AND feedback_on < ?)) AND feedback IN ('false_positive', 'expected'))")) {
            ps.setString(1, dimension);
            ps.setString(2, value);
            ps.setObject(3, to);
            ps.setObject(4, from);
            ps.setObject(5, from);
            ps.setObject(6, to);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }
}

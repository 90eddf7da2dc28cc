package dev.burnrate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.anomaly.AnomalyStore;
import dev.burnrate.anomaly.CostAnomaly;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cost anomalies and people's feedback on them, shared by replicas ({@code state:}): every replica's loop detects
 * the same anomalies on the shared ledger and saves them by id (the feedback kept), so feedback given through one
 * replica (a false positive, an expected change) suppresses the scope's next anomalies on all of them.
 */
public final class PgAnomalyStore implements AnomalyStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, day, hour, dimension, value, currency, actual, expected, low, high, impact, score, severity, root_cause, "
            + "suppressed, incident";
    private final PgState state;

    public PgAnomalyStore(PgState state) {
        this.state = state;
    }

    @Override
    public void save(CostAnomaly a) {
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO anomaly (" + COLUMNS + ") VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, hour = EXCLUDED.hour, "
                    + "dimension = EXCLUDED.dimension, value = EXCLUDED.value, currency = EXCLUDED.currency, actual = EXCLUDED.actual, "
                    + "expected = EXCLUDED.expected, low = EXCLUDED.low, high = EXCLUDED.high, impact = EXCLUDED.impact, score = EXCLUDED.score, "
                    + "severity = EXCLUDED.severity, root_cause = EXCLUDED.root_cause, suppressed = EXCLUDED.suppressed, incident = EXCLUDED.incident")) {
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
            } catch (SQLException | JsonProcessingException e) {
                throw new StoreException("cannot store anomaly " + a.id() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public List<CostAnomaly> list(LocalDate from, LocalDate to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM anomaly WHERE TRUE");
        if (from != null) sql.append(" AND day >= ?");
        if (to != null) sql.append(" AND day < ?");
        sql.append(" ORDER BY day DESC, hour DESC NULLS LAST, abs(impact) DESC LIMIT ").append(Math.max(1, limit));
        return query(sql.toString(), "cannot list anomalies", ps -> {
            int i = 1;
            if (from != null) ps.setObject(i++, from);
            if (to != null) ps.setObject(i, to);
        });
    }

    @Override
    public Optional<CostAnomaly> find(String id) {
        return query("SELECT * FROM anomaly WHERE id = ?", "cannot read anomaly", ps -> ps.setString(1, id)).stream().findFirst();
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<CostAnomaly> query(String sql, String failure, Binder binder) {
        return state.inTransaction(() -> {
            List<CostAnomaly> out = new ArrayList<>();
            try (PreparedStatement ps = state.connection().prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) out.add(DuckAnomalyStore.row(r));
                }
            } catch (SQLException e) {
                throw new StoreException(failure + ": " + e.getMessage(), e);
            }
            return out;
        });
    }

    @Override
    public boolean feedback(String id, CostAnomaly.Feedback verdict, String note) {
        return state.inTransaction(() -> {
            try {
                return DuckAnomalyStore.feedback(state.connection(), id, verdict, note);
            } catch (SQLException e) {
                throw new StoreException("cannot store feedback: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public boolean dismissedRecently(String dimension, String value, LocalDate from, LocalDate to) {
        return state.inTransaction(() -> {
            try {
                return DuckAnomalyStore.dismissedRecently(state.connection(), dimension, value, from, to);
            } catch (SQLException e) {
                throw new StoreException("cannot read feedback: " + e.getMessage(), e);
            }
        });
    }
}

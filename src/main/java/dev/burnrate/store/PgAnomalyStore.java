package dev.burnrate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
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
    private final PgState state;

    public PgAnomalyStore(PgState state) {
        this.state = state;
    }

    @Override
    public void save(CostAnomaly a) {
        state.inTransaction(() -> {
            try {
                DuckAnomalyStore.save(state.connection(), a);
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

    @Override
    public List<CostAnomaly> incident(String id) {
        return query("SELECT * FROM anomaly WHERE id = ? OR incident = ? ORDER BY day, hour NULLS FIRST", "cannot read incident", ps -> {
            ps.setString(1, id);
            ps.setString(2, id);
        });
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
    public boolean feedback(String id, CostAnomaly.Feedback verdict, String note, LocalDate on) {
        return state.inTransaction(() -> {
            try {
                return DuckAnomalyStore.feedback(state.connection(), id, verdict, note, on);
            } catch (SQLException e) {
                throw new StoreException("cannot store feedback: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public boolean retract(String id) {
        return state.inTransaction(() -> {
            try {
                return DuckAnomalyStore.retract(state.connection(), id);
            } catch (SQLException e) {
                throw new StoreException("cannot retract anomaly " + id + ": " + e.getMessage(), e);
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

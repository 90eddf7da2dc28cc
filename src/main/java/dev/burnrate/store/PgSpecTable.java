package dev.burnrate.store;

import dev.burnrate.budget.Budgets;
import dev.burnrate.slo.Slos;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Budgets or SLOs created at run time, shared by replicas: kept as their spec text by id (as {@link SpecTable} keeps
 * them in the ledger file), with a version that every write bumps in the same transaction, so a replica's gate sees a
 * budget another replica created before its very next decision.
 */
public final class PgSpecTable implements Budgets.Store, Slos.Store {
    private final PgState state;
    private final Clock clock;
    private final String kind;
    private final String noun;
    private final String plural;

    private PgSpecTable(PgState state, Clock clock, String kind, String noun, String plural) {
        this.state = state;
        this.clock = clock;
        this.kind = kind;
        this.noun = noun;
        this.plural = plural;
    }

    public static PgSpecTable budgets(PgState state, Clock clock) {
        return new PgSpecTable(state, clock, "budget", "budget", "budgets");
    }

    public static PgSpecTable slos(PgState state, Clock clock) {
        return new PgSpecTable(state, clock, "slo", "SLO", "SLOs");
    }

    @Override
    public Map<String, String> all() {
        return state.inTransaction(() -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = state.connection().prepareStatement("SELECT id, spec FROM spec WHERE kind = ? ORDER BY id")) {
                ps.setString(1, kind);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) out.put(r.getString(1), r.getString(2));
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read " + plural + ": " + e.getMessage(), e);
            }
            return out;
        });
    }

    @Override
    public void put(String id, String spec) {
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO spec (kind, id, spec, created_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (kind, id) DO UPDATE SET spec = EXCLUDED.spec, created_at = EXCLUDED.created_at")) {
                ps.setString(1, kind);
                ps.setString(2, id);
                ps.setString(3, spec);
                ps.setObject(4, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                ps.executeUpdate();
                bump();
            } catch (SQLException e) {
                throw new StoreException("cannot store " + noun + " " + id + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public boolean delete(String id) {
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("DELETE FROM spec WHERE kind = ? AND id = ?")) {
                ps.setString(1, kind);
                ps.setString(2, id);
                boolean deleted = ps.executeUpdate() > 0;
                if (deleted) bump();
                return deleted;
            } catch (SQLException e) {
                throw new StoreException("cannot delete " + noun + " " + id + ": " + e.getMessage(), e);
            }
        });
    }

    /** Changes with every write of this kind by any replica (read before each gate decision: one indexed row). */
    @Override
    public long version() {
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("SELECT version FROM spec_version WHERE kind = ?")) {
                ps.setString(1, kind);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the " + plural + "' version: " + e.getMessage(), e);
            }
        });
    }

    private void bump() throws SQLException {
        try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO spec_version (kind, version) VALUES (?, 1) "
                + "ON CONFLICT (kind) DO UPDATE SET version = spec_version.version + 1")) {
            ps.setString(1, kind);
            ps.executeUpdate();
        }
    }
}

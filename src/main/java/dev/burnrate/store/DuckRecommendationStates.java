package dev.burnrate.store;

import dev.burnrate.ledger.Money;
import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.RecommendationStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The states of savings recommendations, one row per recommendation id. */
public final class DuckRecommendationStates implements RecommendationStates {
    private final Database db;

    public DuckRecommendationStates(Database db) {
        this.db = db;
    }

    @Override
    public List<Tracked> tracked() {
        List<Tracked> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT * FROM recommendation_state ORDER BY id");
             ResultSet r = ps.executeQuery()) {
            while (r.next()) out.add(row(r, DuckRecommendationStates::instant));
        } catch (SQLException e) {
            throw new StoreException("cannot read recommendation states: " + e.getMessage(), e);
        }
        return out;
    }

    /** Reads a timestamp column as an instant (the embedded and the shared table store them differently). */
    @FunctionalInterface
    interface InstantColumn {
        Instant read(ResultSet r, String column) throws SQLException;
    }

    /** A tracked recommendation from its row (the embedded and the shared table have the same columns). */
    static Tracked row(ResultSet r, InstantColumn instant) throws SQLException {
        Recommendation.State s = new Recommendation.State(Recommendation.Status.valueOf(r.getString("status").toUpperCase(Locale.ROOT)),
                r.getString("reason"), r.getString("actor"), instant.read(r, "changed_at"), instant.read(r, "accepted_at"));
        return new Tracked(r.getString("id"), Recommendation.Kind.parse(r.getString("kind")), r.getString("team"), r.getString("target"),
                new Money(r.getBigDecimal("monthly_saving"), r.getString("currency")), s);
    }

    /** The 11 values of an insert of {@code t} (id, kind, team, target, currency, saving, status, reason, actor, changed, accepted). */
    static void bind(PreparedStatement ps, Tracked t, java.util.function.Function<Instant, Object> timestamp) throws SQLException {
        Recommendation.State s = t.state();
        ps.setString(1, t.id());
        ps.setString(2, t.kind().label());
        ps.setString(3, t.team());
        ps.setString(4, t.target());
        ps.setString(5, t.monthlySaving().currency());
        ps.setBigDecimal(6, t.monthlySaving().amount());
        ps.setString(7, s.status().label());
        ps.setString(8, s.reason());
        ps.setString(9, s.actor());
        ps.setObject(10, timestamp.apply(s.at()));
        ps.setObject(11, timestamp.apply(s.acceptedAt()));
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        LocalDateTime at = r.getObject(column, LocalDateTime.class);
        return at == null ? null : at.toInstant(ZoneOffset.UTC);
    }

    @Override
    public synchronized void put(Tracked t) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO recommendation_state (id, kind, team, target, "
                + "currency, monthly_saving, status, reason, actor, changed_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, t, at -> at == null ? null : LocalDateTime.ofInstant(at, ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store the state of recommendation " + t.id() + ": " + e.getMessage(), e);
        }
    }
}

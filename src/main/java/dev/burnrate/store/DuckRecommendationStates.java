package dev.burnrate.store;

import dev.burnrate.ledger.Money;
import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.RecommendationStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        try (Connection c = db.connect()) {
            return tracked(c, Instants.UTC_WALL_TIME);
        } catch (SQLException e) {
            throw new StoreException("cannot read recommendation states: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void put(Tracked t) {
        try (Connection c = db.connect()) {
            put(c, t, Instants.UTC_WALL_TIME);
        } catch (SQLException e) {
            throw new StoreException("cannot store the state of recommendation " + t.id() + ": " + e.getMessage(), e);
        }
    }

    /** Every tracked recommendation, by id (the embedded file's table and the shared state's have the same columns). */
    static List<Tracked> tracked(Connection c, Instants instants) throws SQLException {
        List<Tracked> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM recommendation_state ORDER BY id"); ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                Recommendation.State s = new Recommendation.State(Recommendation.Status.valueOf(r.getString("status").toUpperCase(Locale.ROOT)),
                        r.getString("reason"), r.getString("actor"), instants.read(r, "changed_at"), instants.read(r, "accepted_at"));
                out.add(new Tracked(r.getString("id"), Recommendation.Kind.parse(r.getString("kind")), r.getString("team"), r.getString("target"),
                        new Money(r.getBigDecimal("monthly_saving"), r.getString("currency")), s));
            }
        }
        return out;
    }

    /** Inserts or replaces the state of {@code t} (an upsert both the ledger file and PostgreSQL take). */
    static void put(Connection c, Tracked t, Instants instants) throws SQLException {
        Recommendation.State s = t.state();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO recommendation_state (id, kind, team, target, currency, monthly_saving, status, "
                + "reason, actor, changed_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, "
                + "team = EXCLUDED.team, target = EXCLUDED.target, currency = EXCLUDED.currency, monthly_saving = EXCLUDED.monthly_saving, "
                + "status = EXCLUDED.status, reason = EXCLUDED.reason, actor = EXCLUDED.actor, changed_at = EXCLUDED.changed_at, "
                + "accepted_at = EXCLUDED.accepted_at")) {
            ps.setString(1, t.id());
            ps.setString(2, t.kind().label());
            ps.setString(3, t.team());
            ps.setString(4, t.target());
            ps.setString(5, t.monthlySaving().currency());
            ps.setBigDecimal(6, t.monthlySaving().amount());
            ps.setString(7, s.status().label());
            ps.setString(8, s.reason());
            ps.setString(9, s.actor());
            ps.setObject(10, instants.bind(s.at()));
            ps.setObject(11, instants.bind(s.acceptedAt()));
            ps.executeUpdate();
        }
    }
}

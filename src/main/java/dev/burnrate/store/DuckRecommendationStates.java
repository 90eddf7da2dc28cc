package dev.burnrate.store;

import dev.burnrate.ledger.Money;
import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.RecommendationStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The states of savings recommendations, one row per recommendation id. */
public final class DuckRecommendationStates implements RecommendationStates {
    private final Database db;

    public DuckRecommendationStates(Database db) {
        this.db = db;
    }

    @Override
    public Map<String, Recommendation.State> all() {
        return read("SELECT * FROM recommendation_state ORDER BY id", null);
    }

    @Override
    public Optional<Recommendation.State> find(String id) {
        return Optional.ofNullable(read("SELECT * FROM recommendation_state WHERE id = ?", id).get(id));
    }

    private Map<String, Recommendation.State> read(String sql, String id) {
        Map<String, Recommendation.State> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) ps.setString(1, id);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    LocalDateTime at = r.getObject("changed_at", LocalDateTime.class);
                    java.math.BigDecimal realised = r.getBigDecimal("realised_saving");
                    out.put(r.getString("id"), new Recommendation.State(Recommendation.Status.valueOf(r.getString("status").toUpperCase(Locale.ROOT)),
                            r.getString("reason"), r.getString("actor"), at == null ? null : at.toInstant(ZoneOffset.UTC),
                            realised == null ? null : new Money(realised, r.getString("realised_currency"))));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read recommendation states: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void put(Recommendation rec, Recommendation.State s) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO recommendation_state (id, kind, team, target, "
                + "currency, monthly_saving, status, reason, actor, changed_at, realised_saving, realised_currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, rec.id());
            ps.setString(2, rec.kind().label());
            ps.setString(3, rec.team());
            ps.setString(4, rec.target());
            ps.setString(5, rec.monthlySaving().currency());
            ps.setBigDecimal(6, rec.monthlySaving().amount());
            ps.setString(7, s.status().label());
            ps.setString(8, s.reason());
            ps.setString(9, s.actor());
            ps.setObject(10, s.at() == null ? null : LocalDateTime.ofInstant(s.at(), ZoneOffset.UTC));
            ps.setBigDecimal(11, s.realisedSaving() == null ? null : s.realisedSaving().amount());
            ps.setString(12, s.realisedSaving() == null ? null : s.realisedSaving().currency());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store the state of recommendation " + rec.id() + ": " + e.getMessage(), e);
        }
    }
}

package dev.burnrate.store;

import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.RecommendationStates;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The states of savings recommendations shared by replicas ({@code state:}): a recommendation accepted, dismissed or
 * implemented through one replica is so on all of them, so a dismissed one is not recommended again by another and
 * its saving is not counted twice in a commitment purchase.
 */
public final class PgRecommendationStates implements RecommendationStates {
    private final PgState state;

    public PgRecommendationStates(PgState state) {
        this.state = state;
    }

    @Override
    public List<Tracked> tracked() {
        return state.inTransaction(() -> {
            List<Tracked> out = new ArrayList<>();
            try (PreparedStatement ps = state.connection().prepareStatement("SELECT * FROM recommendation_state ORDER BY id"); ResultSet r = ps.executeQuery()) {
                while (r.next()) out.add(DuckRecommendationStates.row(r, PgRecommendationStates::instant));
            } catch (SQLException e) {
                throw new StoreException("cannot read recommendation states: " + e.getMessage(), e);
            }
            return out;
        });
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime at = r.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    @Override
    public void put(Tracked t) {
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO recommendation_state (id, kind, team, target, currency, "
                    + "monthly_saving, status, reason, actor, changed_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    + "kind = EXCLUDED.kind, team = EXCLUDED.team, target = EXCLUDED.target, currency = EXCLUDED.currency, "
                    + "monthly_saving = EXCLUDED.monthly_saving, status = EXCLUDED.status, reason = EXCLUDED.reason, actor = EXCLUDED.actor, "
                    + "changed_at = EXCLUDED.changed_at, accepted_at = EXCLUDED.accepted_at")) {
                DuckRecommendationStates.bind(ps, t, PgRecommendationStates::utc);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot store the state of recommendation " + t.id() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }
}

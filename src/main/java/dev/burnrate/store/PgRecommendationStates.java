package dev.burnrate.store;

import dev.burnrate.recommend.RecommendationStates;

import java.sql.SQLException;
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
            try {
                return DuckRecommendationStates.tracked(state.connection(), Instants.WITH_OFFSET);
            } catch (SQLException e) {
                throw new StoreException("cannot read recommendation states: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void put(Tracked t) {
        state.inTransaction(() -> {
            try {
                DuckRecommendationStates.put(state.connection(), t, Instants.WITH_OFFSET);
            } catch (SQLException e) {
                throw new StoreException("cannot store the state of recommendation " + t.id() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }
}

package dev.burnrate.store;

import dev.burnrate.slo.ServiceEvent;
import dev.burnrate.slo.ServiceEvents;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Deploys, rollbacks and config changes shared by replicas ({@code state:}): an event posted to one replica is among
 * the recent changes every replica's SLO pages name, as the SLOs themselves are.
 */
public final class PgServiceEvents implements ServiceEvents {
    private final PgState state;

    public PgServiceEvents(PgState state) {
        this.state = state;
    }

    @Override
    public void append(List<ServiceEvent> events) {
        if (events.isEmpty()) return;
        state.inTransaction(() -> {
            try {
                DuckServiceEvents.append(state.connection(), events, Instants.WITH_OFFSET);
            } catch (SQLException e) {
                throw new StoreException("cannot store service events: " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public List<ServiceEvent> between(Instant from, Instant to) {
        return state.inTransaction(() -> {
            try {
                return DuckServiceEvents.between(state.connection(), from, to, Instants.WITH_OFFSET);
            } catch (SQLException e) {
                throw new StoreException("cannot read service events: " + e.getMessage(), e);
            }
        });
    }
}

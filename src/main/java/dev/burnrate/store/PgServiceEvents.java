package dev.burnrate.store;

import dev.burnrate.slo.ServiceEvent;
import dev.burnrate.slo.ServiceEvents;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
            try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO service_event (id, kind, model, variant, event_time, description, actor) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, model = EXCLUDED.model, variant = EXCLUDED.variant, "
                    + "event_time = EXCLUDED.event_time, description = EXCLUDED.description, actor = EXCLUDED.actor")) {
                for (ServiceEvent e : events) {
                    ps.setString(1, e.id());
                    ps.setString(2, e.kind().label());
                    ps.setString(3, e.model());
                    ps.setString(4, e.variant());
                    ps.setObject(5, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                    ps.setString(6, e.description());
                    ps.setString(7, e.actor());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new StoreException("cannot store service events: " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public List<ServiceEvent> between(Instant from, Instant to) {
        return state.inTransaction(() -> {
            List<ServiceEvent> out = new ArrayList<>();
            try (PreparedStatement ps = state.connection().prepareStatement("SELECT * FROM service_event WHERE event_time >= ? AND event_time < ? ORDER BY event_time, id")) {
                ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new ServiceEvent(r.getString("id"), ServiceEvent.Kind.valueOf(r.getString("kind").toUpperCase(Locale.ROOT)), r.getString("model"),
                                r.getString("variant"), r.getObject("event_time", OffsetDateTime.class).toInstant(), r.getString("description"), r.getString("actor")));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read service events: " + e.getMessage(), e);
            }
            return out;
        });
    }
}

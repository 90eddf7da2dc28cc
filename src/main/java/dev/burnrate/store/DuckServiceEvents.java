package dev.burnrate.store;

import dev.burnrate.slo.ServiceEvent;
import dev.burnrate.slo.ServiceEvents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public final class DuckServiceEvents implements ServiceEvents {
    private final Database db;

    public DuckServiceEvents(Database db) {
        this.db = db;
    }

    @Override
    public void append(List<ServiceEvent> events) {
        if (events.isEmpty()) return;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                append(c, events, Instants.UTC_WALL_TIME);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot store service events: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ServiceEvent> between(Instant from, Instant to) {
        try (Connection c = db.connect()) {
            return between(c, from, to, Instants.UTC_WALL_TIME);
        } catch (SQLException e) {
            throw new StoreException("cannot read service events: " + e.getMessage(), e);
        }
    }

    /** Inserts or replaces each event by id (an upsert both the ledger file and PostgreSQL take), in the caller's transaction. */
    static void append(Connection c, List<ServiceEvent> events, Instants instants) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO service_event (id, kind, model, variant, event_time, description, actor) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, model = EXCLUDED.model, variant = EXCLUDED.variant, "
                + "event_time = EXCLUDED.event_time, description = EXCLUDED.description, actor = EXCLUDED.actor")) {
            for (ServiceEvent e : events) {
                ps.setString(1, e.id());
                ps.setString(2, e.kind().label());
                ps.setString(3, e.model());
                ps.setString(4, e.variant());
                ps.setObject(5, instants.bind(e.at()));
                ps.setString(6, e.description());
                ps.setString(7, e.actor());
                ps.executeUpdate();
            }
        }
    }

    /** The events of [from, to), by time. */
    static List<ServiceEvent> between(Connection c, Instant from, Instant to, Instants instants) throws SQLException {
        List<ServiceEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM service_event WHERE event_time >= ? AND event_time < ? ORDER BY event_time, id")) {
            ps.setObject(1, instants.bind(from));
            ps.setObject(2, instants.bind(to));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new ServiceEvent(r.getString("id"), ServiceEvent.Kind.valueOf(r.getString("kind").toUpperCase(Locale.ROOT)), r.getString("model"),
                            r.getString("variant"), instants.read(r, "event_time"), r.getString("description"), r.getString("actor")));
                }
            }
        }
        return out;
    }
}

package dev.burnrate.store;

import dev.burnrate.slo.ServiceEvent;
import dev.burnrate.slo.ServiceEvents;

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
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO service_event VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (ServiceEvent e : events) {
                    ps.setString(1, e.id());
                    ps.setString(2, e.kind().label());
                    ps.setString(3, e.model());
                    ps.setString(4, e.variant());
                    ps.setObject(5, LocalDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                    ps.setString(6, e.description());
                    ps.setString(7, e.actor());
                    ps.executeUpdate();
                }
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
        List<ServiceEvent> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT * FROM service_event WHERE event_time >= ? AND event_time < ? ORDER BY event_time, id")) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new ServiceEvent(r.getString("id"), ServiceEvent.Kind.valueOf(r.getString("kind").toUpperCase(Locale.ROOT)), r.getString("model"),
                            r.getString("variant"), r.getTimestamp("event_time").toLocalDateTime().toInstant(ZoneOffset.UTC), r.getString("description"),
                            r.getString("actor")));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read service events: " + e.getMessage(), e);
        }
        return out;
    }
}

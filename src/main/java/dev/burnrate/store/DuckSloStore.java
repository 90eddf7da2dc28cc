package dev.burnrate.store;

import dev.burnrate.slo.Slos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

public final class DuckSloStore implements Slos.Store {
    private final Database db;
    private final Clock clock;

    public DuckSloStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id, spec FROM slo ORDER BY id")) {
            while (r.next()) out.put(r.getString(1), r.getString(2));
        } catch (SQLException e) {
            throw new StoreException("cannot read SLOs: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void put(String id, String spec) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO slo VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, spec);
            ps.setObject(3, LocalDateTime.now(clock));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store SLO " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM slo WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot delete SLO " + id + ": " + e.getMessage(), e);
        }
    }
}

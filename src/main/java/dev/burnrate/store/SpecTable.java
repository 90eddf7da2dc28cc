package dev.burnrate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Specs created at run time and kept as their text by id, in a table {@code (id, spec, created_at)}: budgets and SLOs
 * alike. {@code noun} and {@code plural} name them in errors ("cannot store budget b1", "cannot read SLOs").
 */
final class SpecTable {
    private final Database db;
    private final Clock clock;
    private final String table;
    private final String noun;
    private final String plural;

    SpecTable(Database db, Clock clock, String table, String noun, String plural) {
        this.db = db;
        this.clock = clock;
        this.table = table;
        this.noun = noun;
        this.plural = plural;
    }

    Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, spec FROM " + Sql.ident(table) + " ORDER BY id")) {
            while (r.next()) out.put(r.getString(1), r.getString(2));
        } catch (SQLException e) {
            throw new StoreException("cannot read " + plural + ": " + e.getMessage(), e);
        }
        return out;
    }

    void put(String id, String spec) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO " + Sql.ident(table) + " VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, spec);
            ps.setObject(3, LocalDateTime.now(clock));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store " + noun + " " + id + ": " + e.getMessage(), e);
        }
    }

    boolean delete(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + Sql.ident(table) + " WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot delete " + noun + " " + id + ": " + e.getMessage(), e);
        }
    }
}

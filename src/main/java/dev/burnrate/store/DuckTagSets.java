package dev.burnrate.store;

import dev.burnrate.allocation.TagSets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

public final class DuckTagSets implements TagSets {
    private final Database db;

    public DuckTagSets(Database db) {
        this.db = db;
    }

    @Override
    public String fingerprint() {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'tag_map_fingerprint'")) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw new StoreException("cannot read meta: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<Long, String> all() {
        Map<Long, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT tag_hash, tags FROM tag_set")) {
            while (r.next()) out.put(Long.parseUnsignedLong(r.getString(1)), r.getString(2));
        } catch (SQLException e) {
            throw new StoreException("cannot read tag sets: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void replaceAll(Map<Long, Map<String, String>> dimensions, String fingerprint) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            TagSetWriter.write(c, dimensions);
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO meta VALUES ('tag_map_fingerprint', ?)")) {
                ps.setString(1, fingerprint);
                ps.executeUpdate();
            }
            c.commit();
            db.costsChanged();
        } catch (SQLException e) {
            throw new StoreException("cannot store dimensions: " + e.getMessage(), e);
        }
    }
}

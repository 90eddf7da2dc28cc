package dev.burnrate.store;

import dev.burnrate.budget.Budgets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

public final class DuckBudgetStore implements Budgets.Store {
    private final Database db;
    private final Clock clock;

    public DuckBudgetStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id, spec FROM budget ORDER BY id")) {
            while (r.next()) out.put(r.getString(1), r.getString(2));
        } catch (SQLException e) {
            throw new StoreException("cannot read budgets: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void put(String id, String spec) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO budget VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, spec);
            ps.setObject(3, LocalDateTime.now(clock));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store budget " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM budget WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot delete budget " + id + ": " + e.getMessage(), e);
        }
    }
}

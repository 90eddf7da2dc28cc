package dev.burnrate.store;

import dev.burnrate.access.Role;
import dev.burnrate.access.Tokens;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** API tokens, by hash only. */
public final class DuckTokenStore implements Tokens.Store {
    private final Database db;

    public DuckTokenStore(Database db) {
        this.db = db;
    }

    @Override
    public void add(Tokens.Token t) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO api_token VALUES (?, ?, ?, ?, ?, ?, NULL)")) {
            ps.setString(1, t.id());
            ps.setString(2, t.name());
            ps.setString(3, t.hash());
            ps.setString(4, t.role().label());
            ps.setString(5, String.join(",", t.teams()));
            ps.setObject(6, LocalDateTime.ofInstant(t.createdAt(), ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store token " + t.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Tokens.Token> all() {
        List<Tokens.Token> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, token_hash, role, teams, created_at, revoked_at FROM api_token ORDER BY created_at, id");
             ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                Set<String> teams = r.getString(5).isEmpty() ? Set.of() : Arrays.stream(r.getString(5).split(",")).collect(Collectors.toSet());
                LocalDateTime revoked = r.getObject(7, LocalDateTime.class);
                out.add(new Tokens.Token(r.getString(1), r.getString(2), r.getString(3), Role.valueOf(r.getString(4).toUpperCase(Locale.ROOT)), teams,
                        r.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC), revoked == null ? null : revoked.toInstant(ZoneOffset.UTC)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read tokens: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public boolean revoke(String id, Instant at) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE api_token SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL")) {
            ps.setObject(1, LocalDateTime.ofInstant(at, ZoneOffset.UTC));
            ps.setString(2, id);
            ps.setString(3, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot revoke token " + id + ": " + e.getMessage(), e);
        }
    }
}

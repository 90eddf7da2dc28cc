package dev.burnrate.store;

import dev.burnrate.access.Role;
import dev.burnrate.access.Tokens;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** API tokens shared by replicas, by hash only: a token issued or revoked on one replica holds on every one. */
public final class PgTokenStore implements Tokens.Store {
    private final PgState state;

    public PgTokenStore(PgState state) {
        this.state = state;
    }

    @Override
    public void add(Tokens.Token t) {
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement(
                    "INSERT INTO api_token (id, name, token_hash, role, teams, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)")) {
                ps.setString(1, t.id());
                ps.setString(2, t.name());
                ps.setString(3, t.hash());
                ps.setString(4, t.role().label());
                ps.setString(5, String.join(",", t.teams()));
                ps.setObject(6, OffsetDateTime.ofInstant(t.createdAt(), ZoneOffset.UTC));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot store token " + t.name() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public List<Tokens.Token> all() {
        return state.inTransaction(() -> {
            List<Tokens.Token> out = new ArrayList<>();
            try (PreparedStatement ps = state.connection().prepareStatement(
                    "SELECT id, name, token_hash, role, teams, created_at, revoked_at FROM api_token ORDER BY created_at, id");
                 ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Set<String> teams = r.getString(5).isEmpty() ? Set.of() : Arrays.stream(r.getString(5).split(",")).collect(Collectors.toSet());
                    OffsetDateTime revoked = r.getObject(7, OffsetDateTime.class);
                    out.add(new Tokens.Token(r.getString(1), r.getString(2), r.getString(3), Role.valueOf(r.getString(4).toUpperCase(Locale.ROOT)), teams,
                            r.getObject(6, OffsetDateTime.class).toInstant(), revoked == null ? null : revoked.toInstant()));
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read tokens: " + e.getMessage(), e);
            }
            return out;
        });
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement(
                    "UPDATE api_token SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL")) {
                ps.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                ps.setString(2, id);
                ps.setString(3, id);
                return ps.executeUpdate() > 0;
            } catch (SQLException e) {
                throw new StoreException("cannot revoke token " + id + ": " + e.getMessage(), e);
            }
        });
    }
}

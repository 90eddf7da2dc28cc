package dev.burnrate.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.alert.Alert;
import dev.burnrate.alert.AlertStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The alert outbox in DuckDB: alerts unique by dedup key, one delivery row per alert and channel. */
public final class DuckAlertStore implements AlertStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;

    public DuckAlertStore(Database db) {
        this.db = db;
    }

    private static LocalDateTime utc(Instant i) {
        return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }

    @Override
    public synchronized boolean raise(Alert a, List<String> channels, Instant firstAttempt) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement("UPDATE alert SET occurrences = occurrences + 1, last_seen = ? WHERE dedup_key = ?")) {
                up.setObject(1, utc(a.createdAt()));
                up.setString(2, a.dedupKey());
                if (up.executeUpdate() > 0) {
                    c.commit();
                    return false;
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO alert (id, source, severity, dedup_key, title, summary, details, link, "
                    + "recommended_action, channels, created_at, last_seen, state, occurrences) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', 1)")) {
                ins.setString(1, a.id());
                ins.setString(2, a.source());
                ins.setString(3, a.severity().name());
                ins.setString(4, a.dedupKey());
                ins.setString(5, a.title());
                ins.setString(6, a.summary());
                ins.setString(7, JSON.writeValueAsString(a.details()));
                ins.setString(8, a.link());
                ins.setString(9, a.recommendedAction());
                ins.setString(10, String.join(",", channels));
                ins.setObject(11, utc(a.createdAt()));
                ins.setObject(12, utc(a.createdAt()));
                ins.executeUpdate();
            }
            try (PreparedStatement d = c.prepareStatement("INSERT INTO alert_delivery (alert_id, channel, attempts, next_attempt_at, state) VALUES (?, ?, 0, ?, 'PENDING')")) {
                for (String ch : channels) {
                    d.setString(1, a.id());
                    d.setString(2, ch);
                    d.setObject(3, utc(firstAttempt));
                    d.executeUpdate();
                }
            }
            c.commit();
            return true;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("cannot store alert " + a.dedupKey() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Alert> list(Alert.State state, int limit) {
        String sql = "SELECT * FROM alert" + (state == null ? "" : " WHERE state = ?") + " ORDER BY created_at DESC LIMIT " + Math.max(1, limit);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (state != null) ps.setString(1, state.name());
            return read(ps);
        } catch (SQLException e) {
            throw new StoreException("cannot list alerts: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Alert> find(String id) {
        return findWhere("id", id);
    }

    @Override
    public Optional<Alert> findByKey(String dedupKey) {
        return findWhere("dedup_key", dedupKey);
    }

    /** The alert whose {@code column} (id or dedup_key, both unique) is {@code value}. */
    private Optional<Alert> findWhere(String column, String value) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT * FROM alert WHERE " + column + " = ?")) {
            ps.setString(1, value);
            return read(ps).stream().findFirst();
        } catch (SQLException e) {
            throw new StoreException("cannot read alert: " + e.getMessage(), e);
        }
    }

    private List<Alert> read(PreparedStatement ps) throws SQLException {
        List<Alert> out = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                Map<String, String> details;
                try {
                    details = JSON.readValue(r.getString("details"), new TypeReference<>() {
                    });
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    details = Map.of();
                }
                String ch = r.getString("channels");
                out.add(new Alert(r.getString("id"), r.getString("source"), Alert.Severity.valueOf(r.getString("severity")),
                        r.getString("dedup_key"), r.getString("title"), r.getString("summary"), details, r.getString("link"),
                        r.getString("recommended_action"), ch == null || ch.isEmpty() ? List.of() : List.of(ch.split(",")),
                        instant(r.getTimestamp("created_at")), Alert.State.valueOf(r.getString("state")), r.getInt("occurrences")));
            }
        }
        return out;
    }

    @Override
    public boolean setState(String id, Alert.State state, Instant at, String by) {
        return move("change the state of", setState(state), id, at, by);
    }

    /** Moves the alert with the id to {@code to} from a state that may become it; parameters: when, by whom, the id. Shared with PostgreSQL. */
    static String setState(Alert.State to) {
        return "UPDATE alert SET state = '" + to.name() + "', state_changed_at = ?, state_changed_by = ? WHERE id = ? AND state IN (" + to.fromStatesSql() + ")";
    }

    /** Resolves the alert with the key unless it is resolved; parameters: when, by whom, the key. Shared with PostgreSQL. */
    static final String RESOLVE = "UPDATE alert SET state = 'RESOLVED', state_changed_at = ?, state_changed_by = ? WHERE dedup_key = ? AND state <> 'RESOLVED'";

    /**
     * Opens the alert with the key that a verdict resolved (not one resolved by hand, nor one released: its key has
     * moved); as {@link #RESOLVE}. Shared with PostgreSQL.
     */
    static final String REOPEN = "UPDATE alert SET state = 'OPEN', state_changed_at = ?, state_changed_by = ? WHERE dedup_key = ? AND state = 'RESOLVED'"
            + " AND state_changed_by LIKE '" + AlertStore.BY_VERDICT + "%'";

    /** A verdict's resolution of the alert with the id made a person's; parameters: when, by whom, the id. Shared with PostgreSQL. */
    static final String RESOLVE_BY_HAND = "UPDATE alert SET state_changed_at = ?, state_changed_by = ? WHERE id = ? AND state = 'RESOLVED'"
            + " AND state_changed_by LIKE '" + AlertStore.BY_VERDICT + "%'";

    @Override
    public boolean resolveByHand(String id, Instant at, String by) {
        return move("resolve", RESOLVE_BY_HAND, id, at, by);
    }

    /**
     * Resolves the alert with the key (keeping when and by whom if it already was) and frees the key; parameters as
     * {@link #RESOLVE}. Shared with PostgreSQL.
     */
    static final String RELEASE = """
            UPDATE alert SET dedup_key = dedup_key || '#' || id, state = 'RESOLVED',
                state_changed_at = CASE WHEN state = 'RESOLVED' THEN state_changed_at ELSE ? END,
                state_changed_by = CASE WHEN state = 'RESOLVED' THEN state_changed_by ELSE ? END
            WHERE dedup_key = ?""";

    @Override
    public boolean resolve(String dedupKey, Instant at, String by) {
        return move("resolve", RESOLVE, dedupKey, at, by);
    }

    @Override
    public boolean reopen(String dedupKey, Instant at, String by) {
        return move("reopen", REOPEN, dedupKey, at, by);
    }

    @Override
    public synchronized boolean release(String dedupKey, Instant at, String by) {
        return move("release", RELEASE, dedupKey, at, by);
    }

    /** Runs an update whose parameters are when, by whom and which alert ({@code which}: its dedup key, or its id). */
    private boolean move(String verb, String sql, String which, Instant at, String by) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, utc(at));
            ps.setString(2, by);
            ps.setString(3, which);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot " + verb + " alert " + which + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Delivery> due(Instant now, int limit) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM alert_delivery WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT " + limit)) {
            ps.setObject(1, utc(now));
            return deliveries(ps);
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public int pending() {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM alert_delivery WHERE state = 'PENDING'");
             ResultSet r = ps.executeQuery()) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Delivery> deliveries(String alertId) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_delivery WHERE alert_id = ? ORDER BY channel")) {
            ps.setString(1, alertId);
            return deliveries(ps);
        } catch (SQLException e) {
            throw new StoreException("cannot read deliveries: " + e.getMessage(), e);
        }
    }

    private static List<Delivery> deliveries(PreparedStatement ps) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                out.add(new Delivery(r.getString("alert_id"), r.getString("channel"), r.getInt("attempts"),
                        instant(r.getTimestamp("next_attempt_at")), r.getString("state"), r.getString("last_error")));
            }
        }
        return out;
    }

    @Override
    public void delivered(Delivery d, Instant at) {
        update("UPDATE alert_delivery SET state = 'DELIVERED', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE alert_id = ? AND channel = ?",
                utc(at), d.alertId(), d.channel());
    }

    @Override
    public void failed(Delivery d, String error, Instant nextAttempt) {
        update("UPDATE alert_delivery SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE alert_id = ? AND channel = ?",
                error, utc(nextAttempt), d.alertId(), d.channel());
    }

    @Override
    public void hold(Delivery d, String reason, Instant until) {
        update("UPDATE alert_delivery SET last_error = ?, next_attempt_at = ? WHERE alert_id = ? AND channel = ?",
                reason, utc(until), d.alertId(), d.channel());
    }

    private void update(String sql, Object... params) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot update the outbox: " + e.getMessage(), e);
        }
    }
}

package dev.burnrate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.alert.Alert;
import dev.burnrate.alert.AlertStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alert outbox shared by replicas, in PostgreSQL: one alert per dedup key whichever replica raises it, one delivery
 * per alert and channel, and each due delivery claimed by one dispatcher for {@link #LEASE} (see {@link AlertStore}).
 * Times are the callers' clock (as the embedded store's), so the replicas' clocks are assumed to agree to well within
 * the lease.
 */
public final class PgAlertStore implements AlertStore {
    /**
     * How long a dispatcher holds the deliveries it claimed: a pass sends what it claimed well within it (each send gives
     * up after 15 s), and a replica that dies after claiming delays those deliveries by at most this much.
     */
    public static final Duration LEASE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DELIVERY_COLUMNS = "alert_id, channel, attempts, next_attempt_at, state, last_error";

    private final PgState state;

    public PgAlertStore(PgState state) {
        this.state = state;
    }

    private static OffsetDateTime utc(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /**
     * One statement decides, under PostgreSQL's unique index, whether this raise is the alert's first: replicas raising
     * the same key at once get one row (the others count an occurrence on it). The id that comes back is this raise's
     * own only when its row was inserted; then, in the same transaction, its deliveries are stored.
     */
    @Override
    public boolean raise(Alert a, List<String> channels, Instant firstAttempt) {
        String details;
        try {
            details = JSON.writeValueAsString(a.details());
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot store alert " + a.dedupKey() + ": " + e.getMessage(), e);
        }
        return state.inTransaction(() -> {
            try (PreparedStatement ins = state.connection().prepareStatement("""
                    INSERT INTO alert (id, source, severity, dedup_key, title, summary, details, link, recommended_action, channels,
                                       created_at, last_seen, state, occurrences)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', 1)
                    ON CONFLICT (dedup_key) DO UPDATE SET occurrences = alert.occurrences + 1,
                                                          last_seen = GREATEST(alert.last_seen, EXCLUDED.last_seen)
                    RETURNING id""")) {
                ins.setString(1, a.id());
                ins.setString(2, a.source());
                ins.setString(3, a.severity().name());
                ins.setString(4, a.dedupKey());
                ins.setString(5, a.title());
                ins.setString(6, a.summary());
                ins.setString(7, details);
                ins.setString(8, a.link());
                ins.setString(9, a.recommendedAction());
                ins.setString(10, String.join(",", channels));
                ins.setObject(11, utc(a.createdAt()));
                ins.setObject(12, utc(a.createdAt()));
                String id;
                try (ResultSet r = ins.executeQuery()) {
                    r.next();
                    id = r.getString(1);
                }
                if (!id.equals(a.id())) return false;
            } catch (SQLException e) {
                throw new StoreException("cannot store alert " + a.dedupKey() + ": " + e.getMessage(), e);
            }
            try (PreparedStatement d = state.connection().prepareStatement(
                    "INSERT INTO alert_delivery (alert_id, channel, attempts, next_attempt_at, state) VALUES (?, ?, 0, ?, 'PENDING')")) {
                for (String ch : channels) {
                    d.setString(1, a.id());
                    d.setString(2, ch);
                    d.setObject(3, utc(firstAttempt));
                    d.addBatch();
                }
                d.executeBatch();
            } catch (SQLException e) {
                throw new StoreException("cannot store the deliveries of alert " + a.dedupKey() + ": " + e.getMessage(), e);
            }
            return true;
        });
    }

    @Override
    public List<Alert> list(Alert.State st, int limit) {
        String sql = "SELECT * FROM alert" + (st == null ? "" : " WHERE state = ?") + " ORDER BY created_at DESC, id LIMIT " + Math.max(1, limit);
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement(sql)) {
                if (st != null) ps.setString(1, st.name());
                return read(ps);
            } catch (SQLException e) {
                throw new StoreException("cannot list alerts: " + e.getMessage(), e);
            }
        });
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
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("SELECT * FROM alert WHERE " + column + " = ?")) {
                ps.setString(1, value);
                return read(ps).stream().findFirst();
            } catch (SQLException e) {
                throw new StoreException("cannot read alert: " + e.getMessage(), e);
            }
        });
    }

    private static List<Alert> read(PreparedStatement ps) throws SQLException {
        List<Alert> out = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                Map<String, String> details;
                try {
                    details = JSON.readValue(r.getString("details"), new TypeReference<>() {
                    });
                } catch (JsonProcessingException e) {
                    details = Map.of();
                }
                String ch = r.getString("channels");
                out.add(new Alert(r.getString("id"), r.getString("source"), Alert.Severity.valueOf(r.getString("severity")),
                        r.getString("dedup_key"), r.getString("title"), r.getString("summary"), details, r.getString("link"),
                        r.getString("recommended_action"), ch == null || ch.isEmpty() ? List.of() : List.of(ch.split(",")),
                        instant(r, "created_at"), Alert.State.valueOf(r.getString("state")), r.getInt("occurrences")));
            }
        }
        return out;
    }

    @Override
    public boolean setState(String id, Alert.State to, Instant at, String by) {
        return update("cannot change alert state", DuckAlertStore.setState(to), utc(at), by, id) > 0;
    }

    @Override
    public boolean resolve(String dedupKey, Instant at, String by) {
        return update("cannot resolve alert " + dedupKey, DuckAlertStore.RESOLVE, utc(at), by, dedupKey) > 0;
    }

    @Override
    public boolean resolveByHand(String id, Instant at, String by) {
        return update("cannot resolve alert " + id, DuckAlertStore.RESOLVE_BY_HAND, utc(at), by, id) > 0;
    }

    @Override
    public boolean reopen(String dedupKey, Instant at, String by) {
        return update("cannot reopen alert " + dedupKey, DuckAlertStore.REOPEN, utc(at), by, dedupKey) > 0;
    }

    @Override
    public boolean release(String dedupKey, Instant at, String by) {
        return update("cannot release alert " + dedupKey, DuckAlertStore.RELEASE, utc(at), by, dedupKey) > 0;
    }

    /**
     * Claims up to {@code limit} due deliveries: the oldest due ones that no other transaction is claiming right now
     * ({@code SKIP LOCKED}) get their next attempt moved to {@code now} + {@link #LEASE} in the same statement, so two
     * dispatchers, at once or one after the other, never get the same delivery before its lease ends.
     */
    @Override
    public List<Delivery> due(Instant now, int limit) {
        Instant until = now.plus(LEASE);
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("""
                    WITH due AS (
                        SELECT alert_id, channel, next_attempt_at AS was FROM alert_delivery
                        WHERE state = 'PENDING' AND next_attempt_at <= ?
                        ORDER BY next_attempt_at, alert_id, channel LIMIT ?
                        FOR UPDATE SKIP LOCKED),
                    claimed AS (
                        UPDATE alert_delivery d SET next_attempt_at = ? FROM due
                        WHERE d.alert_id = due.alert_id AND d.channel = due.channel
                        RETURNING d.alert_id, d.channel, d.attempts, due.was, d.state, d.last_error)
                    SELECT * FROM claimed ORDER BY was, alert_id, channel""")) {
                ps.setObject(1, utc(now));
                ps.setInt(2, Math.max(0, limit));
                ps.setObject(3, utc(until));
                List<Delivery> out = new ArrayList<>();
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new Delivery(r.getString("alert_id"), r.getString("channel"), r.getInt("attempts"), instant(r, "was"),
                                r.getString("state"), r.getString("last_error"), until));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("cannot claim the outbox's due deliveries: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public int pending() {
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("SELECT count(*) FROM alert_delivery WHERE state = 'PENDING'");
                 ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getInt(1);
            } catch (SQLException e) {
                throw new StoreException("cannot read the outbox: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public List<Delivery> deliveries(String alertId) {
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement(
                    "SELECT " + DELIVERY_COLUMNS + " FROM alert_delivery WHERE alert_id = ? ORDER BY channel")) {
                ps.setString(1, alertId);
                List<Delivery> out = new ArrayList<>();
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new Delivery(r.getString("alert_id"), r.getString("channel"), r.getInt("attempts"), instant(r, "next_attempt_at"),
                                r.getString("state"), r.getString("last_error")));
                    }
                }
                return out;
            } catch (SQLException e) {
                throw new StoreException("cannot read deliveries: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void delivered(Delivery d, Instant at) {
        update("cannot update the outbox",
                "UPDATE alert_delivery SET state = 'DELIVERED', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE alert_id = ? AND channel = ?",
                utc(at), d.alertId(), d.channel());
    }

    /** Only a delivery still pending: a late failure from a dispatcher whose lease ran out does not mark a delivered one. */
    @Override
    public void failed(Delivery d, String error, Instant nextAttempt) {
        update("cannot update the outbox",
                "UPDATE alert_delivery SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE alert_id = ? AND channel = ? AND state = 'PENDING'",
                error, utc(nextAttempt), d.alertId(), d.channel());
    }

    @Override
    public void hold(Delivery d, String reason, Instant until) {
        update("cannot update the outbox",
                "UPDATE alert_delivery SET last_error = ?, next_attempt_at = ? WHERE alert_id = ? AND channel = ? AND state = 'PENDING'",
                reason, utc(until), d.alertId(), d.channel());
    }

    private int update(String what, String sql, Object... params) {
        return state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException(what + ": " + e.getMessage(), e);
            }
        });
    }
}

package dev.burnrate.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Supplier;

/**
 * The state that several {@code burnrate serve} replicas share, in PostgreSQL: the gate's tickets and the money they
 * hold against budgets, the audit chain, the API tokens, the budgets and SLOs created through the API, and the alert
 * outbox. Work runs in transactions bound to the calling thread
 * ({@link #inTransaction}, re-entrant); a transaction that PostgreSQL aborts because it deadlocked or could not be
 * serialised is run again from the start, so the work must only change the database.
 */
public final class PgState implements AutoCloseable {
    /** 1: tickets, holds, audit, tokens, specs; 2: the alert outbox ({@code alert}, {@code alert_delivery}). */
    static final int SCHEMA_VERSION = 5;
    private static final int RETRIES = 20;

    private final HikariDataSource pool;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    private PgState(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens the state at a {@code postgresql://user:password@host:port/database} URL (or a {@code jdbc:postgresql:} one)
     * and creates its tables when missing.
     */
    public static PgState open(String url) {
        HikariConfig c = new HikariConfig();
        String jdbc = url.startsWith("jdbc:") ? url : "jdbc:" + url;
        URI u = URI.create(jdbc.substring(5));
        if (!"postgresql".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("state '" + redact(url) + "' is not a postgresql://host[:port]/database URL");
        }
        String userInfo = u.getRawUserInfo();
        String plain = "jdbc:postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath()
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        c.setJdbcUrl(plain);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            c.setUsername(java.net.URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), java.nio.charset.StandardCharsets.UTF_8));
            if (colon >= 0) c.setPassword(java.net.URLDecoder.decode(userInfo.substring(colon + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        c.setMaximumPoolSize(16);
        c.setPoolName("burnrate-state");
        c.setAutoCommit(true);
        c.setInitializationFailTimeout(10_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new StoreException("cannot reach the shared state at " + redact(url) + ": " + e.getMessage(), e);
        }
        PgState s = new PgState(ds);
        s.migrate();
        return s;
    }

    /** The schema version the database was at before this migration (0 for a new one). */
    private static int version(Statement s) throws SQLException {
        try (java.sql.ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM burnrate_schema")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** The URL without its password, for messages. */
    public static String redact(String url) {
        return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:***@");
    }

    private void migrate() {
        inTransaction(() -> {
            try (Statement s = connection().createStatement()) {
                // one migrator at a time when several replicas start together
                s.execute("SELECT pg_advisory_xact_lock(7366001)");
                s.execute("CREATE TABLE IF NOT EXISTS burnrate_schema (version INT NOT NULL)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS gate_ticket (
                            id TEXT PRIMARY KEY, state TEXT NOT NULL, team TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                            updated_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ, hold_ended BOOLEAN NOT NULL DEFAULT FALSE, body TEXT NOT NULL)""");
                s.execute("CREATE INDEX IF NOT EXISTS gate_ticket_expiry ON gate_ticket (expires_at) WHERE expires_at IS NOT NULL");
                s.execute("CREATE INDEX IF NOT EXISTS gate_ticket_created ON gate_ticket (created_at)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS gate_hold (
                            budget_id TEXT NOT NULL, period_start DATE NOT NULL, amount NUMERIC NOT NULL,
                            PRIMARY KEY (budget_id, period_start))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS audit_log (
                            seq BIGINT PRIMARY KEY, event_at TIMESTAMPTZ NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                            subject TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""");
                s.execute("CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log (subject, seq)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS api_token (
                            id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, teams TEXT NOT NULL,
                            created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ)""");
                s.execute("CREATE TABLE IF NOT EXISTS spec (kind TEXT NOT NULL, id TEXT NOT NULL, spec TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (kind, id))");
                s.execute("CREATE TABLE IF NOT EXISTS spec_version (kind TEXT PRIMARY KEY, version BIGINT NOT NULL)");
                // version 2: the alert outbox, shared so that N replicas page once (created on a version 1 database as on a new one)
                s.execute("""
                        CREATE TABLE IF NOT EXISTS alert (
                            id TEXT PRIMARY KEY, source TEXT NOT NULL, severity TEXT NOT NULL, dedup_key TEXT NOT NULL UNIQUE,
                            title TEXT NOT NULL, summary TEXT, details TEXT, link TEXT, recommended_action TEXT, channels TEXT,
                            created_at TIMESTAMPTZ NOT NULL, last_seen TIMESTAMPTZ, state TEXT NOT NULL, occurrences INT NOT NULL,
                            state_changed_at TIMESTAMPTZ, state_changed_by TEXT)""");
                s.execute("CREATE INDEX IF NOT EXISTS alert_created ON alert (created_at)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS alert_delivery (
                            alert_id TEXT NOT NULL REFERENCES alert (id), channel TEXT NOT NULL, attempts INT NOT NULL,
                            next_attempt_at TIMESTAMPTZ NOT NULL, state TEXT NOT NULL, last_error TEXT, delivered_at TIMESTAMPTZ,
                            PRIMARY KEY (alert_id, channel))""");
                s.execute("CREATE INDEX IF NOT EXISTS alert_delivery_due ON alert_delivery (next_attempt_at) WHERE state = 'PENDING'");
                // version 3: what people decided on recommendations and anomalies, so every replica honours a dismissal
                s.execute("""
                        CREATE TABLE IF NOT EXISTS recommendation_state (
                            id TEXT PRIMARY KEY, kind TEXT NOT NULL, team TEXT, target TEXT NOT NULL, currency TEXT NOT NULL,
                            monthly_saving NUMERIC NOT NULL, status TEXT NOT NULL, reason TEXT, actor TEXT, changed_at TIMESTAMPTZ,
                            accepted_at TIMESTAMPTZ)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS anomaly (
                            id TEXT PRIMARY KEY, day DATE NOT NULL, hour INT, dimension TEXT NOT NULL, value TEXT NOT NULL, currency TEXT NOT NULL,
                            actual NUMERIC, expected NUMERIC(38,2), low NUMERIC(38,2), high NUMERIC(38,2), impact NUMERIC,
                            score DOUBLE PRECISION, severity TEXT, root_cause TEXT, feedback TEXT, feedback_note TEXT, suppressed BOOLEAN,
                            incident TEXT, feedback_on DATE)""");
                s.execute("CREATE INDEX IF NOT EXISTS anomaly_scope ON anomaly (dimension, value, day)");
                // version 4: an anomaly's actual amount and impact to the bill's exact figure, not cents (NUMERIC without a scale keeps
                // every digit; widening a version 3 table's NUMERIC(38,2) loses none); version 5: the day a verdict was given
                int was = version(s);
                if (was < 4) s.execute("ALTER TABLE anomaly ALTER COLUMN actual TYPE NUMERIC, ALTER COLUMN impact TYPE NUMERIC");
                if (was < 5) s.execute("ALTER TABLE anomaly ADD COLUMN IF NOT EXISTS feedback_on DATE");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS service_event (
                            id TEXT PRIMARY KEY, kind TEXT NOT NULL, model TEXT NOT NULL, variant TEXT, event_time TIMESTAMPTZ NOT NULL,
                            description TEXT, actor TEXT)""");
                s.execute("CREATE INDEX IF NOT EXISTS service_event_time ON service_event (event_time)");
                s.execute("INSERT INTO burnrate_schema (version) SELECT " + SCHEMA_VERSION + " WHERE NOT EXISTS (SELECT 1 FROM burnrate_schema)");
                s.execute("UPDATE burnrate_schema SET version = " + SCHEMA_VERSION + " WHERE version < " + SCHEMA_VERSION);
            } catch (SQLException e) {
                throw new StoreException("cannot create the shared state's tables: " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** The connection of the transaction the calling thread is in. */
    Connection connection() {
        Connection c = current.get();
        if (c == null) throw new IllegalStateException("not in a shared-state transaction");
        return c;
    }

    /** The schema version the database is at. */
    public int schemaVersion() {
        return inTransaction(() -> {
            try (Statement s = connection().createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT max(version) FROM burnrate_schema")) {
                r.next();
                return r.getInt(1);
            } catch (SQLException e) {
                throw new StoreException("cannot read the shared state's schema version: " + e.getMessage(), e);
            }
        });
    }

    boolean inTransaction() {
        return current.get() != null;
    }

    /**
     * Runs {@code work} in a transaction (the caller's, when it is in one already). A deadlock or serialisation failure
     * rolls back and runs it again; any other failure rolls back and is thrown.
     */
    public <T> T inTransaction(Supplier<T> work) {
        if (current.get() != null) return work.get();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                current.set(c);
                try {
                    T out = work.get();
                    c.commit();
                    return out;
                } catch (RuntimeException | Error e) {
                    rollback(c);
                    if (attempt < RETRIES && retryable(e)) continue;
                    throw e;
                } finally {
                    current.remove();
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new StoreException("shared state: " + e.getMessage(), e);
            }
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    /** 40P01 deadlock detected, 40001 serialization failure: PostgreSQL asks for the transaction to be run again. */
    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState()))) return true;
        }
        return false;
    }

    @Override
    public void close() {
        pool.close();
    }
}

package dev.burnrate.store;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit chain in PostgreSQL, one chain for every replica: an append takes the chain's lock (a transaction-scoped
 * advisory lock), reads the newest entry, numbers and hashes the new ones after it and inserts them, so entries of
 * several replicas interleave in one order that {@code audit verify} walks.
 */
public final class PgAuditStore implements AuditLog.SharedStore {
    private static final long CHAIN_LOCK = 7366002L;
    private static final String COLUMNS = "seq, event_at, actor, action, subject, detail, prev_hash, hash";
    private final PgState state;

    public PgAuditStore(PgState state) {
        this.state = state;
    }

    @Override
    public List<AuditEvent> appendAfterHead(List<AuditEvent> drafts) {
        return state.inTransaction(() -> {
            try (Statement s = state.connection().createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + CHAIN_LOCK + ")");
                long seq = 1;
                String prev = AuditEvent.GENESIS;
                try (ResultSet r = s.executeQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")) {
                    if (r.next()) {
                        seq = r.getLong(1) + 1;
                        prev = r.getString(2);
                    }
                }
                List<AuditEvent> out = new ArrayList<>(drafts.size());
                for (AuditEvent d : drafts) {
                    AuditEvent draft = new AuditEvent(seq++, d.at(), d.actor(), d.action(), d.subject(), d.detail(), prev, "");
                    AuditEvent e = new AuditEvent(draft.seq(), draft.at(), draft.actor(), draft.action(), draft.subject(), draft.detail(), prev,
                            draft.expectedHash());
                    out.add(e);
                    prev = e.hash();
                }
                insert(out);
                return out;
            } catch (SQLException e) {
                throw new StoreException("cannot append to the audit log: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Optional<AuditEvent> last() {
        return query("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq DESC LIMIT 1").stream().findFirst();
    }

    /** Entries numbered and hashed already (a copy of a chain); an entry whose number is taken fails the whole call. */
    @Override
    public void append(List<AuditEvent> events) {
        state.inTransaction(() -> {
            try {
                insert(events);
            } catch (SQLException e) {
                throw new StoreException("cannot append to the audit log: " + e.getMessage(), e);
            }
            return null;
        });
    }

    private void insert(List<AuditEvent> events) throws SQLException {
        try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent e : events) {
                ps.setLong(1, e.seq());
                ps.setObject(2, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                ps.setString(3, e.actor());
                ps.setString(4, e.action());
                ps.setString(5, e.subject());
                ps.setString(6, e.detail());
                ps.setString(7, e.prevHash());
                ps.setString(8, e.hash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<AuditEvent> read(long from, int limit) {
        return query("SELECT " + COLUMNS + " FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?", from, limit);
    }

    @Override
    public List<AuditEvent> bySubject(String subject) {
        return query("SELECT " + COLUMNS + " FROM audit_log WHERE subject = ? ORDER BY seq", subject);
    }

    private List<AuditEvent> query(String sql, Object... args) {
        return state.inTransaction(() -> {
            List<AuditEvent> out = new ArrayList<>();
            try (PreparedStatement ps = state.connection().prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new AuditEvent(r.getLong(1), r.getObject(2, OffsetDateTime.class).toInstant(), r.getString(3), r.getString(4),
                                r.getString(5), r.getString(6), r.getString(7), r.getString(8)));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
            }
            return out;
        });
    }
}

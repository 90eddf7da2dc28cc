package dev.burnrate.store;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The audit log table: written only through the Appender (one call per group commit), never updated. */
public final class DuckAuditStore implements AuditLog.Store {
    private static final String COLUMNS = "seq, event_at, actor, action, subject, detail, prev_hash, hash";
    private final Database db;

    public DuckAuditStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<AuditEvent> last() {
        List<AuditEvent> l = query("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq DESC LIMIT 1");
        return l.stream().findFirst();
    }

    @Override
    public void append(List<AuditEvent> events) {
        try (Connection c = db.connect(); DuckDBAppender a = ((DuckDBConnection) c).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "audit_log")) {
            for (AuditEvent e : events) {
                a.beginRow();
                a.append(e.seq());
                a.append(LocalDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                a.append(e.actor());
                a.append(e.action());
                a.append(e.subject());
                a.append(e.detail());
                a.append(e.prevHash());
                a.append(e.hash());
                a.endRow();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot append to the audit log: " + e.getMessage(), e);
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
        List<AuditEvent> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new AuditEvent(r.getLong(1), r.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC), r.getString(3),
                            r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
        return out;
    }
}

package dev.burnrate.store;

import dev.burnrate.gate.Ticket;
import dev.burnrate.gate.TicketCodec;
import dev.burnrate.gate.TicketStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gate's tickets in PostgreSQL, the record every replica reads and writes. Inside a gate step a ticket read is
 * locked until the step commits (and a ticket id not yet decided is locked by name), so two replicas never move one
 * ticket, or decide one id, at the same time. Tickets stay in the table; listing shows open ones and those changed
 * within the retention.
 */
public final class PgTicketStore implements TicketStore {
    private static final String HOLDING = "('pending_approval', 'approved', 'running', 'finished')";
    private final PgState state;
    private final Duration retain;
    private final Clock clock;

    public PgTicketStore(PgState state, Duration retain, Clock clock) {
        this.state = state;
        this.retain = retain;
        this.clock = clock;
    }

    @Override
    public Ticket get(String id) {
        return state.inTransaction(() -> {
            try {
                // the id itself is locked, so that two replicas deciding a new id take turns (there is no row to lock yet)
                try (PreparedStatement lock = state.connection().prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "gate-ticket:" + id);
                    lock.execute();
                }
                List<Ticket> l = query("SELECT body FROM gate_ticket WHERE id = ? FOR UPDATE", id);
                return l.isEmpty() ? null : l.get(0);
            } catch (SQLException e) {
                throw new StoreException("cannot read gate request " + id + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public boolean retired(String id) {
        return false;
    }

    @Override
    public List<Ticket> all() {
        Instant since = clock.instant().minus(retain);
        return state.inTransaction(() -> query("SELECT body FROM gate_ticket WHERE state IN ('pending_approval', 'approved', 'running') "
                + "OR updated_at >= ? OR expires_at >= ?", OffsetDateTime.ofInstant(since, ZoneOffset.UTC), OffsetDateTime.ofInstant(since, ZoneOffset.UTC)));
    }

    @Override
    public void put(Ticket t) {
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("INSERT INTO gate_ticket (id, state, team, created_at, updated_at, expires_at, "
                    + "hold_ended, body) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, team = EXCLUDED.team, "
                    + "updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at, hold_ended = FALSE, body = EXCLUDED.body")) {
                ps.setString(1, t.id());
                ps.setString(2, t.state().label());
                ps.setString(3, t.request().team());
                ps.setObject(4, OffsetDateTime.ofInstant(t.createdAt(), ZoneOffset.UTC));
                ps.setObject(5, OffsetDateTime.ofInstant(t.updatedAt(), ZoneOffset.UTC));
                ps.setObject(6, t.expiresAt() == null ? null : OffsetDateTime.ofInstant(t.expiresAt(), ZoneOffset.UTC));
                ps.setString(7, TicketCodec.write(t));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot store gate request " + t.id() + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public void remove(String id) {
        state.inTransaction(() -> {
            try (PreparedStatement ps = state.connection().prepareStatement("DELETE FROM gate_ticket WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot remove gate request " + id + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** Due holds, each taken once: marked ended in the same step (another replica's sweep skips the rows this one locked). */
    @Override
    public List<Ticket> holdsEnding(Instant now) {
        return state.inTransaction(() -> {
            List<Ticket> due = query("SELECT body FROM gate_ticket WHERE NOT hold_ended AND expires_at <= ? AND state IN ('pending_approval', 'approved', "
                    + "'finished') ORDER BY expires_at, id FOR UPDATE SKIP LOCKED", OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            if (due.isEmpty()) return due;
            try (PreparedStatement ps = state.connection().prepareStatement("UPDATE gate_ticket SET hold_ended = TRUE WHERE id = ?")) {
                for (Ticket t : due) {
                    ps.setString(1, t.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new StoreException("cannot mark ended holds: " + e.getMessage(), e);
            }
            return due;
        });
    }

    @Override
    public void retireDue(Instant now) {
        // the table is the record: tickets are never dropped from it; listing filters by retention
    }

    @Override
    public List<Ticket.Reservation> rebuild(Map<String, Ticket> replace, Instant now) {
        if (replace != null) throw new IllegalStateException("a shared ticket store is not rebuilt from the journal");
        return state.inTransaction(() -> {
            List<Ticket.Reservation> out = new ArrayList<>();
            for (Ticket t : query("SELECT body FROM gate_ticket WHERE NOT hold_ended AND state IN " + HOLDING)) {
                if (TicketStore.holds(t, now)) out.addAll(t.reservations());
            }
            return out;
        });
    }

    @Override
    public boolean shared() {
        return true;
    }

    private List<Ticket> query(String sql, Object... args) {
        List<Ticket> out = new ArrayList<>();
        try (PreparedStatement ps = state.connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.add(TicketCodec.read(r.getString(1)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read gate requests: " + e.getMessage(), e);
        }
        return out;
    }
}

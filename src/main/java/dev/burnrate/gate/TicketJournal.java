package dev.burnrate.gate;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every transition of a ticket, journalled in the hash-chained audit log as a JSON snapshot of the ticket (action
 * {@code gate.*}, subject the request id). The journal is also the gate's memory: tickets are rebuilt from the last
 * snapshot of each request, and a ticket that has left memory is read back from it.
 */
final class TicketJournal {
    private final AuditLog audit;

    /** The tickets rebuilt from the log, or (when its chain does not verify) the verification that failed and none. */
    record Restored(Map<String, Ticket> tickets, AuditLog.Verification broken) {
    }

    TicketJournal(AuditLog audit) {
        this.audit = audit;
    }

    /** Appends the ticket's snapshot; throws (and the caller undoes the transition) when the log cannot be written. */
    void append(Ticket t, String action, String actor) {
        audit.append(actor, action, t.id(), TicketCodec.write(t));
    }

    /** The same, inside the caller's shared-state transaction (see {@link AuditLog#appendWithin}). */
    void appendWithin(Ticket t, String action, String actor) {
        audit.appendWithin(actor, action, t.id(), TicketCodec.write(t));
    }

    /** The last snapshot of a request, from the log. */
    Optional<Ticket> last(String id) {
        List<AuditEvent> events = audit.bySubject(id);
        for (int i = events.size() - 1; i >= 0; i--) {
            AuditEvent e = events.get(i);
            if (e.action().startsWith("gate.")) return Optional.of(snapshot(e));
        }
        return Optional.empty();
    }

    /** Verifies the chain without reading the tickets: null when intact, else the failed verification. */
    AuditLog.Verification verify() {
        AuditLog.Verification v = audit.verify(e -> {
        });
        return v.intact() ? null : v;
    }

    /** The last snapshot of every request, read while verifying the chain; a chain that does not verify rebuilds nothing. */
    Restored restore() {
        Map<String, Ticket> last = new LinkedHashMap<>();
        AuditLog.Verification v = audit.verify(e -> {
            if (e.action().startsWith("gate.")) last.put(e.subject(), snapshot(e));
        });
        return v.intact() ? new Restored(last, null) : new Restored(Map.of(), v);
    }

    private Ticket snapshot(AuditEvent e) {
        try {
            return TicketCodec.read(e.detail());
        } catch (java.io.UncheckedIOException ex) {
            throw new IllegalStateException("audit entry " + e.seq() + " (" + e.action() + ") does not hold a readable gate ticket: " + ex.getCause().getMessage(), ex);
        }
    }
}

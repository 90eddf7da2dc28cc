package dev.burnrate.gate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
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
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The tickets rebuilt from the log, or (when its chain does not verify) the verification that failed and none. */
    record Restored(Map<String, Ticket> tickets, AuditLog.Verification broken) {
    }

    TicketJournal(AuditLog audit) {
        this.audit = audit;
    }

    /** Appends the ticket's snapshot; throws (and the caller undoes the transition) when the log cannot be written. */
    void append(Ticket t, String action, String actor) {
        try {
            audit.append(actor, action, t.id(), json.writeValueAsString(t.compact()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise ticket " + t.id(), e);
        }
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
            return json.readValue(e.detail(), Ticket.class).expanded();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("audit entry " + e.seq() + " (" + e.action() + ") does not hold a readable gate ticket: " + ex.getMessage(), ex);
        }
    }
}

package dev.burnrate.gate;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where the gate keeps its tickets. Changes happen inside the reservation book's {@link ReservationBook#atomically}
 * step, as the money they hold does. The embedded default keeps them in memory, rebuilt from the audit log at start
 * ({@link MemoryTicketStore}); a shared store (PostgreSQL) is the tickets' own record, which every replica reads.
 */
public interface TicketStore {
    /** The ticket, or null when there is none (or it left memory: see {@link #retired}). */
    Ticket get(String id);

    /** Whether the ticket left memory and is in the journal only. */
    boolean retired(String id);

    default Ticket require(String id) {
        Ticket t = get(id);
        if (t == null) throw new Gate.StateException("no gate request " + id, true);
        return t;
    }

    /** The tickets to list: every open one, and ended ones within their retention. */
    Collection<Ticket> all();

    /** Stores a ticket's new state. */
    void put(Ticket t);

    void remove(String id);

    /** The tickets whose hold ends by {@code now} (pending and approved ones expire, finished ones settle). */
    List<Ticket> holdsEnding(Instant now);

    /** Ended tickets past their retention leave memory (a finished run only once it has settled). */
    void retireDue(Instant now);

    /**
     * Replaces the tickets with {@code replace} (a restore from the journal; null keeps them, after an undo) and returns
     * the reservations they hold at {@code now}, for the book to hold exactly those.
     */
    List<Ticket.Reservation> rebuild(Map<String, Ticket> replace, Instant now);

    /**
     * Whether this store is the tickets' own record, shared by replicas: then the gate never rebuilds it from the
     * journal at start (other replicas wrote to it since), it only verifies the audit chain.
     */
    boolean shared();

    /** The reservations a ticket holds at {@code now}: a pending, approved or running one's p90, a finished one's actual cost until it settles. */
    static boolean holds(Ticket t, Instant now) {
        return t.state().holdsReservation() || (t.state() == Ticket.State.FINISHED && t.expiresAt() != null && now.isBefore(t.expiresAt()));
    }
}

package dev.burnrate.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tickets of one process, in memory, indexed by the instant their hold ends (pending and approved ones expire, finished ones
 * settle) and by the instant they may leave memory (ended ones, {@code retainTickets} after their last change), so a
 * sweep touches only what is due instead of every ticket ever decided. Changes happen inside the reservation book's
 * {@link ReservationBook#atomically} step, as the money they hold does; reads need no lock.
 */
public final class MemoryTicketStore implements TicketStore {
    private record Due(Instant at, String id) implements Comparable<Due> {
        static Due of(Ticket t) {
            boolean ends = t.expiresAt() != null && (t.state() == Ticket.State.PENDING_APPROVAL || t.state() == Ticket.State.APPROVED
                    || t.state() == Ticket.State.FINISHED);
            return ends ? new Due(t.expiresAt(), t.id()) : null;
        }

        /** When an ended ticket may leave memory: its last change (a finished run's settling, a deferral's time) + retain. */
        static Due retire(Ticket t, Duration retain) {
            Instant last = t.updatedAt();
            switch (t.state()) {
                case PENDING_APPROVAL, APPROVED, RUNNING -> {
                    return null;
                }
                case FINISHED -> {
                    if (t.expiresAt() != null && t.expiresAt().isAfter(last)) last = t.expiresAt();
                }
                case DEFERRED -> {
                    if (t.notBefore() != null && t.notBefore().isAfter(last)) last = t.notBefore();
                }
                default -> {
                }
            }
            return new Due(last.plus(retain), t.id());
        }

        @Override
        public int compareTo(Due o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    private final ReservationBook book;
    private final Duration retain;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final NavigableSet<Due> due = new TreeSet<>();
    /** Ended tickets by the instant they leave memory (their last change + retainTickets). */
    private final NavigableSet<Due> retire = new TreeSet<>();
    /** Ids of tickets that left memory: the journal has them. */
    private final Set<String> retired = ConcurrentHashMap.newKeySet();

    public MemoryTicketStore(ReservationBook book, Duration retain) {
        this.book = book;
        this.retain = retain;
    }

    @Override
    public Ticket get(String id) {
        return tickets.get(id);
    }

    @Override
    public boolean retired(String id) {
        return retired.contains(id);
    }

    @Override
    public Collection<Ticket> all() {
        return tickets.values();
    }

    /** Stores a ticket's new state and moves its index entries. */
    @Override
    public void put(Ticket t) {
        book.atomically(() -> {
            Ticket old = tickets.put(t.id(), t);
            retired.remove(t.id());
            reindex(old, t);
        });
    }

    @Override
    public void remove(String id) {
        book.atomically(() -> reindex(tickets.remove(id), null));
    }

    /** The tickets whose hold ends by {@code now} (taken off the index: the caller ends their hold). */
    @Override
    public List<Ticket> holdsEnding(Instant now) {
        List<Ticket> out = new ArrayList<>();
        for (Due d; (d = due.isEmpty() ? null : due.first()) != null && !now.isBefore(d.at()); ) {
            due.pollFirst();
            Ticket t = tickets.get(d.id());
            if (t != null && d.equals(Due.of(t))) out.add(t);
        }
        return out;
    }

    @Override
    public void retireDue(Instant now) {
        for (Due d; (d = retire.isEmpty() ? null : retire.first()) != null && !now.isBefore(d.at()); ) {
            retire.pollFirst();
            Ticket t = tickets.get(d.id());
            if (t == null || !d.equals(Due.retire(t, retain))) continue;
            tickets.remove(d.id());
            retired.add(d.id());
        }
    }

    @Override
    public List<Ticket.Reservation> rebuild(Map<String, Ticket> replace, Instant now) {
        return book.atomically(() -> {
            if (replace != null) tickets.putAll(replace);
            due.clear();
            retire.clear();
            List<Ticket.Reservation> holding = new ArrayList<>();
            for (Ticket t : tickets.values()) {
                if (TicketStore.holds(t, now)) {
                    holding.addAll(t.reservations());
                    move(due, null, Due.of(t));
                }
                move(retire, null, Due.retire(t, retain));
            }
            return holding;
        });
    }

    @Override
    public boolean shared() {
        return false;
    }

    private void reindex(Ticket old, Ticket now) {
        move(due, old == null ? null : Due.of(old), now == null ? null : Due.of(now));
        move(retire, old == null ? null : Due.retire(old, retain), now == null ? null : Due.retire(now, retain));
    }

    private static void move(NavigableSet<Due> index, Due from, Due to) {
        if (from != null && !from.equals(to)) index.remove(from);
        if (to != null) index.add(to);
    }
}

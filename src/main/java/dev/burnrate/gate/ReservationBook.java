package dev.burnrate.gate;

import dev.burnrate.budget.Budget;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The money the gate holds against budgets: per budget and period, the p90 of approved, pending and running requests and
 * the actual cost of finished runs until the bill carries it. Budgets read it (their "reserved") and the gate writes it.
 * <p>
 * A decision reads a budget's room and then holds money against it; {@link #atomically} makes that one step, so
 * concurrent requests never overcommit a budget. The embedded default keeps the book in memory, rebuilt from the audit
 * log at start ({@link MemoryReservationBook}).
 */
public interface ReservationBook {
    /**
     * Runs {@code work} so that no other change to the book (or to the gate's tickets, which are changed in the same
     * steps) happens between what it reads and what it holds. Re-entrant.
     */
    <T> T atomically(Supplier<T> work);

    /**
     * Whether {@link #atomically} is one database transaction that a failure rolls back whole, shared with the ticket
     * store and the audit log (PostgreSQL): then a transition's audit entry is written inside it and commits with the
     * ticket and the money it holds. In memory (false) the entry follows the step, and a refused entry undoes it.
     */
    default boolean transactional() {
        return false;
    }

    default void atomically(Runnable work) {
        atomically(() -> {
            work.run();
            return null;
        });
    }

    /** Money held against a budget for the period that starts on {@code periodStart} (zero when none). */
    BigDecimal held(String budgetId, LocalDate periodStart);

    /** {@link #held} in the budget's currency: what a budget's status reports as reserved. */
    default Money reserved(Budget b, LocalDate periodStart) {
        return new Money(held(b.id(), periodStart), b.amount().currency());
    }

    /** Adds these reservations to what is held. */
    void hold(List<Ticket.Reservation> reservations);

    /** Gives these reservations back. */
    void release(List<Ticket.Reservation> reservations);

    /** Replaces everything held by these reservations (a restore, or an undo after a failed journal write). */
    void reset(Collection<Ticket.Reservation> reservations);
}

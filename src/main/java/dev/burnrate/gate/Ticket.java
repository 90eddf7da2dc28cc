package dev.burnrate.gate;

import dev.burnrate.guard.GuardState;
import dev.burnrate.ledger.Money;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * A gate request through its life: the decision and its reasons, the plan that was approved (the request with any
 * changes), the money held against budgets, approvals, the guard's state while it runs, and the actual cost.
 */
public record Ticket(String id, GateRequest request, Estimate estimate, Decision decision, List<String> reasons, List<Change> changes,
                     GateRequest plan, Estimate planEstimate, List<Reservation> reservations, State state, Instant createdAt,
                     Instant updatedAt, Instant expiresAt, Instant notBefore, List<Approval> approvals, List<String> policies,
                     GuardState guard, Money actualCost, Instant finishedAt) {

    /** The gate's answer: a closed set. */
    public enum Decision {
        APPROVED, APPROVED_WITH_CHANGES, PENDING_APPROVAL, DEFERRED, DENIED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum State {
        /** Waiting for an approver; money is held. */
        PENDING_APPROVAL(true),
        /** May start; money is held. */
        APPROVED(true),
        RUNNING(true),
        /** Ended; its actual cost is held until the bill carries it. */
        FINISHED(false),
        DEFERRED(false), DENIED(false), REJECTED(false), EXPIRED(false),
        /** Approved but never started (or cancelled): the money went back. */
        RELEASED(false);

        private final boolean holds;

        State(boolean holds) {
            this.holds = holds;
        }

        /** The state a user named (any case); an unknown name is refused, naming those there are. */
        public static State parse(String label) {
            for (State s : values()) if (s.label().equalsIgnoreCase(label.strip())) return s;
            throw new dev.burnrate.ledger.InvalidParameterException("state", label, "not one of "
                    + String.join(", ", java.util.Arrays.stream(values()).map(State::label).toList()));
        }

        public boolean holdsReservation() {
            return holds;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A change the gate made to fit: what, from what to what, and the saving on p90. */
    public record Change(String kind, String from, String to, Money saving) {
    }

    /** Money held against one budget for one period. */
    public record Reservation(String budgetId, LocalDate periodStart, LocalDate periodEnd, Money amount) {
    }

    public record Approval(String actor, String verdict, String reason, Instant at) {
    }

    public Ticket {
        reasons = List.copyOf(reasons);
        changes = List.copyOf(changes);
        reservations = List.copyOf(reservations);
        approvals = List.copyOf(approvals);
        policies = List.copyOf(policies);
    }

    Ticket with(State s, Instant now) {
        return new Ticket(id, request, estimate, decision, reasons, changes, plan, planEstimate, reservations, s, createdAt, now, expiresAt,
                notBefore, approvals, policies, guard, actualCost, finishedAt);
    }

    Ticket withApproval(Approval a, State s, Instant now, Instant exp) {
        List<Approval> all = new java.util.ArrayList<>(approvals);
        all.add(a);
        return new Ticket(id, request, estimate, decision, reasons, changes, plan, planEstimate, reservations, s, createdAt, now, exp,
                notBefore, all, policies, guard, actualCost, finishedAt);
    }

    Ticket withGuard(GuardState g, Instant now) {
        return new Ticket(id, request, estimate, decision, reasons, changes, plan, planEstimate, reservations, state, createdAt, now, expiresAt,
                notBefore, approvals, policies, g, actualCost, finishedAt);
    }

    Ticket finished(Money actual, List<Reservation> actuals, Instant now, Instant settleUntil) {
        return new Ticket(id, request, estimate, decision, reasons, changes, plan, planEstimate, actuals, State.FINISHED, createdAt, now,
                settleUntil, notBefore, approvals, policies, guard, actual, now);
    }

    /** For the journal: the plan and its estimate left out when they are the request and its estimate (most tickets). */
    Ticket compact() {
        if (plan == null || !plan.equals(request) || !java.util.Objects.equals(planEstimate, estimate)) return this;
        return new Ticket(id, request, estimate, decision, reasons, changes, null, null, reservations, state, createdAt, updatedAt, expiresAt,
                notBefore, approvals, policies, guard, actualCost, finishedAt);
    }

    /** The inverse of {@link #compact()}. */
    Ticket expanded() {
        if (plan != null) return this;
        return new Ticket(id, request, estimate, decision, reasons, changes, request, estimate, reservations, state, createdAt, updatedAt,
                expiresAt, notBefore, approvals, policies, guard, actualCost, finishedAt);
    }

    /** The p90 held for this run (zero when nothing is held). */
    public Money reserved() {
        return reservations.isEmpty() ? null : reservations.get(0).amount();
    }
}

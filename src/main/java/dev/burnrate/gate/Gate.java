package dev.burnrate.gate;

import dev.burnrate.audit.AuditLog;
import dev.burnrate.budget.Budget;
import dev.burnrate.guard.Action;
import dev.burnrate.guard.Actuators;
import dev.burnrate.guard.Guard;
import dev.burnrate.guard.GuardState;
import dev.burnrate.guard.Heartbeat;
import dev.burnrate.ledger.Money;
import dev.burnrate.policy.Policy;
import dev.burnrate.policy.PolicySet;
import dev.burnrate.recommend.SpotEconomics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The pre-flight gate: a request's life as a ticket, from its decision to its settling. The parts each read alone:
 * <ul>
 *   <li>{@link Decider}: the decision rules (estimate, policies, drift tolerance, envelope, off-peak, budgets' room,
 *       changes that fit, auto-approve), returning a sealed {@link Decision} and changing nothing;</li>
 *   <li>{@link ReservationBook}: the money held against budgets, read and held in one atomic step so concurrent
 *       requests never overcommit a budget (budgets read their "reserved" from the same book);</li>
 *   <li>{@link TicketStore} and {@link TicketJournal}: the tickets (in memory with their expiry index, or shared in
 *       PostgreSQL by replicas), and every transition journalled in the audit log (a JSON snapshot of the ticket), which is also how tickets survive a restart;</li>
 *   <li>{@link RunningJobs}: a running job's spend and the guard's verdict on each heartbeat.</li>
 * </ul>
 * This class is the ticket state machine that ties them: which transition is allowed from which state, what it holds
 * or gives back, what it journals, and who is told.
 */
public final class Gate {
    /** Raises notifications through the alert outbox, and resolves those that no longer ask anything of anyone. */
    public interface Notifier {
        void notify(String severity, String dedupKey, String title, String summary, Map<String, String> details);

        /** The matter behind the alert with this dedup key is settled (an approval was decided or expired). */
        void resolve(String dedupKey, String by);

        static Notifier none() {
            return new Notifier() {
                @Override
                public void notify(String severity, String dedupKey, String title, String summary, Map<String, String> details) {
                }

                @Override
                public void resolve(String dedupKey, String by) {
                }
            };
        }
    }

    /** Thrown for a request in a state that does not allow the step (409), or an unknown one (404). */
    public static final class StateException extends RuntimeException {
        private final boolean notFound;

        public StateException(String message, boolean notFound) {
            super(message);
            this.notFound = notFound;
        }

        public boolean notFound() {
            return notFound;
        }
    }

    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    /** Dedup key prefix of the "approval needed" alert; it is resolved when the request is approved, rejected or expires. */
    static final String PENDING_ALERT = "gate-pending:";

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private final Estimator estimator;
    private final Decider decider;
    private final RunningJobs running;
    private final BudgetView budgets;
    private final PolicySet policies;
    private final GateSettings settings;
    private final ReservationBook book;
    private final TicketStore tickets;
    private final TicketJournal journal;
    private final Notifier notifier;
    private final Actuators actuators;
    private final Clock clock;
    private final Decider.Room room;
    /** The next instant a sweep is due (two callers racing past it sweep twice: the second finds nothing due). */
    private volatile Instant nextSweep = Instant.MIN;
    /** Set when the audit chain did not verify at start. */
    private volatile AuditLog.Verification untrusted;

    public Gate(Estimator estimator, BudgetView budgets, PolicySet policies, GateSettings settings, Guard guard, AuditLog audit,
                ReservationBook book, TicketStore tickets, SpotEconomics spot, Notifier notifier, Actuators actuators, Clock clock) {
        this.estimator = estimator;
        this.decider = new Decider(estimator, policies, settings, spot);
        this.running = new RunningJobs(estimator, guard, policies, budgets, book);
        this.budgets = budgets;
        this.policies = policies;
        this.settings = settings;
        this.book = book;
        this.tickets = tickets;
        this.journal = new TicketJournal(audit);
        this.notifier = notifier;
        this.actuators = actuators;
        this.clock = clock;
        this.room = new Decider.Room() {
            @Override
            public BigDecimal spent(Budget b, LocalDate periodStart, LocalDate periodEnd, LocalDate today) {
                return budgets.spent(b, periodStart, periodEnd, today);
            }

            @Override
            public BigDecimal held(String budgetId, LocalDate periodStart) {
                return book.held(budgetId, periodStart);
            }
        };
        restore();
    }

    /** Throws when the audit log the gate was rebuilt from did not verify at start: its book cannot be trusted. */
    public void requireTrusted() {
        AuditLog.Verification v = untrusted;
        if (v != null) throw new AuditLog.BrokenChainException(v);
    }

    public GateSettings settings() {
        return settings;
    }

    public PolicySet policies() {
        return policies;
    }

    public BudgetView budgets() {
        return budgets;
    }

    // ---------------------------------------------------------------- decide

    /** A ticket placed in the book, or the one another submission of the same id placed first ({@code raced}). */
    private record Placed(Ticket ticket, boolean raced) {
    }

    /** Decides a request; submitting the same id again returns the ticket already decided. */
    public Ticket submit(GateRequest req) {
        requireTrusted();
        GateRequest r = req.id() == null || req.id().isBlank() ? req.withId("gr-" + UUID.randomUUID().toString().substring(0, 13)) : req;
        if (!ID.matcher(r.id()).matches()) throw new IllegalArgumentException("id '" + r.id() + "' must be 1-128 letters, digits, '.', '_', ':' or '-'");
        if (!r.actuator().isEmpty()) actuators.check(r.actuator(), r.team());
        Instant now = clock.instant();
        Ticket existing = tickets.get(r.id());
        if (existing == null && tickets.retired(r.id())) existing = journal.last(r.id()).orElse(null);
        String differs = existing == null ? null : existing.request().differsFrom(r);
        if (differs != null) { // an id names one request: another one under it would answer with, or replace, that request's decision
            throw new StateException("request id " + r.id() + " is taken by a request with another " + differs + "; send a new id", false);
        }
        // the same request again returns its answer, except a deferred one whose time has come: it is decided afresh
        if (existing != null && !(existing.state() == Ticket.State.DEFERRED && existing.notBefore() != null && !now.isBefore(existing.notBefore()))) {
            return existing;
        }
        Decider.Screening screening = decider.screen(r, now);
        for (PolicySet.Hit h : screening.notices()) {
            notifier.notify("info", "policy:" + h.policy().name() + ":" + r.id(), "Policy " + h.policy().name() + " matched " + r.id(),
                    h.policy().message(), Map.of("request", r.id(), "model", r.model(), "team", r.team()));
        }
        if (screening.decided() != null) {
            Ticket t = ticket(r, screening.decided(), List.of(), null, now);
            book.atomically(() -> {
                tickets.put(t);
                journalWithin(t, action(t));
            });
            return journalAfter(t, action(t), () -> tickets.remove(t.id()));
        }
        Ticket seen = existing;
        sweepIfDue(now);
        Placed placed = book.atomically(() -> {
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            String currency = screening.screened().estimate().p90().currency();
            List<Budget> scope = budgets.all().stream().filter(b -> b.amount().currency().equals(currency) && BudgetView.covers(b, r)).toList();
            Ticket t = ticket(r, decider.place(screening.screened(), scope, today, room), scope, today, now);
            // another submission of the same id that reached the book first wins: the same id never holds money twice
            Ticket meanwhile = tickets.get(r.id());
            if (meanwhile != null && !meanwhile.equals(seen)) return new Placed(meanwhile, true);
            tickets.put(t);
            book.hold(t.reservations());
            journalWithin(t, action(t));
            return new Placed(t, false);
        });
        Ticket decided = placed.ticket();
        if (placed.raced()) return decided;
        journalAfter(decided, action(decided), () -> book.atomically(() -> {
            tickets.remove(decided.id());
            book.release(decided.reservations());
        }));
        if (decided.state() == Ticket.State.PENDING_APPROVAL) {
            notifier.notify("ticket", PENDING_ALERT + decided.id(), "Approval needed: " + decided.request().model() + " " + decided.request().kind().label()
                    + " for " + decided.request().team() + " (p90 " + Decider.fmt(decided.planEstimate().p90()) + ")", String.join("; ", decided.reasons()),
                    Map.of("request", decided.id(), "team", decided.request().team(), "requester", decided.request().requester()));
        }
        return decided;
    }

    /** The ticket a decision makes: a run holds its p90 against every budget in {@code scope} until it expires. */
    private Ticket ticket(GateRequest r, Decision d, List<Budget> scope, LocalDate today, Instant now) {
        return switch (d) {
            case Decision.Denied x -> new Ticket(r.id(), r, x.estimate(), Ticket.Decision.DENIED, x.reasons(), List.of(), r, x.estimate(), List.of(),
                    Ticket.State.DENIED, now, now, null, null, List.of(), x.policyNotes(), null, null, null);
            case Decision.Deferred x -> new Ticket(r.id(), r, x.estimate(), Ticket.Decision.DEFERRED, x.reasons(), x.changes(), x.plan(), x.planEstimate(),
                    List.of(), Ticket.State.DEFERRED, now, now, null, x.until(), List.of(), x.policyNotes(), null, null, null);
            case Decision.Run x -> {
                List<Ticket.Reservation> res = new ArrayList<>();
                for (Budget b : scope) {
                    LocalDate[] p = b.period().around(today);
                    res.add(new Ticket.Reservation(b.id(), p[0], p[1], x.planEstimate().p90()));
                }
                Instant expires = now.plus(x.needsApproval() ? settings.approvalTtl() : settings.startWithin());
                yield new Ticket(r.id(), r, x.estimate(), x.label(), x.reasons(), x.changes(), x.plan(), x.planEstimate(), res,
                        x.needsApproval() ? Ticket.State.PENDING_APPROVAL : Ticket.State.APPROVED, now, now, expires, null, List.of(), x.policyNotes(),
                        null, null, null);
            }
        };
    }

    private static String action(Ticket t) {
        return "gate." + t.decision().label();
    }

    // ---------------------------------------------------------------- approvals and lifecycle

    /** A transition: the ticket before and after it ({@code after} null when there was nothing to do). */
    private record Step(Ticket before, Ticket after) {
    }

    /** An approver (never the requester) approves a pending request; its reservation stays held until it starts. */
    public Ticket approve(String id, String approver, String reason) {
        return decideApproval(id, approver, reason, true);
    }

    public Ticket reject(String id, String approver, String reason) {
        return decideApproval(id, approver, reason, false);
    }

    private Ticket decideApproval(String id, String approver, String reason, boolean approve) {
        requireTrusted();
        if (approver == null || approver.isBlank()) throw new IllegalArgumentException("an approver is required");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a reason is required");
        Instant now = clock.instant();
        sweepIfDue(now);
        Step step = book.atomically(() -> {
            Ticket before = tickets.require(id);
            if (before.state() != Ticket.State.PENDING_APPROVAL) {
                throw new StateException("request " + id + " is " + before.state().label() + ", not pending approval", false);
            }
            if (approver.equals(before.request().requester())) {
                throw new IllegalArgumentException("the requester " + approver + " cannot approve or reject their own request");
            }
            Ticket.Approval a = new Ticket.Approval(approver, approve ? "approved" : "rejected", reason, now);
            Ticket after = approve ? before.withApproval(a, Ticket.State.APPROVED, now, now.plus(settings.startWithin()))
                    : before.withApproval(a, Ticket.State.REJECTED, now, null);
            tickets.put(after);
            if (!approve) book.release(before.reservations());
            journalWithin(after, approve ? "gate.approval.approved" : "gate.approval.rejected");
            return new Step(before, after);
        });
        Ticket after = step.after();
        journalAfter(after, approve ? "gate.approval.approved" : "gate.approval.rejected", () -> restoreTicket(step.before()));
        notifier.resolve(PENDING_ALERT + id, approver);
        notifier.notify("info", "gate-" + (approve ? "approved" : "rejected") + ":" + id, "Request " + id + " " + (approve ? "approved" : "rejected")
                + " by " + approver, reason, Map.of("request", id, "team", after.request().team(), "requester", after.request().requester()));
        return after;
    }

    /** The job started: only an approved request may. */
    public Ticket start(String id, String actor) {
        requireTrusted();
        Instant now = clock.instant();
        sweepIfDue(now);
        Step step = book.atomically(() -> {
            Ticket before = tickets.require(id);
            if (before.state() == Ticket.State.RUNNING) return new Step(before, null);
            if (before.state() != Ticket.State.APPROVED) {
                throw new StateException("request " + id + " is " + before.state().label() + ": only an approved request may start"
                        + (before.notBefore() != null ? " (deferred until " + before.notBefore() + ")" : ""), false);
            }
            Ticket after = new Ticket(before.id(), before.request(), before.estimate(), before.decision(), before.reasons(), before.changes(), before.plan(),
                    before.planEstimate(), before.reservations(), Ticket.State.RUNNING, before.createdAt(), now, null, before.notBefore(),
                    before.approvals(), before.policies(), GuardState.initial(), null, null);
            tickets.put(after);
            journalWithin(after, "gate.started");
            return new Step(before, after);
        });
        if (step.after() == null) return step.before();
        return journalAfter(step.after(), "gate.started", () -> restoreTicket(step.before()));
    }

    /** The guard's answer to a heartbeat of a running job; checkpoint and stop go to the job's actuator when it has one. */
    public Guard.Verdict heartbeat(String id, Heartbeat hb) {
        return heartbeat(id, hb, false).orElseThrow();
    }

    /**
     * As {@link #heartbeat(String, Heartbeat)}, for a channel that delivers at least once (Kafka): empty, and nothing
     * changed, when the job already reported this elapsed time or a later one, so a heartbeat delivered again neither
     * counts nor climbs the guard's ladder a second step.
     */
    public Optional<Guard.Verdict> heartbeatOnce(String id, Heartbeat hb) {
        return heartbeat(id, hb, true);
    }

    private Optional<Guard.Verdict> heartbeat(String id, Heartbeat hb, boolean once) {
        requireTrusted();
        Instant now = clock.instant();
        RunningJobs.Beat beat = book.atomically(() -> {
            Ticket t = tickets.require(id);
            if (t.state() != Ticket.State.RUNNING) throw new StateException("request " + id + " is " + t.state().label() + ", not running", false);
            if (once && t.guard() != null && t.guard().alreadySaw(hb)) return null;
            RunningJobs.Beat b = running.heartbeat(t, hb, now);
            tickets.put(b.ticket());
            // the guard's step and its entry commit together (shared state): a replica that dies between them would leave
            // a job the guard believes it stopped, which a heartbeat delivered again would not stop (it already saw it)
            if (acts(b)) journalWithin(b.ticket(), "gate.guard." + b.verdict().action().label(), "guard");
            return b;
        });
        if (beat == null) return Optional.empty();
        Ticket t = beat.ticket();
        Guard.Verdict v = beat.verdict();
        // job policies that do not stop the run (notify, warn, require_approval, downgrade, or in dry run) tell the
        // team once per job through the outbox (the alert's dedup key)
        for (PolicySet.Hit h : beat.notices()) {
            notifier.notify(h.error() == null && h.enforced() && h.effect() != Policy.Effect.WARN ? "ticket" : "info",
                    "policy:" + h.policy().name() + ":" + id, "Policy " + h.policy().name() + " matched running job " + id + " (" + t.request().model()
                            + ", " + t.request().team() + ")", h.error() == null ? h.describe() : "could not be evaluated: " + h.error(),
                    Map.of("request", id, "team", t.request().team(), "model", t.request().model(), "policy", h.policy().name()));
        }
        if (acts(beat)) act(t, v);
        return Optional.of(v);
    }

    /** A stop is answered on every heartbeat until the job ends; it is journalled and acted on once. */
    private static boolean acts(RunningJobs.Beat b) {
        Action a = b.verdict().action();
        return a != Action.NONE && !(a == Action.STOP && b.before() == Action.STOP);
    }

    /** Journals a guard action (unless its step did), tells the team and, for checkpoint and stop, asks the job's actuator. */
    private void act(Ticket t, Guard.Verdict v) {
        String id = t.id();
        String reason = String.join("; ", v.reasons());
        if (!book.transactional()) journal(t, "gate.guard." + v.action().label(), "guard");
        notifier.notify(v.action() == Action.NOTIFY ? "ticket" : "page", "guard:" + id + ":" + v.action().label(),
                "Guard " + v.action().label() + ": " + t.request().model() + " job " + id + " (" + t.request().team() + ")", reason,
                Map.of("request", id, "team", t.request().team(), "model", t.request().model()));
        if (t.plan().actuator().isEmpty() || (v.action() != Action.CHECKPOINT && v.action() != Action.STOP)) return;
        try {
            actuators.create(t.plan().actuator(), t.plan().team()).act(v.action(), id, reason);
            journal(t, "gate.guard.actuated." + v.action().label(), "guard");
        } catch (RuntimeException e) {
            journal(t, "gate.guard.actuator_failed", "guard");
            notifier.notify("page", "guard-actuator:" + id, "Guard could not " + v.action().label() + " job " + id, e.getMessage(),
                    Map.of("request", id, "team", t.request().team()));
        }
    }

    /** The job ended: its reservation becomes its actual cost (held until the bill carries it), and history learns it. */
    public Ticket finish(String id, String status, BigDecimal actualCost, String actor) {
        requireTrusted();
        Instant now = clock.instant();
        Step step = book.atomically(() -> {
            Ticket before = tickets.require(id);
            if (before.state() == Ticket.State.FINISHED) return new Step(before, null);
            if (before.state() != Ticket.State.RUNNING) throw new StateException("request " + id + " is " + before.state().label() + ", not running", false);
            BigDecimal actual = actualCost != null ? actualCost
                    : before.guard() != null && before.guard().spend() != null ? before.guard().spend() : BigDecimal.ZERO;
            Money cost = new Money(actual.setScale(2, RoundingMode.HALF_UP), before.planEstimate().p90().currency());
            List<Ticket.Reservation> actuals = before.reservations().stream()
                    .map(r -> new Ticket.Reservation(r.budgetId(), r.periodStart(), r.periodEnd(), cost)).toList();
            Ticket after = before.finished(cost, actuals, now, now.plus(settings.settleLag()));
            book.release(before.reservations());
            book.hold(actuals);
            tickets.put(after);
            journalWithin(after, "gate.finished." + (status == null ? "succeeded" : status));
            return new Step(before, after);
        });
        if (step.after() == null) return step.before();
        estimator.invalidate(step.after().request().model());
        return journalAfter(step.after(), "gate.finished." + (status == null ? "succeeded" : status), () -> book.atomically(() -> {
            book.release(step.after().reservations());
            book.hold(step.before().reservations());
            tickets.put(step.before());
        }));
    }

    /** Gives the money back: the job will not start (or was cancelled before it did). */
    public Ticket release(String id, String actor) {
        requireTrusted();
        Instant now = clock.instant();
        Step step = book.atomically(() -> {
            Ticket before = tickets.require(id);
            if (before.state() != Ticket.State.APPROVED && before.state() != Ticket.State.PENDING_APPROVAL) {
                throw new StateException("request " + id + " is " + before.state().label() + ": only an approved or pending request can be released", false);
            }
            Ticket after = before.with(Ticket.State.RELEASED, now);
            tickets.put(after);
            book.release(before.reservations());
            journalWithin(after, "gate.released");
            return new Step(before, after);
        });
        return journalAfter(step.after(), "gate.released", () -> restoreTicket(step.before()));
    }

    /** Whether the gate has decided this id (in memory or, having left it, in the audit log), without reading the log. */
    public boolean known(String id) {
        return tickets.get(id) != null || tickets.retired(id);
    }

    /** A ticket by id: from memory, or (once it has left memory) its last snapshot in the audit log. */
    public Optional<Ticket> get(String id) {
        Ticket t = tickets.get(id);
        if (t == null && tickets.retired(id)) return journal.last(id);
        return Optional.ofNullable(t);
    }

    /** Tickets (every open one, ended ones within retainTickets), newest first, optionally of one state and of some teams (null = all). */
    public List<Ticket> list(Ticket.State state, Collection<String> teams, int limit) {
        sweep();
        return tickets.all().stream()
                .filter(t -> state == null || t.state() == state)
                .filter(t -> teams == null || teams.contains(t.request().team()))
                .sorted(Comparator.comparing(Ticket::createdAt).reversed().thenComparing(Ticket::id))
                .limit(limit).toList();
    }

    /** Money held against a budget for a period: approved, pending and running reservations, and unsettled actuals. */
    public Money reserved(Budget b, LocalDate periodStart) {
        return book.reserved(b, periodStart);
    }

    /** Expires pending requests past their approval window and releases approved ones that never started. */
    public void sweep() {
        requireTrusted();
        nextSweep = Instant.MIN;
        sweepIfDue(clock.instant());
    }

    /**
     * Ends the holds that are due: pending requests expire, approved ones that never started are released, actuals
     * settle. One step in the book; the changes are journalled after it in memory, inside it in a transactional book
     * (a step run again after a deadlock rolls its entries back with it, so none is recorded twice).
     */
    private void sweepIfDue(Instant now) {
        if (now.isBefore(nextSweep)) return;
        List<Ticket> changed = book.atomically(() -> {
            List<Ticket> out = new ArrayList<>();
            for (Ticket t : tickets.holdsEnding(now)) {
                book.release(t.reservations());
                Ticket after = t.state() == Ticket.State.PENDING_APPROVAL ? t.with(Ticket.State.EXPIRED, now)
                        : t.state() == Ticket.State.APPROVED ? t.with(Ticket.State.RELEASED, now) : null;
                if (after != null) {
                    tickets.put(after);
                    journalWithin(after, after.state() == Ticket.State.EXPIRED ? "gate.expired" : "gate.released", "gate");
                    out.add(after);
                }
            }
            tickets.retireDue(now);
            return out;
        });
        nextSweep = now.plus(SWEEP_EVERY);
        for (Ticket t : changed) {
            if (!book.transactional()) journal(t, t.state() == Ticket.State.EXPIRED ? "gate.expired" : "gate.released", "gate");
            if (t.state() == Ticket.State.EXPIRED) notifier.resolve(PENDING_ALERT + t.id(), "gate");
        }
    }

    // ---------------------------------------------------------------- journal

    /** Journals the transition; if the audit log cannot be written, undoes it in memory and fails. */
    /**
     * In a transactional book (shared state), journals the transition inside the step, so the entry commits with the
     * ticket and its money; in memory it does nothing, and {@link #journalAfter} journals once the step is done.
     */
    private void journalWithin(Ticket t, String action) {
        journalWithin(t, action, actorOf(t, action));
    }

    private void journalWithin(Ticket t, String action, String actor) {
        if (book.transactional()) journal.appendWithin(t, action, actor);
    }

    private Ticket journalAfter(Ticket t, String action, Runnable undo) {
        if (book.transactional()) return t; // journalled inside the step
        try {
            journal(t, action, actorOf(t, action));
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
        return t;
    }

    private static String actorOf(Ticket t, String action) {
        if (action.startsWith("gate.approval.")) return t.approvals().get(t.approvals().size() - 1).actor();
        return t.request().requester();
    }

    private void journal(Ticket t, String action, String actor) {
        journal.append(t, action, actor);
    }

    /** Puts a ticket back as it was and rebuilds the holds from the tickets (the undo of a transition the log refused). */
    private void restoreTicket(Ticket previous) {
        book.atomically(() -> {
            tickets.put(previous);
            book.reset(tickets.rebuild(null, clock.instant()));
        });
    }

    /**
     * Rebuilds tickets from the audit log (the last snapshot of each request wins) while verifying its chain; a chain
     * that does not verify rebuilds nothing, and the gate refuses to act until the log is restored.
     */
    private void restore() {
        if (tickets.shared()) { // the shared store is the tickets' own record: other replicas wrote to it since
            untrusted = journal.verify();
            return;
        }
        TicketJournal.Restored r = journal.restore();
        if (r.broken() != null) {
            untrusted = r.broken();
            return;
        }
        book.atomically(() -> book.reset(tickets.rebuild(r.tickets(), clock.instant())));
    }
}

package dev.burnrate.gate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.burnrate.audit.AuditEvent;
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
import dev.burnrate.pricing.PriceCatalog;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pre-flight gate: estimates a run, checks policies, the model's drift tolerance and envelope, and every budget
 * whose scope covers it, then answers with a {@link Ticket.Decision} whose reasons state the numbers. Approved money is
 * reserved against those budgets under one lock, so concurrent requests never overcommit a budget. Every transition is
 * journalled in the audit log (a JSON snapshot of the ticket), which is also how tickets survive a restart.
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

    private final Estimator estimator;
    private final Alternatives alternatives;
    private final BudgetView budgets;
    private volatile PolicySet policies;
    private final GateSettings settings;
    private final Guard guard;
    private final AuditLog audit;
    private final Notifier notifier;
    private final Actuators actuators;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ReentrantLock book = new ReentrantLock();
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    /** Held money per budget id | period start, for tickets that hold it (including finished ones until they settle). */
    private final Map<String, BigDecimal> held = new HashMap<>();
    /**
     * Tickets whose hold ends at a known instant (pending and approved ones expire, finished ones settle), by that
     * instant: a sweep touches only what is due instead of every ticket ever decided (under the book's lock).
     */
    private final java.util.NavigableSet<Due> due = new java.util.TreeSet<>();

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
    /** Ended tickets by the instant they leave memory (their last change + retainTickets). */
    private final java.util.NavigableSet<Due> retire = new java.util.TreeSet<>();
    /** Ids of tickets that left memory: the audit log has them (get and a repeated submit read them from there). */
    private final java.util.Set<String> retired = ConcurrentHashMap.newKeySet();
    private Instant nextSweep = Instant.MIN;
    /** Set when the audit chain did not verify at start. */
    private volatile AuditLog.Verification untrusted;

    public Gate(Estimator estimator, BudgetView budgets, PolicySet policies, GateSettings settings, Guard guard, AuditLog audit,
                Notifier notifier, Actuators actuators, Clock clock) {
        this.estimator = estimator;
        this.alternatives = new Alternatives(estimator);
        this.budgets = budgets;
        this.policies = policies;
        this.settings = settings;
        this.guard = guard;
        this.audit = audit;
        this.notifier = notifier;
        this.actuators = actuators;
        this.clock = clock;
        restore();
    }

    /** Dedup key prefix of the "approval needed" alert; it is resolved when the request is approved, rejected or expires. */
    static final String PENDING_ALERT = "gate-pending:";

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

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

    /** Decides a request; submitting the same id again returns the ticket already decided. */
    public Ticket submit(GateRequest req) {
        requireTrusted();
        GateRequest r = req.id() == null || req.id().isBlank() ? req.withId("gr-" + UUID.randomUUID().toString().substring(0, 13)) : req;
        if (!ID.matcher(r.id()).matches()) throw new IllegalArgumentException("id '" + r.id() + "' must be 1-128 letters, digits, '.', '_', ':' or '-'");
        if (!r.actuator().isEmpty()) actuators.check(r.actuator(), r.team());
        Instant now = clock.instant();
        Ticket existing = tickets.get(r.id());
        if (existing == null && retired.contains(r.id())) existing = fromAudit(r.id()).orElse(null);
        String differs = existing == null ? null : existing.request().differsFrom(r);
        if (differs != null) { // an id names one request: another one under it would answer with, or replace, that request's decision
            throw new StateException("request id " + r.id() + " is taken by a request with another " + differs + "; send a new id", false);
        }
        // the same request again returns its answer, except a deferred one whose time has come: it is decided afresh
        if (existing != null && !(existing.state() == Ticket.State.DEFERRED && existing.notBefore() != null && !now.isBefore(existing.notBefore()))) {
            return existing;
        }
        List<String> reasons = new ArrayList<>();
        List<String> policyNotes = new ArrayList<>();
        Estimate est = estimator.estimate(r);
        if (est == null) {
            reasons.add(estimator.history(r) + "; and no expectedHours: the cost cannot be estimated; declare expectedHours");
            return journalNew(terminal(r, null, Ticket.Decision.DENIED, reasons, policyNotes, now), "gate.denied");
        }
        reasons.add("estimate p50 " + fmt(est.p50()) + ", p90 " + fmt(est.p90()) + " (" + est.note() + ")");

        // policies
        boolean needApproval = false;
        boolean forceSpot = false;
        Map<String, Object> vars = Map.of("request", r.asVariables(), "estimate", est.asVariables());
        for (PolicySet.Hit h : policies.evaluate(Policy.AppliesTo.GATE_REQUEST, vars)) {
            if (h.error() != null) {
                policyNotes.add("policy " + h.policy().name() + " could not be evaluated: " + h.error());
                continue;
            }
            policyNotes.add(h.describe());
            if (!h.enforced()) continue;
            switch (h.effect()) {
                case DENY -> {
                    reasons.add("denied by policy " + h.policy().name() + ": " + h.policy().message());
                    return journalNew(terminal(r, est, Ticket.Decision.DENIED, reasons, policyNotes, now), "gate.denied");
                }
                case REQUIRE_APPROVAL -> needApproval = true;
                case DOWNGRADE -> forceSpot = true;
                case NOTIFY -> notifier.notify("info", "policy:" + h.policy().name() + ":" + r.id(), "Policy " + h.policy().name() + " matched "
                        + r.id(), h.policy().message(), Map.of("request", r.id(), "model", r.model(), "team", r.team()));
                case WARN -> {
                }
            }
        }

        // the dual condition: quality must justify the run
        GateSettings.ModelSettings ms = settings.model(r.model());
        BigDecimal tierRoom = GateSettings.tierFactor(ms.tier());
        if ((r.kind() == GateRequest.Kind.FULL || r.kind() == GateRequest.Kind.INCREMENTAL) && r.trigger().isQualityTrigger()) {
            String within = withinTolerance(r.trigger(), ms);
            if (within != null) {
                reasons.add(within + ": retraining " + r.model() + " would not pay for its " + fmt(est.p90()));
                return journalNew(terminal(r, est, Ticket.Decision.DENIED, reasons, policyNotes, now), "gate.denied");
            }
        }
        BigDecimal envelope = ms.maxRunCost() == null ? null : ms.maxRunCost().multiply(tierRoom);

        // off-peak kinds wait for their window (nothing is held meanwhile; the same request is decided again then)
        GateSettings.OffPeak op = settings.offPeak();
        if (op != null && op.kinds().contains(r.kind()) && !op.contains(now)) {
            Instant next = op.nextStart(now);
            reasons.add(r.kind().label() + " requests run off-peak (" + op.label() + "): deferred to " + next);
            Ticket t = new Ticket(r.id(), r, est, Ticket.Decision.DEFERRED, reasons, List.of(), r, est, List.of(), Ticket.State.DEFERRED,
                    now, now, null, next, List.of(), policyNotes, null, null, null);
            return journalNew(t, "gate.deferred");
        }

        List<Ticket.Change> changes = new ArrayList<>();
        GateRequest plan = r;
        Estimate planEst = est;
        if (forceSpot && r.pricing() != PriceCatalog.Pricing.SPOT) {
            Optional<Estimate> spot = estimator.tryEstimate(r.withPricing(PriceCatalog.Pricing.SPOT));
            if (spot.isPresent()) {
                changes.add(new Ticket.Change("spot", r.pricing().name().toLowerCase(Locale.ROOT), "spot", saving(est, spot.get())));
                plan = r.withPricing(PriceCatalog.Pricing.SPOT);
                planEst = spot.get();
                reasons.add("policy downgrade: switched to spot, p90 " + fmt(planEst.p90()));
            } else {
                reasons.add("policy asks for spot, but the catalog has no spot price for " + r.instanceType() + "; kept " + r.pricing().name().toLowerCase(Locale.ROOT));
            }
        }

        Ticket t;
        book.lock();
        try {
            sweepIfDue(now);
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            List<Budget> scope = budgets.all().stream().filter(b -> b.amount().currency().equals(est.p90().currency()) && BudgetView.covers(b, r)).toList();
            Fit fit = fit(planEst, scope, today, envelope);
            if (!fit.ok()) {
                List<Alternatives.Alternative> alts = alternatives.of(plan, planEst);
                Alternatives.Alternative chosen = null;
                List<String> refused = new ArrayList<>();
                for (Alternatives.Alternative a : alts) {
                    Fit af = fit(a.estimate(), scope, today, envelope);
                    if (af.ok()) {
                        chosen = a;
                        break;
                    }
                    refused.add(a.label() + " p90 " + fmt(a.estimate().p90()) + " " + af.blockedBy());
                }
                if (chosen != null) {
                    reasons.add(fit.reason());
                    changes.add(new Ticket.Change(chosen.kind(), chosen.from(), chosen.to(), saving(planEst, chosen.estimate())));
                    reasons.add("fits with " + chosen.kind() + " (" + chosen.from() + " → " + chosen.to() + "): p90 " + fmt(chosen.estimate().p90())
                            + ", saving " + fmt(saving(planEst, chosen.estimate())));
                    plan = chosen.request();
                    planEst = chosen.estimate();
                    fit = fit(planEst, scope, today, envelope);
                } else {
                    reasons.add(fit.reason());
                    if (!refused.isEmpty()) reasons.add("no change fits either: " + String.join("; ", refused));
                    Instant next = fit.envelopeFails() ? null : nextPeriodFit(planEst, scope, today);
                    if (next != null) {
                        reasons.add("deferred to " + next + " when the next budget period starts");
                        t = new Ticket(r.id(), r, est, Ticket.Decision.DEFERRED, reasons, changes, plan, planEst, List.of(), Ticket.State.DEFERRED,
                                now, now, null, next, List.of(), policyNotes, null, null, null);
                    } else {
                        t = terminal(r, est, Ticket.Decision.DENIED, reasons, policyNotes, now);
                    }
                    Ticket raced = decidedMeanwhile(r.id(), existing);
                    if (raced != null) return raced;
                    put(t);
                    return journalAfter(t, t.decision() == Ticket.Decision.DEFERRED ? "gate.deferred" : "gate.denied", () -> remove(r.id()));
                }
            } else {
                reasons.add(fit.reason());
            }
            BigDecimal autoLimit = settings.autoApproveLimit().multiply(tierRoom);
            boolean pending = needApproval || planEst.p90().amount().compareTo(autoLimit) > 0;
            if (planEst.p90().amount().compareTo(autoLimit) > 0) {
                reasons.add("p90 " + fmt(planEst.p90()) + " is above the auto-approve limit " + m(autoLimit, planEst.p90().currency())
                        + (tierRoom.compareTo(BigDecimal.ONE) != 0 ? " (" + ms.tier().name().toLowerCase(Locale.ROOT) + " tier × " + Money.plain(tierRoom) + ")" : ""));
            }
            if (needApproval) reasons.add("a policy requires approval");
            Ticket.Decision d = pending ? Ticket.Decision.PENDING_APPROVAL : changes.isEmpty() ? Ticket.Decision.APPROVED : Ticket.Decision.APPROVED_WITH_CHANGES;
            Ticket.State s = pending ? Ticket.State.PENDING_APPROVAL : Ticket.State.APPROVED;
            List<Ticket.Reservation> res = new ArrayList<>();
            for (Budget b : scope) {
                LocalDate[] p = b.period().around(today);
                res.add(new Ticket.Reservation(b.id(), p[0], p[1], planEst.p90()));
            }
            Instant expires = now.plus(pending ? settings.approvalTtl() : settings.startWithin());
            t = new Ticket(r.id(), r, est, d, reasons, changes, plan, planEst, res, s, now, now, expires, null, List.of(), policyNotes,
                    null, null, null);
            Ticket raced = decidedMeanwhile(r.id(), existing);
            if (raced != null) return raced;
            put(t);
            hold(t.reservations(), BigDecimal.ONE);
        } finally {
            book.unlock();
        }
        Ticket decided = t;
        journalAfter(decided, "gate." + decided.decision().label(), () -> {
            book.lock();
            try {
                remove(decided.id());
                hold(decided.reservations(), BigDecimal.ONE.negate());
            } finally {
                book.unlock();
            }
        });
        if (decided.state() == Ticket.State.PENDING_APPROVAL) {
            notifier.notify("ticket", PENDING_ALERT + decided.id(), "Approval needed: " + decided.request().model() + " " + decided.request().kind().label()
                    + " for " + decided.request().team() + " (p90 " + fmt(decided.planEstimate().p90()) + ")", String.join("; ", decided.reasons()),
                    Map.of("request", decided.id(), "team", decided.request().team(), "requester", decided.request().requester()));
        }
        return decided;
    }

    /**
     * The ticket another submission of the same id decided while this one was estimating (under the book's lock), or
     * null: the first to reach the book wins, so the same id never holds money twice.
     */
    private Ticket decidedMeanwhile(String id, Ticket seen) {
        Ticket now = tickets.get(id);
        return now != null && now != seen ? now : null;
    }

    private static String withinTolerance(GateRequest.Trigger tr, GateSettings.ModelSettings ms) {
        if (tr.type().equals("drift") && ms.driftTolerance() != null && tr.driftScore().compareTo(ms.driftTolerance()) <= 0) {
            return "drift " + Money.plain(tr.driftScore()) + " is within the tolerance " + Money.plain(ms.driftTolerance());
        }
        if (tr.type().equals("accuracy") && ms.accuracyTolerance() != null && tr.accuracyDelta().compareTo(ms.accuracyTolerance()) <= 0) {
            return "accuracy drop " + Money.plain(tr.accuracyDelta()) + " is within the tolerance " + Money.plain(ms.accuracyTolerance());
        }
        return null;
    }

    /** Whether an estimate fits; when not, {@code blockedBy} says what refused it (the envelope, or a budget and its room). */
    private record Fit(boolean ok, boolean envelopeFails, String reason, String blockedBy) {
    }

    private Fit fit(Estimate est, List<Budget> scope, LocalDate today, BigDecimal envelope) {
        BigDecimal need = est.p90().amount();
        String cur = est.p90().currency();
        if (envelope != null && need.compareTo(envelope) > 0) {
            return new Fit(false, true, "p90 " + fmt(est.p90()) + " exceeds the model's envelope " + m(envelope, cur) + " per run",
                    "exceeds the model's envelope " + m(envelope, cur) + " per run");
        }
        if (scope.isEmpty()) return new Fit(true, false, "no budget covers this request", null);
        List<String> parts = new ArrayList<>();
        for (Budget b : scope) {
            LocalDate[] p = b.period().around(today);
            BigDecimal spent = budgets.spent(b, p[0], p[1], today);
            BigDecimal reserved = held.getOrDefault(key(b.id(), p[0]), BigDecimal.ZERO);
            BigDecimal available = b.amount().amount().subtract(spent).subtract(reserved);
            String line = "budget " + b.id() + " " + p[0] + ".." + p[1].minusDays(1) + ": " + m(b.amount().amount(), cur) + ", spent " + m(spent, cur)
                    + ", reserved " + m(reserved, cur) + ", available " + m(available, cur);
            if (need.compareTo(available) > 0) {
                return new Fit(false, false, line + " < p90 " + fmt(est.p90()), "is over budget " + b.id() + " (available " + m(available, cur) + ")");
            }
            parts.add(line);
        }
        return new Fit(true, false, String.join("; ", parts) + " ≥ p90 " + fmt(est.p90()), null);
    }

    /** The start of the next period in which every budget would have room (nothing spent yet, its reservations), or null. */
    private Instant nextPeriodFit(Estimate est, List<Budget> scope, LocalDate today) {
        LocalDate latest = null;
        for (Budget b : scope) {
            LocalDate[] p = b.period().around(today);
            if (b.period().kind() == Budget.Period.Kind.CUSTOM) return null;
            LocalDate next = p[1];
            BigDecimal reserved = held.getOrDefault(key(b.id(), next), BigDecimal.ZERO);
            if (b.amount().amount().subtract(reserved).compareTo(est.p90().amount()) < 0) return null;
            if (latest == null || next.isAfter(latest)) latest = next;
        }
        return latest == null ? null : latest.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    // ---------------------------------------------------------------- approvals and lifecycle

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
        Ticket before;
        Ticket after;
        book.lock();
        try {
            sweepIfDue(now);
            before = require(id);
            if (before.state() != Ticket.State.PENDING_APPROVAL) {
                throw new StateException("request " + id + " is " + before.state().label() + ", not pending approval", false);
            }
            if (approver.equals(before.request().requester())) {
                throw new IllegalArgumentException("the requester " + approver + " cannot approve or reject their own request");
            }
            Ticket.Approval a = new Ticket.Approval(approver, approve ? "approved" : "rejected", reason, now);
            after = approve ? before.withApproval(a, Ticket.State.APPROVED, now, now.plus(settings.startWithin()))
                    : before.withApproval(a, Ticket.State.REJECTED, now, null);
            put(after);
            if (!approve) hold(before.reservations(), BigDecimal.ONE.negate());
        } finally {
            book.unlock();
        }
        Ticket b = before;
        journalAfter(after, approve ? "gate.approval.approved" : "gate.approval.rejected", () -> restoreTicket(b));
        notifier.resolve(PENDING_ALERT + id, approver);
        notifier.notify("info", "gate-" + (approve ? "approved" : "rejected") + ":" + id, "Request " + id + " " + (approve ? "approved" : "rejected")
                + " by " + approver, reason, Map.of("request", id, "team", after.request().team(), "requester", after.request().requester()));
        return after;
    }

    /** The job started: only an approved request may. */
    public Ticket start(String id, String actor) {
        requireTrusted();
        Instant now = clock.instant();
        Ticket before;
        Ticket after;
        book.lock();
        try {
            sweepIfDue(now);
            before = require(id);
            if (before.state() == Ticket.State.RUNNING) return before;
            if (before.state() != Ticket.State.APPROVED) {
                throw new StateException("request " + id + " is " + before.state().label() + ": only an approved request may start"
                        + (before.notBefore() != null ? " (deferred until " + before.notBefore() + ")" : ""), false);
            }
            after = new Ticket(before.id(), before.request(), before.estimate(), before.decision(), before.reasons(), before.changes(), before.plan(),
                    before.planEstimate(), before.reservations(), Ticket.State.RUNNING, before.createdAt(), now, null, before.notBefore(),
                    before.approvals(), before.policies(), GuardState.initial(), null, null);
            put(after);
        } finally {
            book.unlock();
        }
        Ticket b = before;
        return journalAfter(after, "gate.started", () -> restoreTicket(b));
    }

    /** The guard's answer to a heartbeat of a running job; checkpoint and stop go to the job's actuator when it has one. */
    public Guard.Verdict heartbeat(String id, Heartbeat hb) {
        requireTrusted();
        Instant now = clock.instant();
        Ticket t;
        Guard.Verdict v;
        Action before;
        List<PolicySet.Hit> notices = new ArrayList<>();
        book.lock();
        try {
            t = require(id);
            if (t.state() != Ticket.State.RUNNING) throw new StateException("request " + id + " is " + t.state().label() + ", not running", false);
            BigDecimal spend = spendOf(t, hb);
            GuardState prev = t.guard() == null ? GuardState.initial() : t.guard();
            before = prev.lastAction();
            List<String> trips = new ArrayList<>();
            for (PolicySet.Hit h : policies.evaluate(Policy.AppliesTo.JOB, Map.of("job", jobVariables(t, hb, spend)))) {
                if (h.error() == null && h.enforced() && h.effect() == Policy.Effect.DENY) trips.add("denied by policy " + h.policy().name() + ": " + h.policy().message());
                else notices.add(h);
            }
            v = guard.evaluate(prev, hb, spend, limits(t, now), trips, now);
            t = t.withGuard(v.state(), now);
            put(t);
        } finally {
            book.unlock();
        }
        // job policies that do not stop the run (notify, warn, require_approval, downgrade, or in dry run) tell the
        // team once per job through the outbox (the alert's dedup key)
        for (PolicySet.Hit h : notices) {
            notifier.notify(h.error() == null && h.enforced() && h.effect() != Policy.Effect.WARN ? "ticket" : "info",
                    "policy:" + h.policy().name() + ":" + id, "Policy " + h.policy().name() + " matched running job " + id + " (" + t.request().model()
                            + ", " + t.request().team() + ")", h.error() == null ? h.describe() : "could not be evaluated: " + h.error(),
                    Map.of("request", id, "team", t.request().team(), "model", t.request().model(), "policy", h.policy().name()));
        }
        if (v.action() != Action.NONE) {
            String reason = String.join("; ", v.reasons());
            // a stop is answered on every heartbeat until the job ends; it is journalled and acted on once
            boolean repeatStop = v.action() == Action.STOP && before == Action.STOP;
            if (!repeatStop) {
                journal(t, "gate.guard." + v.action().label(), "guard");
                notifier.notify(v.action() == Action.NOTIFY ? "ticket" : "page", "guard:" + id + ":" + v.action().label(),
                        "Guard " + v.action().label() + ": " + t.request().model() + " job " + id + " (" + t.request().team() + ")", reason,
                        Map.of("request", id, "team", t.request().team(), "model", t.request().model()));
                if (!t.plan().actuator().isEmpty() && (v.action() == Action.CHECKPOINT || v.action() == Action.STOP)) {
                    Ticket acted = t;
                    try {
                        actuators.create(t.plan().actuator(), t.plan().team()).act(v.action(), id, reason);
                        journal(acted, "gate.guard.actuated." + v.action().label(), "guard");
                    } catch (RuntimeException e) {
                        journal(acted, "gate.guard.actuator_failed", "guard");
                        notifier.notify("page", "guard-actuator:" + id, "Guard could not " + v.action().label() + " job " + id, e.getMessage(),
                                Map.of("request", id, "team", t.request().team()));
                    }
                }
            }
        }
        return v;
    }

    /** What a {@code job} policy sees of a running job: the plan it runs, its spend and time so far, and its hold. */
    static Map<String, Object> jobVariables(Ticket t, Heartbeat hb, BigDecimal spend) {
        GateRequest p = t.plan();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("model", p.model());
        m.put("team", p.team());
        m.put("kind", p.kind().label());
        m.put("provider", p.provider());
        m.put("instance_type", p.instanceType());
        m.put("count", (long) p.count());
        m.put("pricing", p.pricing().name().toLowerCase(Locale.ROOT));
        m.put("region", p.region());
        m.put("tags", p.tags());
        m.put("requester", p.requester());
        m.put("spend", spend.doubleValue());
        m.put("currency", t.planEstimate().p90().currency());
        m.put("reserved", t.reserved() == null ? 0.0 : t.reserved().amount().doubleValue());
        m.put("elapsed_hours", hb.elapsedSeconds() / 3600.0);
        m.put("p90_hours", t.planEstimate().hoursP90().doubleValue());
        if (hb.gpuUtilization() != null) m.put("gpu_utilization", hb.gpuUtilization().doubleValue());
        return m;
    }

    private BigDecimal spendOf(Ticket t, Heartbeat hb) {
        if (hb.spend() != null) return hb.spend();
        if (hb.instanceHours() == null) {
            BigDecimal hours = BigDecimal.valueOf(hb.elapsedSeconds()).divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
            return hours.multiply(BigDecimal.valueOf(t.plan().count())).multiply(rate(t.plan())).setScale(2, RoundingMode.HALF_UP);
        }
        return hb.instanceHours().multiply(rate(t.plan())).setScale(2, RoundingMode.HALF_UP);
    }

    private BigDecimal rate(GateRequest p) {
        return estimator.rate(p.provider(), p.instanceType(), p.region(), p.pricing());
    }

    private Guard.Limits limits(Ticket t, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        BigDecimal least = null;
        String which = null;
        for (Ticket.Reservation r : t.reservations()) {
            Budget b = budgets.all().stream().filter(x -> x.id().equals(r.budgetId())).findFirst().orElse(null);
            if (b == null) continue;
            BigDecimal spent = budgets.spent(b, r.periodStart(), r.periodEnd(), today);
            BigDecimal left = b.amount().amount().subtract(spent).subtract(held.getOrDefault(key(b.id(), r.periodStart()), BigDecimal.ZERO));
            if (least == null || left.compareTo(least) < 0) {
                least = left;
                which = b.id();
            }
        }
        Money reserved = t.planEstimate().p90();
        return new Guard.Limits(reserved, t.planEstimate().hoursP90(), least, which);
    }

    /** The job ended: its reservation becomes its actual cost (held until the bill carries it), and history learns it. */
    public Ticket finish(String id, String status, BigDecimal actualCost, String actor) {
        requireTrusted();
        Instant now = clock.instant();
        Ticket before;
        Ticket after;
        book.lock();
        try {
            before = require(id);
            if (before.state() == Ticket.State.FINISHED) return before;
            if (before.state() != Ticket.State.RUNNING) throw new StateException("request " + id + " is " + before.state().label() + ", not running", false);
            BigDecimal actual = actualCost != null ? actualCost
                    : before.guard() != null && before.guard().spend() != null ? before.guard().spend() : BigDecimal.ZERO;
            Money cost = new Money(actual.setScale(2, RoundingMode.HALF_UP), before.planEstimate().p90().currency());
            List<Ticket.Reservation> actuals = before.reservations().stream()
                    .map(r -> new Ticket.Reservation(r.budgetId(), r.periodStart(), r.periodEnd(), cost)).toList();
            after = before.finished(cost, actuals, now, now.plus(settings.settleLag()));
            hold(before.reservations(), BigDecimal.ONE.negate());
            hold(actuals, BigDecimal.ONE);
            put(after);
        } finally {
            book.unlock();
        }
        estimator.invalidate(after.request().model());
        Ticket b = before;
        Ticket a = after;
        return journalAfter(after, "gate.finished." + (status == null ? "succeeded" : status), () -> {
            book.lock();
            try {
                hold(a.reservations(), BigDecimal.ONE.negate());
                hold(b.reservations(), BigDecimal.ONE);
                put(b);
            } finally {
                book.unlock();
            }
        });
    }

    /** Gives the money back: the job will not start (or was cancelled before it did). */
    public Ticket release(String id, String actor) {
        requireTrusted();
        Instant now = clock.instant();
        Ticket before;
        Ticket after;
        book.lock();
        try {
            before = require(id);
            if (before.state() != Ticket.State.APPROVED && before.state() != Ticket.State.PENDING_APPROVAL) {
                throw new StateException("request " + id + " is " + before.state().label() + ": only an approved or pending request can be released", false);
            }
            after = before.with(Ticket.State.RELEASED, now);
            put(after);
            hold(before.reservations(), BigDecimal.ONE.negate());
        } finally {
            book.unlock();
        }
        Ticket b = before;
        return journalAfter(after, "gate.released", () -> restoreTicket(b));
    }

    /** Whether the gate has decided this id (in memory or, having left it, in the audit log), without reading the log. */
    public boolean known(String id) {
        return tickets.containsKey(id) || retired.contains(id);
    }

    /** A ticket by id: from memory, or (once it has left memory) its last snapshot in the audit log. */
    public Optional<Ticket> get(String id) {
        Ticket t = tickets.get(id);
        if (t == null && retired.contains(id)) return fromAudit(id);
        return Optional.ofNullable(t);
    }

    private Optional<Ticket> fromAudit(String id) {
        List<AuditEvent> events = audit.bySubject(id);
        for (int i = events.size() - 1; i >= 0; i--) {
            AuditEvent e = events.get(i);
            if (e.action().startsWith("gate.")) return Optional.of(snapshot(e));
        }
        return Optional.empty();
    }

    private Ticket snapshot(AuditEvent e) {
        try {
            return json.readValue(e.detail(), Ticket.class).expanded();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("audit entry " + e.seq() + " (" + e.action() + ") does not hold a readable gate ticket: " + ex.getMessage(), ex);
        }
    }

    /** Tickets in memory (every open one, ended ones within retainTickets), newest first, optionally of one state and of some teams (null = all). */
    public List<Ticket> list(Ticket.State state, Collection<String> teams, int limit) {
        sweep();
        return tickets.values().stream()
                .filter(t -> state == null || t.state() == state)
                .filter(t -> teams == null || teams.contains(t.request().team()))
                .sorted(Comparator.comparing(Ticket::createdAt).reversed().thenComparing(Ticket::id))
                .limit(limit).toList();
    }

    /** Money held against a budget for a period: approved, pending and running reservations, and unsettled actuals. */
    public Money reserved(Budget b, LocalDate periodStart) {
        book.lock();
        try {
            return new Money(held.getOrDefault(key(b.id(), periodStart), BigDecimal.ZERO), b.amount().currency());
        } finally {
            book.unlock();
        }
    }

    /** Expires pending requests past their approval window and releases approved ones that never started. */
    public void sweep() {
        requireTrusted();
        book.lock();
        try {
            nextSweep = Instant.MIN;
            sweepIfDue(clock.instant());
        } finally {
            book.unlock();
        }
    }

    /** Ends the holds that are due: pending requests expire, approved ones that never started are released, actuals settle. */
    private void sweepIfDue(Instant now) {
        if (now.isBefore(nextSweep)) return;
        nextSweep = now.plus(SWEEP_EVERY);
        List<Ticket> changed = new ArrayList<>();
        for (Due d; (d = due.isEmpty() ? null : due.first()) != null && !now.isBefore(d.at()); ) {
            due.pollFirst();
            Ticket t = tickets.get(d.id());
            if (t == null || !d.equals(Due.of(t))) continue;
            hold(t.reservations(), BigDecimal.ONE.negate());
            if (t.state() == Ticket.State.PENDING_APPROVAL) changed.add(t.with(Ticket.State.EXPIRED, now));
            else if (t.state() == Ticket.State.APPROVED) changed.add(t.with(Ticket.State.RELEASED, now));
        }
        for (Ticket t : changed) {
            put(t);
            journal(t, t.state() == Ticket.State.EXPIRED ? "gate.expired" : "gate.released", "gate");
            if (t.state() == Ticket.State.EXPIRED) notifier.resolve(PENDING_ALERT + t.id(), "gate");
        }
        // ended tickets past their retention leave memory (a finished run only once it has settled)
        for (Due d; (d = retire.isEmpty() ? null : retire.first()) != null && !now.isBefore(d.at()); ) {
            retire.pollFirst();
            Ticket t = tickets.get(d.id());
            if (t == null || !d.equals(Due.retire(t, settings.retainTickets()))) continue; // a finished run's retire time is after its settling
            tickets.remove(d.id());
            retired.add(d.id());
        }
    }

    /** Rebuilds the held money and the due index from the tickets (after a restore or an undo). */
    private void recomputeHeld(Instant now) {
        held.clear();
        due.clear();
        retire.clear();
        for (Ticket t : tickets.values()) {
            boolean holds = t.state().holdsReservation() || (t.state() == Ticket.State.FINISHED && t.expiresAt() != null && now.isBefore(t.expiresAt()));
            if (holds) {
                hold(t.reservations(), BigDecimal.ONE);
                move(due, null, Due.of(t));
            }
            move(retire, null, Due.retire(t, settings.retainTickets()));
        }
    }

    /** Stores a ticket's new state and moves its entry in the due index. */
    private void put(Ticket t) {
        book.lock();
        try {
            Ticket old = tickets.put(t.id(), t);
            retired.remove(t.id());
            reindex(old, t);
        } finally {
            book.unlock();
        }
    }

    private void remove(String id) {
        book.lock();
        try {
            reindex(tickets.remove(id), null);
        } finally {
            book.unlock();
        }
    }

    /** Moves a ticket's entries in the due and retire indexes from its old state to its new one (either may be null). */
    private void reindex(Ticket old, Ticket now) {
        move(due, old == null ? null : Due.of(old), now == null ? null : Due.of(now));
        move(retire, old == null ? null : Due.retire(old, settings.retainTickets()), now == null ? null : Due.retire(now, settings.retainTickets()));
    }

    private static void move(java.util.NavigableSet<Due> index, Due from, Due to) {
        if (from != null && !from.equals(to)) index.remove(from);
        if (to != null) index.add(to);
    }

    private void hold(List<Ticket.Reservation> rs, BigDecimal sign) {
        for (Ticket.Reservation r : rs) held.merge(key(r.budgetId(), r.periodStart()), r.amount().amount().multiply(sign), BigDecimal::add);
    }

    private static String key(String budget, LocalDate periodStart) {
        return budget + "|" + periodStart;
    }

    private Ticket require(String id) {
        Ticket t = tickets.get(id);
        if (t == null) throw new StateException("no gate request " + id, true);
        return t;
    }

    // ---------------------------------------------------------------- journal

    private Ticket terminal(GateRequest r, Estimate est, Ticket.Decision d, List<String> reasons, List<String> policyNotes, Instant now) {
        return new Ticket(r.id(), r, est, d, reasons, List.of(), r, est, List.of(), Ticket.State.DENIED, now, now, null, null, List.of(), policyNotes,
                null, null, null);
    }

    private Ticket journalNew(Ticket t, String action) {
        put(t);
        return journalAfter(t, action, () -> remove(t.id()));
    }

    /** Journals the transition; if the audit log cannot be written, undoes it in memory and fails. */
    private Ticket journalAfter(Ticket t, String action, Runnable undo) {
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
        try {
            audit.append(actor, action, t.id(), json.writeValueAsString(t.compact()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise ticket " + t.id(), e);
        }
    }

    private void restoreTicket(Ticket previous) {
        book.lock();
        try {
            put(previous);
            recomputeHeld(clock.instant());
        } finally {
            book.unlock();
        }
    }

    /**
     * Rebuilds tickets from the audit log (the last snapshot of each request wins) while verifying its chain; a chain
     * that does not verify rebuilds nothing, and the gate refuses to act until the log is restored.
     */
    private void restore() {
        Map<String, Ticket> last = new LinkedHashMap<>();
        AuditLog.Verification v = audit.verify(e -> {
            if (e.action().startsWith("gate.")) last.put(e.subject(), snapshot(e));
        });
        if (!v.intact()) {
            untrusted = v;
            return;
        }
        book.lock();
        try {
            tickets.putAll(last);
            recomputeHeld(clock.instant());
        } finally {
            book.unlock();
        }
    }

    private static Money saving(Estimate from, Estimate to) {
        return new Money(from.p90().amount().subtract(to.p90().amount()), from.p90().currency());
    }

    /** Amounts in reasons are for people: the currency's minor unit (Money.display), not a fixed two places. */
    static String fmt(Money m) {
        return m.displayWithCurrency();
    }

    private static String m(BigDecimal v, String cur) {
        return Money.display(v, cur) + " " + cur;
    }
}

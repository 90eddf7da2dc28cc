package dev.burnrate.gate;

import dev.burnrate.budget.Budget;
import dev.burnrate.guard.Action;
import dev.burnrate.guard.Guard;
import dev.burnrate.guard.GuardState;
import dev.burnrate.guard.Heartbeat;
import dev.burnrate.ledger.Money;
import dev.burnrate.policy.Policy;
import dev.burnrate.policy.PolicySet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The running jobs' side of the gate: what a heartbeat says a run has spent (reported, from instance-hours, or from
 * its elapsed time at the plan's price), what the {@code job} policies make of it, and the guard's verdict against the
 * run's reservation, its p90 hours and the least budget room left. It changes nothing: the gate stores the ticket with
 * its new guard state, journals and acts.
 */
final class RunningJobs {
    /** A heartbeat's outcome: the ticket with its new guard state, the verdict, the action before it, and policies to tell. */
    record Beat(Ticket ticket, Guard.Verdict verdict, Action before, List<PolicySet.Hit> notices) {
    }

    private final Estimator estimator;
    private final Guard guard;
    private final PolicySet policies;
    private final BudgetView budgets;
    private final ReservationBook book;

    RunningJobs(Estimator estimator, Guard guard, PolicySet policies, BudgetView budgets, ReservationBook book) {
        this.estimator = estimator;
        this.guard = guard;
        this.policies = policies;
        this.budgets = budgets;
        this.book = book;
    }

    Beat heartbeat(Ticket t, Heartbeat hb, Instant now) {
        BigDecimal spend = spendOf(t, hb);
        GuardState prev = t.guard() == null ? GuardState.initial() : t.guard();
        List<String> trips = new ArrayList<>();
        List<PolicySet.Hit> notices = new ArrayList<>();
        for (PolicySet.Hit h : policies.evaluate(Policy.AppliesTo.JOB, Map.of("job", jobVariables(t, hb, spend)))) {
            if (h.error() == null && h.enforced() && h.effect() == Policy.Effect.DENY) trips.add("denied by policy " + h.policy().name() + ": " + h.policy().message());
            else notices.add(h);
        }
        Guard.Verdict v = guard.evaluate(prev, hb, spend, limits(t, now), trips, now);
        return new Beat(t.withGuard(v.state(), now), v, prev.lastAction(), notices);
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
        GateRequest p = t.plan();
        BigDecimal rate = estimator.rate(p.provider(), p.instanceType(), p.region(), p.pricing());
        if (hb.instanceHours() == null) {
            BigDecimal hours = BigDecimal.valueOf(hb.elapsedSeconds()).divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
            return hours.multiply(BigDecimal.valueOf(p.count())).multiply(rate).setScale(2, RoundingMode.HALF_UP);
        }
        return hb.instanceHours().multiply(rate).setScale(2, RoundingMode.HALF_UP);
    }

    private Guard.Limits limits(Ticket t, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        BigDecimal least = null;
        String which = null;
        for (Ticket.Reservation r : t.reservations()) {
            Budget b = budgets.all().stream().filter(x -> x.id().equals(r.budgetId())).findFirst().orElse(null);
            if (b == null) continue;
            BigDecimal spent = budgets.spent(b, r.periodStart(), r.periodEnd(), today);
            BigDecimal left = b.amount().amount().subtract(spent).subtract(book.held(b.id(), r.periodStart()));
            if (least == null || left.compareTo(least) < 0) {
                least = left;
                which = b.id();
            }
        }
        Money reserved = t.planEstimate().p90();
        return new Guard.Limits(reserved, t.planEstimate().hoursP90(), least, which);
    }
}

package dev.burnrate.gate;

import dev.burnrate.budget.Budget;
import dev.burnrate.ledger.Money;
import dev.burnrate.policy.Policy;
import dev.burnrate.policy.PolicySet;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.recommend.SpotEconomics;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The gate's decision rules, with nothing held, journalled or sent: estimate the request, apply the policies, the
 * model's drift tolerance and envelope, the off-peak window ({@link #screen}); then the budgets' room, the changes that
 * would make it fit, the next period, and the auto-approve limit ({@link #place}). Each step adds a reason that states
 * its numbers. The caller runs {@code place} while it holds the reservation book, so the room it reads is the room
 * there is.
 */
final class Decider {
    /** What the budgets have room for: spend to date in a period and money already held against it. */
    interface Room {
        BigDecimal spent(Budget b, LocalDate periodStart, LocalDate periodEnd, LocalDate today);

        BigDecimal held(String budgetId, LocalDate periodStart);
    }

    /**
     * A request that passed screening: the plan so far (a policy may have moved it to spot), whether a policy wants an
     * approver, and the model's per-run envelope and tier factor.
     */
    record Screened(GateRequest request, Estimate estimate, GateRequest plan, Estimate planEstimate, List<Ticket.Change> changes,
                    List<String> reasons, List<String> policyNotes, boolean needsApproval, BigDecimal envelope, GateSettings.ModelSettings model) {
    }

    /**
     * The outcome of screening: a decision already ({@code decided}, deny or an off-peak deferral) or the request to
     * place against the budgets ({@code screened}); and the policies whose effect is to tell someone ({@code notices}).
     */
    record Screening(Decision decided, Screened screened, List<PolicySet.Hit> notices) {
    }

    private final Estimator estimator;
    private final Alternatives alternatives;
    private final PolicySet policies;
    private final GateSettings settings;

    Decider(Estimator estimator, PolicySet policies, GateSettings settings, SpotEconomics spot) {
        this.estimator = estimator;
        this.alternatives = new Alternatives(estimator, spot);
        this.policies = policies;
        this.settings = settings;
    }

    Screening screen(GateRequest r, Instant now) {
        List<String> reasons = new ArrayList<>();
        List<String> policyNotes = new ArrayList<>();
        List<PolicySet.Hit> notify = new ArrayList<>();
        Estimate est = estimator.estimate(r);
        if (est == null) {
            reasons.add(estimator.history(r) + "; and no expectedHours: the cost cannot be estimated; declare expectedHours");
            return new Screening(new Decision.Denied(null, reasons, policyNotes), null, notify);
        }
        reasons.add("estimate p50 " + fmt(est.p50()) + ", p90 " + fmt(est.p90()) + " (" + est.note() + ")");

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
                    return new Screening(new Decision.Denied(est, reasons, policyNotes), null, notify);
                }
                case REQUIRE_APPROVAL -> needApproval = true;
                case DOWNGRADE -> forceSpot = true;
                case NOTIFY -> notify.add(h);
                case WARN -> {
                }
            }
        }

        // the dual condition: quality must justify the run
        GateSettings.ModelSettings ms = settings.model(r.model());
        if ((r.kind() == GateRequest.Kind.FULL || r.kind() == GateRequest.Kind.INCREMENTAL) && r.trigger().isQualityTrigger()) {
            String within = withinTolerance(r.trigger(), ms);
            if (within != null) {
                reasons.add(within + ": retraining " + r.model() + " would not pay for its " + fmt(est.p90()));
                return new Screening(new Decision.Denied(est, reasons, policyNotes), null, notify);
            }
        }
        BigDecimal envelope = ms.maxRunCost() == null ? null : ms.maxRunCost().multiply(GateSettings.tierFactor(ms.tier()));

        // off-peak kinds wait for their window (nothing is held meanwhile; the same request is decided again then)
        GateSettings.OffPeak op = settings.offPeak();
        if (op != null && op.kinds().contains(r.kind()) && !op.contains(now)) {
            Instant next = op.nextStart(now);
            reasons.add(r.kind().label() + " requests run off-peak (" + op.label() + "): deferred to " + next);
            return new Screening(new Decision.Deferred(est, next, r, est, List.of(), reasons, policyNotes), null, notify);
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
        return new Screening(null, new Screened(r, est, plan, planEst, changes, reasons, policyNotes, needApproval, envelope, ms), notify);
    }

    /**
     * Places a screened request against the budgets that cover it ({@code scope}): it runs as planned when every one
     * has room for its p90, or with the cheapest change that fits; otherwise it waits for the next period when that
     * one would have room, or is denied. A run above the auto-approve limit (× the model's tier) waits for an approver.
     */
    Decision place(Screened s, List<Budget> scope, LocalDate today, Room room) {
        List<String> reasons = new ArrayList<>(s.reasons());
        List<Ticket.Change> changes = new ArrayList<>(s.changes());
        GateRequest plan = s.plan();
        Estimate planEst = s.planEstimate();
        Fit fit = fit(planEst, scope, today, s.envelope(), room);
        if (!fit.ok()) {
            Alternatives.Alternative chosen = null;
            List<String> refused = new ArrayList<>();
            List<String> notOffered = new ArrayList<>();
            for (Alternatives.Alternative a : alternatives.of(plan, planEst, notOffered)) {
                Fit af = fit(a.estimate(), scope, today, s.envelope(), room);
                if (af.ok()) {
                    chosen = a;
                    break;
                }
                refused.add(a.label() + " p90 " + fmt(a.estimate().p90()) + " " + af.blockedBy());
            }
            reasons.add(fit.reason());
            reasons.addAll(notOffered);
            if (chosen == null) {
                if (!refused.isEmpty()) reasons.add("no change fits either: " + String.join("; ", refused));
                Instant next = fit.envelopeFails() ? null : nextPeriodFit(planEst, scope, today, room);
                if (next == null) return new Decision.Denied(s.estimate(), reasons, s.policyNotes());
                reasons.add("deferred to " + next + " when the next budget period starts");
                return new Decision.Deferred(s.estimate(), next, plan, planEst, changes, reasons, s.policyNotes());
            }
            Money saved = saving(planEst, chosen.estimate());
            changes.add(new Ticket.Change(chosen.kind(), chosen.from(), chosen.to(), saved));
            reasons.add("fits with " + chosen.kind() + " (" + chosen.from() + " → " + chosen.to() + "): p90 " + fmt(chosen.estimate().p90())
                    + ", saving " + fmt(saved) + (chosen.why().isEmpty() ? "" : " (" + chosen.why() + ")"));
            plan = chosen.request();
            planEst = chosen.estimate();
        } else {
            reasons.add(fit.reason());
        }
        BigDecimal tierRoom = GateSettings.tierFactor(s.model().tier());
        BigDecimal autoLimit = settings.autoApproveLimit().multiply(tierRoom);
        boolean overLimit = planEst.p90().amount().compareTo(autoLimit) > 0;
        if (overLimit) {
            reasons.add("p90 " + fmt(planEst.p90()) + " is above the auto-approve limit " + m(autoLimit, planEst.p90().currency())
                    + (tierRoom.compareTo(BigDecimal.ONE) != 0 ? " (" + s.model().tier().name().toLowerCase(Locale.ROOT) + " tier × " + Money.plain(tierRoom) + ")" : ""));
        }
        if (s.needsApproval()) reasons.add("a policy requires approval");
        return new Decision.Run(s.estimate(), plan, planEst, changes, s.needsApproval() || overLimit, reasons, s.policyNotes());
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

    private static Fit fit(Estimate est, List<Budget> scope, LocalDate today, BigDecimal envelope, Room room) {
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
            BigDecimal spent = room.spent(b, p[0], p[1], today);
            BigDecimal reserved = room.held(b.id(), p[0]);
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
    private static Instant nextPeriodFit(Estimate est, List<Budget> scope, LocalDate today, Room room) {
        LocalDate latest = null;
        for (Budget b : scope) {
            LocalDate[] p = b.period().around(today);
            if (b.period().kind() == Budget.Period.Kind.CUSTOM) return null;
            LocalDate next = p[1];
            BigDecimal reserved = room.held(b.id(), next);
            if (b.amount().amount().subtract(reserved).compareTo(est.p90().amount()) < 0) return null;
            if (latest == null || next.isAfter(latest)) latest = next;
        }
        return latest == null ? null : latest.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    static Money saving(Estimate from, Estimate to) {
        return new Money(from.p90().amount().subtract(to.p90().amount()), from.p90().currency());
    }

    /** Amounts in reasons are for people: the currency's minor unit (Money.display), not a fixed two places. */
    static String fmt(Money m) {
        return m.displayWithCurrency();
    }

    static String m(BigDecimal v, String cur) {
        return Money.display(v, cur) + " " + cur;
    }
}

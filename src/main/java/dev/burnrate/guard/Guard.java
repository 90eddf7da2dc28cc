package dev.burnrate.guard;

import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime guard: from a heartbeat and the job's limits, decides whether the job has tripped (spend beyond the
 * reservation × factor, runtime beyond p90 × factor, its budget exhausted, GPUs idle too long) and answers with the
 * next step of the ladder (notify → checkpoint → stop) once the trip has lasted long enough. Steps are taken once,
 * in order; a stop is repeated until the job ends; a job that recovers starts the ladder again.
 */
public final class Guard {
    private final GuardSettings settings;

    public Guard(GuardSettings settings) {
        this.settings = settings;
    }

    public GuardSettings settings() {
        return settings;
    }

    /**
     * The limits of one job.
     *
     * @param reservation      money held for it (its p90)
     * @param hoursP90         the estimate's p90 wall-clock hours
     * @param budgetHeadroom   the least money left in any of its budgets beyond its own reservation (null: no budget)
     */
    public record Limits(Money reservation, BigDecimal hoursP90, BigDecimal budgetHeadroom, String budgetId) {
    }

    public record Verdict(Action action, List<String> reasons, GuardState state) {
    }

    public Verdict evaluate(GuardState prev, Heartbeat hb, BigDecimal spend, Limits limits, Instant now) {
        return evaluate(prev, hb, spend, limits, List.of(), now);
    }

    /**
     * As {@link #evaluate(GuardState, Heartbeat, BigDecimal, Limits, Instant)}, with trips found elsewhere (enforced
     * {@code job} policies that deny the run): they climb the same ladder as the guard's own limits.
     */
    public Verdict evaluate(GuardState prev, Heartbeat hb, BigDecimal spend, Limits limits, List<String> otherTrips, Instant now) {
        List<String> reasons = new ArrayList<>();
        BigDecimal hours = hb.elapsedHours();
        String cur = limits.reservation().currency();
        BigDecimal reserved = limits.reservation().amount();
        BigDecimal spendLimit = reserved.multiply(settings.spendFactor());
        if (spend.compareTo(spendLimit) > 0) {
            reasons.add("spend " + money(spend, cur) + " is beyond the reservation " + money(reserved, cur) + " × " + Money.plain(settings.spendFactor())
                    + " = " + money(spendLimit, cur));
        }
        BigDecimal hoursLimit = limits.hoursP90().multiply(settings.runtimeFactor());
        if (hoursLimit.signum() > 0 && hours.compareTo(hoursLimit) > 0) {
            reasons.add("runtime " + hours.setScale(2, RoundingMode.HALF_UP).toPlainString() + " h is beyond the p90 " + Money.plain(limits.hoursP90())
                    + " h × " + Money.plain(settings.runtimeFactor()) + " = " + hoursLimit.setScale(2, RoundingMode.HALF_UP).toPlainString() + " h");
        }
        BigDecimal over = spend.subtract(reserved).max(BigDecimal.ZERO);
        if (limits.budgetHeadroom() != null && over.compareTo(limits.budgetHeadroom()) > 0) {
            reasons.add("budget " + limits.budgetId() + " is exhausted: the overrun " + money(over, cur) + " exceeds the " + money(limits.budgetHeadroom().max(BigDecimal.ZERO), cur)
                    + " left");
        }
        Instant idleSince = prev.idleSince();
        if (hb.gpuUtilization() != null && hb.gpuUtilization().compareTo(settings.idleUtilization()) < 0) {
            if (idleSince == null) idleSince = now;
            Duration idle = Duration.between(idleSince, now);
            if (idle.compareTo(settings.idleAfter()) >= 0) {
                reasons.add("GPUs idle (" + Money.plain(hb.gpuUtilization()) + "% < " + Money.plain(settings.idleUtilization()) + "%) for "
                        + idle.toMinutes() + " min (limit " + settings.idleAfter().toMinutes() + " min)");
            }
        } else {
            idleSince = null;
        }
        reasons.addAll(otherTrips);
        Instant trippedSince = reasons.isEmpty() ? null : prev.trippedSince() == null ? now : prev.trippedSince();
        Action last = reasons.isEmpty() ? Action.NONE : prev.lastAction();
        Action answer = Action.NONE;
        if (trippedSince != null) {
            Duration lasted = Duration.between(trippedSince, now);
            Action due = Action.NONE;
            for (GuardSettings.Step s : settings.ladder()) if (lasted.compareTo(s.after()) >= 0) due = s.action();
            if (due.ordinal() > last.ordinal()) {
                // one step per heartbeat, in order: a job is asked to checkpoint before it is stopped
                Action current = last;
                answer = settings.ladder().stream().map(GuardSettings.Step::action).filter(a -> a.ordinal() > current.ordinal()).findFirst().orElse(due);
                last = answer;
            } else if (last == Action.STOP) {
                answer = Action.STOP;
            }
        }
        GuardState next = new GuardState(last, trippedSince, idleSince, spend, hours, hb.gpuUtilization(), now, reasons);
        return new Verdict(answer, List.copyOf(reasons), next);
    }

    private static String money(BigDecimal v, String cur) {
        return v.setScale(2, RoundingMode.HALF_UP).toPlainString() + " " + cur;
    }
}

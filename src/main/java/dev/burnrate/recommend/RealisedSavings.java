package dev.burnrate.recommend;

import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an implemented recommendation saved, measured from the bills: the target's effective spend per 30 days before it
 * was accepted (or implemented, when it never was accepted) against after it was implemented. Windows are whole UTC
 * days, so a daily bill row falls wholly on one side: before = the 30 days before the day of acceptance (from the day a
 * job started, when later, its spend spread over the hours from its start); after = from the day after implementation for as much of the next 30 days as the bills
 * reach; each side is normalised to 30 days by its length. The spend is the target's own: an idle or rightsized job's
 * billing rows (x_JobId or a job_id tag); a scheduled job's rows in off-hours only (each row spread over its charge
 * period, the working hours as configured now), as a schedule leaves its working hours alone; an unused commitment's
 * Unused rows; a tiered bucket's rows (ResourceId), retrievals and requests included, so what the new class charges
 * for reads counts against it; an idle or resized instance's rows (ResourceId). A purchase's saving is a lower on-demand spend that other changes move too, a spot
 * family's spend moves with how often it runs, an endpoint's with its traffic, a transfer line's with what is sent:
 * none of those is measured.
 */
public final class RealisedSavings {
    /**
     * One implemented recommendation, measured: the expected monthly saving, the windows and the spend in each (per 30
     * days), and the realised monthly saving (before − after per 30 days); {@code realised} is null, with a {@code note}
     * saying why, where it cannot be measured yet.
     */
    public record Realised(String id, Recommendation.Kind kind, String team, String target, String currency, BigDecimal expected,
                           Instant acceptedAt, Instant implementedAt, String actor,
                           Instant beforeFrom, Instant beforeTo, BigDecimal before, BigDecimal beforePerMonth,
                           Instant afterFrom, Instant afterTo, BigDecimal after, BigDecimal afterPerMonth, BigDecimal realised, String note) {
        /** Days of bills after the implementation that the measure rests on (0 when none yet). */
        public long afterDays() {
            return afterFrom == null || afterTo == null || !afterTo.isAfter(afterFrom) ? 0 : Duration.between(afterFrom, afterTo).toDays();
        }

        public Money realisedSaving() {
            return realised == null ? null : new Money(realised, currency);
        }
    }

    private static final Duration MONTH = Duration.ofDays(Recommendation.DAYS_PER_MONTH);

    private final CostLedger ledger;
    private final JobRuns jobs;
    private final CommitmentAnalysis commitments;
    private final WorkingHours workingHours;

    public RealisedSavings(CostLedger ledger, JobRuns jobs, dev.burnrate.pricing.PriceCatalog catalog, WorkingHours workingHours) {
        this.ledger = ledger;
        this.jobs = jobs;
        this.commitments = new CommitmentAnalysis(ledger, catalog);
        this.workingHours = workingHours;
    }

    /** Measures each implemented one among {@code tracked} (the others are left out). */
    public List<Realised> measure(List<RecommendationStates.Tracked> tracked) {
        List<RecommendationStates.Tracked> done = tracked.stream().filter(t -> t.state().status() == Recommendation.Status.IMPLEMENTED).toList();
        if (done.isEmpty()) return List.of();
        Instant billed = ledger.billedThrough().orElse(null);
        Set<String> jobIds = done.stream().map(RealisedSavings::jobOf).filter(Objects::nonNull).collect(Collectors.toSet());
        Map<String, JobRun> runs = jobIds.isEmpty() ? Map.of() : jobs.listAny(List.of(), List.of(), 100_000).stream()
                .filter(j -> jobIds.contains(j.id())).collect(Collectors.toMap(JobRun::id, Function.identity(), (a, b) -> a));
        List<Realised> out = new ArrayList<>();
        for (RecommendationStates.Tracked t : done) out.add(measure(t, billed, runs));
        return out;
    }

    private Realised measure(RecommendationStates.Tracked t, Instant billedThrough, Map<String, JobRun> runs) {
        String currency = t.monthlySaving().currency();
        Instant implemented = t.state().at();
        Instant anchor = t.state().acceptedAt() != null && t.state().acceptedAt().isBefore(implemented) ? t.state().acceptedAt() : implemented;
        Instant beforeTo = anchor.truncatedTo(ChronoUnit.DAYS);
        Instant beforeFrom = beforeTo.minus(MONTH);
        String job = jobOf(t);
        String commitment = commitmentOf(t);
        String resource = resourceOf(t);
        boolean daily = commitment != null || resource != null; // bills of whole days: a daily row falls on one side
        Instant spanFrom = beforeFrom; // what the before side's spend is spread over
        if (job != null && runs.containsKey(job) && runs.get(job).start() != null) {
            // the spend is read from the day the job started (a daily row of that day counts), but spread over the time it
            // existed: the hours of its first day before it ran are not hours without spend (they made the figure ~10% low
            // for a run started at noon)
            Instant started = runs.get(job).start();
            if (started.truncatedTo(ChronoUnit.DAYS).isAfter(beforeFrom)) beforeFrom = started.truncatedTo(ChronoUnit.DAYS);
            if (started.isAfter(spanFrom)) spanFrom = started.truncatedTo(ChronoUnit.HOURS);
        }
        Instant afterFrom = implemented.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant afterTo = afterFrom.plus(MONTH);
        if (billedThrough != null && billedThrough.isBefore(afterTo)) afterTo = billedThrough.truncatedTo(daily ? ChronoUnit.DAYS : ChronoUnit.HOURS);
        if (job == null && commitment == null && resource == null) {
            return new Realised(t.id(), t.kind(), t.team(), t.target(), currency, t.monthlySaving().amount(), t.state().acceptedAt(), implemented, t.state().actor(),
                    null, null, null, null, null, null, null, null, null,
                    unmeasured(t));
        }
        BigDecimal before = spend(t, job, commitment, resource, currency, beforeFrom, beforeTo);
        BigDecimal beforePerMonth = beforeTo.isAfter(spanFrom) ? perMonth(before, Duration.between(spanFrom, beforeTo)) : null;
        if (!afterTo.isAfter(afterFrom)) {
            return new Realised(t.id(), t.kind(), t.team(), t.target(), currency, t.monthlySaving().amount(), t.state().acceptedAt(), implemented, t.state().actor(),
                    beforeFrom, beforeTo, before, beforePerMonth, afterFrom, null, null, null, null,
                    "not measured yet: the bills reach " + (billedThrough == null ? "no day" : billedThrough.toString()) + ", the measure starts " + afterFrom);
        }
        BigDecimal after = spend(t, job, commitment, resource, currency, afterFrom, afterTo);
        BigDecimal afterPerMonth = perMonth(after, Duration.between(afterFrom, afterTo));
        BigDecimal realised = beforePerMonth == null ? null : beforePerMonth.subtract(afterPerMonth);
        return new Realised(t.id(), t.kind(), t.team(), t.target(), currency, t.monthlySaving().amount(), t.state().acceptedAt(), implemented, t.state().actor(),
                beforeFrom, beforeTo, before, beforePerMonth, afterFrom, afterTo, after, afterPerMonth, realised,
                beforePerMonth == null ? "not measured: no days before the acceptance to compare with" : null);
    }

    /** Why a recommendation that is neither a job's, an unused commitment's nor a tiered bucket's is not measured. */
    static String unmeasured(RecommendationStates.Tracked t) {
        return switch (t.kind()) {
            case SPOT -> "not measured: a job family's spend moves with how often it runs, not only with its pricing";
            case INFERENCE -> "not measured: an endpoint's spend moves with its traffic, not only with this change";
            case STORAGE -> "not measured: a transfer line's spend moves with what is sent, not only with this change";
            default -> "not measured: a purchase's saving is a lower on-demand spend, which other changes move too";
        };
    }

    private BigDecimal spend(RecommendationStates.Tracked t, String job, String commitment, String resource, String currency, Instant from, Instant to) {
        if (!to.isAfter(from)) return BigDecimal.ZERO;
        if (job != null && t.kind() == Recommendation.Kind.SCHEDULE) {
            BigDecimal off = BigDecimal.ZERO;
            for (JobRuns.BilledPeriod p : jobs.billedPeriods(List.of(job), from, to)) {
                if (p.currency().equals(currency)) off = off.add(OffHours.inHours(p, h -> !workingHours.working(h)));
            }
            return off;
        }
        if (job != null) {
            JobRuns.Billed b = jobs.billed(List.of(job), from, to).getOrDefault(job, Map.of()).get(currency);
            return b == null ? BigDecimal.ZERO : b.effective();
        }
        LocalDate fromDay = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate toDay = LocalDate.ofInstant(to, ZoneOffset.UTC);
        if (resource != null) {
            return ledger.costs(new dev.burnrate.ledger.CostQuery(List.of(), fromDay, toDay, dev.burnrate.ledger.Granularity.NONE,
                    dev.burnrate.ledger.CostBasis.EFFECTIVE, Map.of(Owners.RESOURCE, List.of(resource)))).rows().stream()
                    .filter(r -> r.cost().currency().equals(currency)).map(r -> r.cost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
        CommitmentReport r = commitments.report(fromDay, toDay);
        return r.commitments().stream().filter(c -> c.id().equals(commitment) && c.currency().equals(currency))
                .map(CommitmentReport.Commitment::unusedEffective).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** amount × 30 days / span, exact where it can be (else to 10 places). */
    static BigDecimal perMonth(BigDecimal amount, Duration span) {
        BigDecimal scaled = amount.multiply(BigDecimal.valueOf(MONTH.getSeconds()));
        BigDecimal seconds = BigDecimal.valueOf(span.getSeconds());
        try {
            return scaled.divide(seconds);
        } catch (ArithmeticException notExact) {
            return scaled.divide(seconds, 10, RoundingMode.HALF_EVEN);
        }
    }

    /** The job of an idle, rightsize or schedule recommendation ("job ID"), else null. */
    static String jobOf(RecommendationStates.Tracked t) {
        return (t.kind() == Recommendation.Kind.IDLE || t.kind() == Recommendation.Kind.RIGHTSIZE || t.kind() == Recommendation.Kind.SCHEDULE)
                && t.target().startsWith("job ") ? t.target().substring(4) : null;
    }

    /**
     * The bucket of a tiering recommendation ("storage RESOURCEID") or the instance of an idle or rightsize one ("instance
     * RESOURCEID"), else null (a transfer line is no one resource's).
     */
    static String resourceOf(RecommendationStates.Tracked t) {
        if (t.kind() == Recommendation.Kind.STORAGE && t.target().startsWith("storage ")) return t.target().substring("storage ".length());
        if ((t.kind() == Recommendation.Kind.IDLE || t.kind() == Recommendation.Kind.RIGHTSIZE) && t.target().startsWith("instance ")) {
            return t.target().substring("instance ".length());
        }
        return null;
    }

    /** The commitment of an unused-commitment recommendation ("commitment ID CURRENCY"), else null. */
    static String commitmentOf(RecommendationStates.Tracked t) {
        if (t.kind() != Recommendation.Kind.COMMITMENT || !t.target().startsWith("commitment ")) return null;
        String rest = t.target().substring("commitment ".length());
        int sp = rest.lastIndexOf(' ');
        return sp > 0 ? rest.substring(0, sp) : rest;
    }
}

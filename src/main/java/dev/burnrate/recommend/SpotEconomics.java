package dev.burnrate.recommend;

import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a training job that checkpoints pays on spot instead of on demand, as one rule for the savings engine's spot
 * recommendations and the gate's spot change: the catalog's spot / on-demand ratio, grown by the expected restart
 * overhead. Checkpoints are written every τ = √(2 × MTBF × C) hours (Young/Daly), so per hour of work C / τ goes to
 * writing them and (τ / 2 + R) / MTBF to the work lost and the restart per interruption. The MTBF of a job comes from
 * the family's own spot runs (instance-hours per eviction, divided by the job's instances) or else from the AWS Spot
 * Advisor's interruption band (its upper bound: that share of instances interrupted per 30-day month).
 */
public final class SpotEconomics {
    private static final MathContext MC = MathContext.DECIMAL64;
    private static final BigDecimal HOURS_PER_MONTH = BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH * 24L);

    /** A family's record on spot over the history window: instance-hours run and evictions suffered. */
    public record History(BigDecimal instanceHours, long evictions, boolean any) {
    }

    /**
     * The economics of one job on spot.
     *
     * @param ratio      spot / on-demand price per hour
     * @param mtbfHours  the job's mean time between interruptions
     * @param overhead   the share of work hours added by checkpoints, lost work and restarts
     * @param fromEvictions whether the MTBF comes from the family's own evictions (else from the Spot Advisor's band)
     */
    public record Outcome(InstancePrice price, BigDecimal ratio, BigDecimal mtbfHours, String mtbfSource, BigDecimal checkpointEveryHours,
                          BigDecimal overhead, boolean fromEvictions, PriceCatalog.SpotInterruption band, BigDecimal runHours) {
        /** Whether the run is shorter than the checkpoint interval: no checkpoint is needed within it. */
        public boolean noPeriodicCheckpoint() {
            return runHours != null && checkpointEveryHours.compareTo(runHours) >= 0;
        }

        /** What to do, for actions: "checkpointing every 3.1 h" or "no checkpoint within a run (runs of 12.5 h, ...)". */
        public String advice() {
            return noPeriodicCheckpoint() ? "no checkpoint needed within a run (a " + hours(runHours) + " h run is shorter than the " + hours(checkpointEveryHours)
                    + " h Young/Daly interval; an eviction costs on average half a run)" : "checkpointing every " + hours(checkpointEveryHours) + " h";
        }

        /** Expected cost on spot per unit of on-demand cost: ratio × (1 + overhead). */
        public BigDecimal costFactor() {
            return ratio.multiply(BigDecimal.ONE.add(overhead), MC);
        }

        /** Medium when interruptions are rare (band ≤ 10%, or a week or more between the family's own evictions), else high. */
        public Recommendation.Risk risk() {
            return band != null && band.maxPercent() <= 10 || fromEvictions && mtbfHours.compareTo(BigDecimal.valueOf(24 * 7)) >= 0
                    ? Recommendation.Risk.MEDIUM : Recommendation.Risk.HIGH;
        }

        /** "checkpoint every 3.1 h, restart overhead 8.2% (MTBF … from …)": for reasons and evidence. */
        public String describe() {
            return (noPeriodicCheckpoint() ? "no checkpoint within a " + hours(runHours) + " h run" : "checkpoint every " + hours(checkpointEveryHours) + " h")
                    + ", restart overhead "
                    + overhead.movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "% (MTBF "
                    + mtbfHours.setScale(1, RoundingMode.HALF_EVEN).toPlainString() + " h from " + mtbfSource + ")";
        }
    }

    private static String hours(BigDecimal h) {
        return h.setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }

    private final PriceCatalog catalog;
    private final int checkpointMinutes;
    private final int restartMinutes;
    private final int historyDays;

    public SpotEconomics(PriceCatalog catalog, SavingsEngine.Settings settings) {
        this.catalog = catalog;
        this.checkpointMinutes = settings.checkpointMinutes();
        this.restartMinutes = settings.restartMinutes();
        this.historyDays = settings.spotHistoryDays();
    }

    /** Minutes to write a checkpoint (C) and to restart after an eviction (R), as the rule uses them. */
    public int checkpointMinutes() {
        return checkpointMinutes;
    }

    public int restartMinutes() {
        return restartMinutes;
    }

    /** How far back evictions count. */
    public Duration historyWindow() {
        return Duration.ofDays(historyDays);
    }

    /** The spot instance-hours and evictions of these runs inside [from, end). */
    public static History history(List<JobRun> spotRuns, Instant from, Instant end) {
        long evictions = 0;
        BigDecimal hours = BigDecimal.ZERO;
        for (JobRun j : spotRuns) {
            if (j.start() == null) continue;
            evictions += j.evictions();
            Instant s = j.start().isBefore(from) ? from : j.start();
            Instant e = j.end() == null || j.end().isAfter(end) ? end : j.end();
            if (e.isAfter(s)) {
                hours = hours.add(BigDecimal.valueOf(Duration.between(s, e).getSeconds()).multiply(BigDecimal.valueOf(Math.max(1, j.instanceCount())))
                        .divide(BigDecimal.valueOf(3600), MC));
            }
        }
        return new History(hours, evictions, !spotRuns.isEmpty());
    }

    /**
     * The outcome for a job of {@code instances} instances of this type, or empty when the catalog has no spot price
     * for it, or neither the family's evictions nor an interruption band give an MTBF.
     */
    public Optional<Outcome> of(String provider, String instanceType, String region, int instances, History history) {
        return of(provider, instanceType, region, instances, history, null);
    }

    /**
     * The same for runs of about {@code runHours} (null: unknown): when a run is shorter than the Young/Daly interval it
     * needs no checkpoint within it, and an eviction loses on average half a run: overhead = (T/2 + R) / MTBF.
     */
    public Optional<Outcome> of(String provider, String instanceType, String region, int instances, History history, BigDecimal runHours) {
        InstancePrice price = catalog.find(provider, instanceType, region).orElse(null);
        if (price == null || price.spot() == null || price.onDemand().signum() <= 0) return Optional.empty();
        PriceCatalog.SpotInterruption band = catalog.spotInterruption(provider, instanceType, region).orElse(null);
        BigDecimal instanceMtbf;
        String source;
        boolean fromEvictions = history.evictions() > 0 && history.instanceHours().signum() > 0;
        if (fromEvictions) {
            instanceMtbf = history.instanceHours().divide(BigDecimal.valueOf(history.evictions()), MC);
            source = "the family's spot runs: " + Money.plain(history.instanceHours().setScale(2, RoundingMode.HALF_EVEN)) + " instance-hours, "
                    + history.evictions() + " evictions";
        } else if (band != null && band.maxPercent() > 0) {
            instanceMtbf = HOURS_PER_MONTH.multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(band.maxPercent()), MC);
            source = "AWS Spot Advisor band " + band.label() + " (up to " + band.maxPercent() + "% of instances interrupted a month)"
                    + (history.any() ? "; the family's spot runs had no evictions" : "");
        } else {
            return Optional.empty();
        }
        BigDecimal mtbf = instanceMtbf.divide(BigDecimal.valueOf(Math.max(1, instances)), MC);
        BigDecimal c = BigDecimal.valueOf(checkpointMinutes).divide(BigDecimal.valueOf(60), MC);
        BigDecimal restart = BigDecimal.valueOf(restartMinutes).divide(BigDecimal.valueOf(60), MC);
        BigDecimal tau = BigDecimal.valueOf(2).multiply(mtbf).multiply(c).sqrt(MC);
        BigDecimal overhead = runHours != null && tau.compareTo(runHours) >= 0
                ? runHours.divide(BigDecimal.valueOf(2), MC).add(restart).divide(mtbf, MC)
                : c.divide(tau, MC).add(tau.divide(BigDecimal.valueOf(2), MC).add(restart).divide(mtbf, MC));
        return Optional.of(new Outcome(price, price.spot().divide(price.onDemand(), MC), mtbf, source, tau, overhead, fromEvictions, band, runHours));
    }
}

package dev.burnrate.allocation;

import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.PriceCatalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of each training run: what the bill says (rows carrying the job id) when it does, otherwise an estimate
 * from the price catalog (instances × hours × the rate of its pricing model), flagged {@code estimated}.
 */
public final class JobCosts {
    private final JobRuns jobs;
    private final PriceCatalog catalog;
    private final Clock clock;

    public JobCosts(JobRuns jobs, PriceCatalog catalog, Clock clock) {
        this(jobs, catalog, clock, DEFAULT_RESTART_MINUTES);
    }

    /** {@code restartMinutes}: what an eviction costs besides the lost work, the savings rules' restart time (one figure for both). */
    public JobCosts(JobRuns jobs, PriceCatalog catalog, Clock clock, int restartMinutes) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.clock = clock;
        this.restartHours = BigDecimal.valueOf(restartMinutes).divide(BigDecimal.valueOf(60), 6, RoundingMode.HALF_EVEN);
    }

    /** Time to get a replacement instance and reload the last checkpoint, unless configured: 30 minutes. */
    public static final int DEFAULT_RESTART_MINUTES = 30;

    private final BigDecimal restartHours;

    /** One run's cost: billed or estimated (or unknown, with the reason), its instance-hours and cost per instance-hour. */
    public record JobCost(JobRun job, BigDecimal instanceHours, Money cost, boolean estimated, String note, BigDecimal restartHours) {
        public Money perInstanceHour() {
            if (cost == null || instanceHours.signum() == 0) return null;
            return new Money(cost.amount().divide(instanceHours, 4, RoundingMode.HALF_EVEN), cost.currency());
        }

        /**
         * What spot evictions cost this run: each eviction loses, on average, half the work between two checkpoints
         * plus {@code restartHours} of restart, on every instance, at the run's cost per instance-hour.
         * Zero without evictions; null when the run's cost is unknown.
         */
        public Money evictionOverhead() {
            Money rate = perInstanceHour();
            if (rate == null) return null;
            if (job.evictions() == 0) return new Money(BigDecimal.ZERO, rate.currency());
            int instances = Math.max(1, job.instanceCount());
            BigDecimal wallHours = instanceHours.divide(BigDecimal.valueOf(instances), 6, RoundingMode.HALF_EVEN);
            BigDecimal lostPerEviction = wallHours.divide(BigDecimal.valueOf(2L * (job.checkpoints() + 1)), 6, RoundingMode.HALF_EVEN)
                    .add(restartHours);
            BigDecimal lost = lostPerEviction.multiply(BigDecimal.valueOf(job.evictions())).multiply(BigDecimal.valueOf(instances));
            return new Money(lost.multiply(rate.amount()).setScale(2, RoundingMode.HALF_EVEN), rate.currency());
        }
    }


    public List<JobCost> costs(List<JobRun> runs) {
        Map<String, Map<String, BigDecimal>> billed = jobs.billedCost(runs.stream().map(JobRun::id).toList());
        List<JobCost> out = new ArrayList<>();
        for (JobRun j : runs) {
            BigDecimal hours = hours(j);
            Map<String, BigDecimal> b = billed.get(j.id());
            if (b != null && !b.isEmpty()) {
                Map.Entry<String, BigDecimal> first = b.entrySet().iterator().next();
                out.add(new JobCost(j, hours, new Money(first.getValue(), first.getKey()), false,
                        b.size() > 1 ? "billed in " + b.size() + " currencies; showing " + first.getKey() : "from the bill", restartHours));
                continue;
            }
            if (j.instanceType() == null || j.start() == null) {
                out.add(new JobCost(j, hours, null, true, "no instance type or start: cannot estimate", restartHours));
                continue;
            }
            try {
                PriceCatalog.Pricing p = j.pricing() == null ? PriceCatalog.Pricing.ON_DEMAND : PriceCatalog.Pricing.valueOf(j.pricing().toUpperCase(Locale.ROOT));
                Money m = catalog.cost(j.provider() == null ? "AWS" : j.provider(), j.instanceType(), j.region() == null ? "us-east-1" : j.region(),
                        Math.max(1, j.instanceCount()), hours.divide(BigDecimal.valueOf(Math.max(1, j.instanceCount())), 6, RoundingMode.HALF_EVEN), p);
                out.add(new JobCost(j, hours, m, true, "estimated from the price catalog", restartHours));
            } catch (IllegalArgumentException e) {
                out.add(new JobCost(j, hours, null, true, e.getMessage(), restartHours));
            }
        }
        return out;
    }

    /** Instance-hours: instances × (end, or now for a running job, − start). */
    BigDecimal hours(JobRun j) {
        if (j.start() == null) return BigDecimal.ZERO;
        Instant end = j.end() != null ? j.end() : clock.instant();
        long seconds = Math.max(0, Duration.between(j.start(), end).getSeconds());
        return BigDecimal.valueOf(seconds).multiply(BigDecimal.valueOf(Math.max(1, j.instanceCount())))
                .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
    }
}

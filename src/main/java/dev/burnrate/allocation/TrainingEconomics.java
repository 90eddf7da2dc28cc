package dev.burnrate.allocation;

import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.JobRun;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unit economics of training per model (or team): runs, cost, cost per run and per instance-hour, retraining
 * spend per month, GPU utilisation, and idle GPU cost — each run's cost × its idle share from GPU samples
 * (paid GPU time × (1 − utilisation), counted where utilisation was under the idle threshold), which is the
 * {@code __idle__} part of that spend.
 */
public final class TrainingEconomics {
    private final JobRuns jobs;
    private final JobCosts costs;
    private final GpuSamples samples;

    public TrainingEconomics(JobRuns jobs, JobCosts costs, GpuSamples samples) {
        this.jobs = jobs;
        this.costs = costs;
        this.samples = samples;
    }

    /** Idle GPU cost (run cost × idle share) per owner (team, model) and currency of runs started in [from, to). */
    /** Idle GPU cost (run cost × idle share) of every run with a known cost and GPU samples, by owner (team or model). */
    public List<Allocation.IdleCost> idleRuns(String by, double idleBelowPercent) {
        Map<String, GpuSamples.Usage> usage = usageByJob(idleBelowPercent);
        List<Allocation.IdleCost> out = new ArrayList<>();
        for (JobCosts.JobCost c : costs.costs(jobs.list(null, null, 100_000))) {
            JobRun j = c.job();
            GpuSamples.Usage u = usage.get(j.id());
            if (c.cost() == null || u == null || j.start() == null) continue;
            String k = "team".equals(by) ? j.team() : "model".equals(by) ? j.model() : null;
            if (k == null) continue;
            out.add(new Allocation.IdleCost(k, c.cost().currency(), j.start(),
                    c.cost().amount().multiply(BigDecimal.valueOf(u.idleShare())).setScale(2, RoundingMode.HALF_EVEN)));
        }
        return out;
    }

    private Map<String, GpuSamples.Usage> usageByJob(double idleBelowPercent) {
        Map<String, GpuSamples.Usage> usage = new HashMap<>();
        for (GpuSamples.Usage u : samples.usage(GpuSamples.Group.JOB, Instant.EPOCH, dev.burnrate.ledger.Window.OPEN_END, idleBelowPercent)) {
            usage.put(u.key(), u);
        }
        return usage;
    }

    public record Line(String key, String currency, int runs, int estimatedRuns, BigDecimal cost, BigDecimal costPerRun,
                       BigDecimal costPerInstanceHour, Map<YearMonth, BigDecimal> retrainingByMonth, Double meanGpuUtilization,
                       BigDecimal idleCost) {
    }

    /** {@code by}: "model" or "team". Runs without a known cost are counted but add nothing. */
    public List<Line> byOwner(String by, double idleBelowPercent) {
        List<JobCosts.JobCost> all = costs.costs(jobs.list(null, null, 100_000));
        Map<String, GpuSamples.Usage> usage = usageByJob(idleBelowPercent);
        Map<String, List<JobCosts.JobCost>> groups = new TreeMap<>();
        for (JobCosts.JobCost c : all) {
            JobRun j = c.job();
            String k = "team".equals(by) ? j.team() : j.model();
            String currency = c.cost() == null ? "USD" : c.cost().currency();
            groups.computeIfAbsent((k == null ? Buckets.UNALLOCATED : k) + "|" + currency, x -> new ArrayList<>()).add(c);
        }
        List<Line> out = new ArrayList<>();
        groups.forEach((key, list) -> {
            String owner = key.substring(0, key.lastIndexOf('|'));
            String currency = key.substring(key.lastIndexOf('|') + 1);
            BigDecimal cost = BigDecimal.ZERO;
            BigDecimal hours = BigDecimal.ZERO;
            BigDecimal idle = BigDecimal.ZERO;
            int estimated = 0;
            int costed = 0;
            double utilWeighted = 0;
            double utilSeconds = 0;
            Map<YearMonth, BigDecimal> retraining = new TreeMap<>();
            for (JobCosts.JobCost c : list) {
                if (c.cost() == null) continue;
                costed++;
                if (c.estimated()) estimated++;
                cost = cost.add(c.cost().amount());
                hours = hours.add(c.instanceHours());
                if ("retraining".equals(c.job().kind()) && c.job().start() != null) {
                    retraining.merge(YearMonth.from(c.job().start().atOffset(ZoneOffset.UTC)), c.cost().amount(), BigDecimal::add);
                }
                GpuSamples.Usage u = usage.get(c.job().id());
                if (u != null && u.gpuSeconds() > 0) {
                    idle = idle.add(c.cost().amount().multiply(BigDecimal.valueOf(u.idleShare())).setScale(2, RoundingMode.HALF_EVEN));
                    if (u.meanUtilization() != null) { // all [N/A]: no utilisation to weigh in
                        utilWeighted += u.meanUtilization() * u.gpuSeconds();
                        utilSeconds += u.gpuSeconds();
                    }
                }
            }
            out.add(new Line(owner, currency, list.size(), estimated, cost,
                    costed == 0 ? null : cost.divide(BigDecimal.valueOf(costed), 2, RoundingMode.HALF_EVEN),
                    hours.signum() == 0 ? null : cost.divide(hours, 4, RoundingMode.HALF_EVEN), retraining,
                    utilSeconds == 0 ? null : utilWeighted / utilSeconds, idle));
        });
        return out;
    }
}

package dev.burnrate.allocation;

import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;
import dev.burnrate.ledger.JobRun;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage metrics for by_metric share rules: {@code gpu_hours} = instance-hours of job runs overlapping the window
 * (the overlapping part only) per team, model or project; {@code requests} = inference requests per model, feature
 * or customer.
 */
public final class WorkloadMetrics implements Allocation.UsageMetrics {
    private final JobRuns jobs;
    private final InferenceUsages inference;

    public WorkloadMetrics(JobRuns jobs, InferenceUsages inference) {
        this.jobs = jobs;
        this.inference = inference;
    }

    @Override
    public Map<String, BigDecimal> usage(String metric, Field owner, Instant from, Instant to) {
        Map<String, BigDecimal> out = new TreeMap<>();
        switch (metric) {
            case "gpu_hours" -> {
                for (JobRun j : jobs.list(null, null, 1_000_000)) {
                    if (j.start() == null) continue;
                    Instant s = j.start().isAfter(from) ? j.start() : from;
                    Instant e = j.end() == null ? to : (j.end().isBefore(to) ? j.end() : to);
                    if (!e.isAfter(s)) continue;
                    String k = switch (owner.name()) {
                        case "team" -> j.team();
                        case "model" -> j.model();
                        case "project" -> j.tags().get("project");
                        default -> null;
                    };
                    BigDecimal hours = BigDecimal.valueOf(Duration.between(s, e).getSeconds() * (long) Math.max(1, j.instanceCount()))
                            .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
                    out.merge(k == null ? Buckets.UNALLOCATED : k, hours, BigDecimal::add);
                }
            }
            case "requests" -> {
                for (InferenceUsage u : inference.between(from, to)) {
                    String k = switch (owner.name()) {
                        case "model" -> u.model();
                        case "feature" -> u.feature();
                        case "customer" -> u.customer();
                        default -> null;
                    };
                    out.merge(k == null ? Buckets.UNALLOCATED : k, BigDecimal.valueOf(u.requests()), BigDecimal::add);
                }
            }
            default -> throw new IllegalArgumentException("unknown metric '" + metric + "'; expected gpu_hours or requests");
        }
        return out;
    }
}

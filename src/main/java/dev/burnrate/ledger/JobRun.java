package dev.burnrate.ledger;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A training, retraining, fine-tune, HPO trial, batch-inference or experiment run, as reported by the pipeline.
 * Updates (heartbeats, the end) replace the record with the same id.
 */
public record JobRun(String id, String model, String modelVersion, String team, String kind, String tier, String instanceType,
                     int instanceCount, String pricing, String provider, String region, Instant start, Instant end, String status,
                     int checkpoints, int evictions, Double datasetSizeGb, Map<String, String> tags) {
    public static final Set<String> KINDS = Set.of("training", "retraining", "fine_tune", "hpo_trial", "batch_inference", "experiment");
    public static final Set<String> TIERS = Set.of("incremental", "full");
    public static final Set<String> PRICING = Set.of("on_demand", "spot", "reserved");
    public static final Set<String> STATUSES = Set.of("running", "succeeded", "failed", "preempted", "stopped");

    public JobRun {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) throw new IllegalArgumentException("id must not be blank");
        if (kind != null && !KINDS.contains(kind)) throw new IllegalArgumentException("kind '" + kind + "' is not one of " + new java.util.TreeSet<>(KINDS));
        if (tier != null && !TIERS.contains(tier)) throw new IllegalArgumentException("tier '" + tier + "' is not one of " + new java.util.TreeSet<>(TIERS));
        if (pricing != null && !PRICING.contains(pricing)) throw new IllegalArgumentException("pricing '" + pricing + "' is not one of " + new java.util.TreeSet<>(PRICING));
        if (status != null && !STATUSES.contains(status)) throw new IllegalArgumentException("status '" + status + "' is not one of " + new java.util.TreeSet<>(STATUSES));
        if (instanceCount < 0) throw new IllegalArgumentException("instanceCount must not be negative");
        if (start != null && end != null && end.isBefore(start)) throw new IllegalArgumentException("end " + end + " is before start " + start);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}

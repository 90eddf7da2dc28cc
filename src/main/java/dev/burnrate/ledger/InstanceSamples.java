package dev.burnrate.ledger;

import java.time.Instant;
import java.util.List;

/** Storage of CPU / memory samples of instances, and the utilisation figures the savings rules read from them. */
public interface InstanceSamples {
    /** Stores a batch in one step, skipping samples already stored (same resource and instant); returns how many were new. */
    long append(List<InstanceSample> samples);

    /**
     * Per resource, over [from, to): how many samples, in how many distinct UTC hours, the p95 and p99 and the highest
     * CPU utilisation, and the highest memory utilisation (null when no sample gave memory). Percentiles are continuous
     * (interpolated), as the GPU figures are.
     */
    List<Usage> usage(Instant from, Instant to);

    record Usage(String resourceId, long samples, long hours, double p95Cpu, double p99Cpu, double maxCpu, Double maxMemory) {
    }
}

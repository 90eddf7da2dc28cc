package dev.burnrate.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * CPU and memory utilisation of one (virtual) machine at one instant, as percentages (0-100) of what the instance has:
 * CloudWatch's {@code CPUUtilization} and the CloudWatch agent's {@code mem_used_percent}, node_exporter's busy share
 * of {@code node_cpu_seconds_total} and {@code 1 - MemAvailable/MemTotal}. {@code resourceId} is the bill's ResourceId
 * of the instance ({@code i-0abc…}), which ties the samples to what the instance costs. Memory is null where the
 * source has none (CloudWatch without its agent), never 0.
 */
public record InstanceSample(Instant time, String resourceId, double cpuPercent, Double memoryPercent) {
    public InstanceSample {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(resourceId, "resourceId");
        if (resourceId.isBlank()) throw new IllegalArgumentException("resource id must not be blank");
        if (!(cpuPercent >= 0 && cpuPercent <= 100)) throw new IllegalArgumentException("CPU utilisation must be within 0-100 %, was " + cpuPercent);
        if (memoryPercent != null && !(memoryPercent >= 0 && memoryPercent <= 100)) {
            throw new IllegalArgumentException("memory utilisation must be within 0-100 %, was " + memoryPercent);
        }
    }
}

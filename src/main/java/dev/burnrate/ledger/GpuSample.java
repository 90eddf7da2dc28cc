package dev.burnrate.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Utilisation and memory of one GPU at one instant, tied to a job or a pod when known. Utilisation is a
 * percentage (0-100), memory in MiB.
 */
public record GpuSample(Instant time, String host, String gpuUuid, int gpuIndex, String job, String pod, String namespace,
                        String container, double utilizationPercent, long memoryUsedMiB, long memoryTotalMiB) {
    public GpuSample {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(gpuUuid, "gpuUuid");
        if (gpuUuid.isBlank()) throw new IllegalArgumentException("gpu uuid must not be blank");
        if (!(utilizationPercent >= 0 && utilizationPercent <= 100)) {
            throw new IllegalArgumentException("utilisation must be within 0-100 %, was " + utilizationPercent);
        }
        if (memoryUsedMiB < 0) throw new IllegalArgumentException("memory used must not be negative, was " + memoryUsedMiB);
        if (memoryTotalMiB < 0) throw new IllegalArgumentException("memory total must not be negative, was " + memoryTotalMiB);
    }
}

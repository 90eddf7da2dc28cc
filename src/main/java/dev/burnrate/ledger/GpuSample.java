package dev.burnrate.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Utilisation and memory of one GPU, or of one MIG instance of it ({@code mig}, null for a whole GPU), at one
 * instant, tied to a job or a pod when known. Utilisation is a percentage (0-100), memory in MiB; a value the source
 * could not give (nvidia-smi's {@code [N/A]}, a series DCGM does not publish for MIG instances) is null, never 0.
 * A sample series is one GPU, or one GPU instance of it: {@link #seriesKey()}.
 */
public record GpuSample(Instant time, String host, String gpuUuid, int gpuIndex, MigInstance mig, String job, String pod,
                        String namespace, String container, Double utilizationPercent, Long memoryUsedMiB, Long memoryTotalMiB) {
    public GpuSample {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(gpuUuid, "gpuUuid");
        if (gpuUuid.isBlank()) throw new IllegalArgumentException("gpu uuid must not be blank");
        if (utilizationPercent != null && !(utilizationPercent >= 0 && utilizationPercent <= 100)) {
            throw new IllegalArgumentException("utilisation must be within 0-100 %, was " + utilizationPercent);
        }
        if (memoryUsedMiB != null && memoryUsedMiB < 0) throw new IllegalArgumentException("memory used must not be negative, was " + memoryUsedMiB);
        if (memoryTotalMiB != null && memoryTotalMiB < 0) throw new IllegalArgumentException("memory total must not be negative, was " + memoryTotalMiB);
    }

    /** A whole GPU with every value known. */
    public GpuSample(Instant time, String host, String gpuUuid, int gpuIndex, String job, String pod, String namespace,
                     String container, double utilizationPercent, long memoryUsedMiB, long memoryTotalMiB) {
        this(time, host, gpuUuid, gpuIndex, null, job, pod, namespace, container, utilizationPercent, memoryUsedMiB, memoryTotalMiB);
    }

    /** The share of the physical GPU this sample stands for: 1, or the MIG instance's slices of the GPU's. */
    public double gpuShare() {
        return mig == null ? 1 : mig.share();
    }

    /** The series this sample belongs to: the GPU's UUID, and for a MIG instance its GPU instance id. */
    public String seriesKey() {
        return mig == null ? gpuUuid : gpuUuid + "/" + mig.id();
    }
}

package dev.burnrate.ledger;



import java.time.Instant;
import java.util.List;

/** Storage of GPU samples and the usage figures computed from them. */
public interface GpuSamples {
    /** Stores a batch in one step, skipping samples already stored (same GPU and instant); returns how many were new. */
    long append(List<GpuSample> samples);

    /**
     * Usage per group ({@code job}, {@code gpu}, {@code host}, {@code pod} or {@code namespace}) over [from, to):
     * each sample stands for the time to the next one of its series (a GPU, or one MIG instance of it; gaps capped at
     * a minute), weighted by its share of the GPU (a MIG instance counts its slices / the GPU's).
     */
    List<Usage> usage(Group by, Instant from, Instant to, double idleBelowPercent);

    /** MODEL and TEAM come from the job run each sample's job belongs to. */
    enum Group { JOB, GPU, HOST, POD, NAMESPACE, MODEL, TEAM }

    /**
     * GPU-seconds observed, mean and p95 utilisation (null when no sample had one: nvidia-smi's [N/A]), GPU-seconds
     * idle (utilisation known and under the threshold) and, of those, idle while memory was held (a job had the GPU
     * and did nothing with it).
     */
    record Usage(String key, long samples, Double meanUtilization, Double p95Utilization, double gpuSeconds,
                 double idleGpuSeconds, double idleWithMemoryHeldSeconds) {
        public double idleShare() {
            return gpuSeconds == 0 ? 0 : idleGpuSeconds / gpuSeconds;
        }
    }
}

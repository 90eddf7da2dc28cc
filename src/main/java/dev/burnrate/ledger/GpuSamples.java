package dev.burnrate.ledger;



import java.time.Instant;
import java.util.List;

/** Storage of GPU samples and the usage figures computed from them. */
public interface GpuSamples {
    /** Stores a batch in one step, skipping samples already stored (same GPU and instant); returns how many were new. */
    long append(List<GpuSample> samples);

    /**
     * Usage per group ({@code job}, {@code gpu}, {@code host}, {@code pod} or {@code namespace}) over [from, to):
     * each sample stands for the time to the next sample of its series (a GPU, or one MIG instance of it), whatever the collector's interval (1 s, 10 s,
     * 5 min). A gap longer than {@link #GAP_FACTOR} × the GPU's median interval (a collector outage, the GPU idle
     * between two jobs, the end of the series) is not counted as observed time: the sample before it stands for one
     * median interval. A GPU with a single sample in the window counts {@link #LONE_SAMPLE_SECONDS}. Each
     * second is weighted by the series' share of the GPU (a MIG instance counts its slices / the GPU's).
     */
    List<Usage> usage(Group by, Instant from, Instant to, double idleBelowPercent);

    /** A gap up to this many median intervals of its GPU counts as observed; a longer one is an outage. */
    double GAP_FACTOR = 3;

    /** What a GPU's only sample in a window stands for, when there is no interval to go by. */
    double LONE_SAMPLE_SECONDS = 1;

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

    /**
     * Memory per group over [from, to): the most any one GPU (or MIG instance) of the group held at one instant, and the
     * largest memory total seen on its GPUs; either is null when no sample gave it.
     */
    List<Memory> memory(Group by, Instant from, Instant to);

    record Memory(String key, Long peakUsedMiB, Long totalMiB) {
    }

    /**
     * Utilisation hour by hour (UTC hours) over [from, to) of the samples whose group {@code by} is {@code key} (null:
     * every sample), oldest first: per hour, the samples taken in it that report a utilisation and the sum of their
     * utilisations, so that their mean is {@link Usage#meanUtilization}'s (the plain mean of the samples). Hours without
     * such a sample are left out. The first and last hour hold only the samples inside [from, to).
     */
    List<UtilizationHour> utilizationByHour(Group by, String key, Instant from, Instant to);

    /** One hour of a group's samples: how many report a utilisation, and the sum of those utilisations (%). */
    record UtilizationHour(Instant hour, long samples, double utilizationSum) {
        public double meanUtilization() {
            return utilizationSum / samples;
        }
    }
}

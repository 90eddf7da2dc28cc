package dev.burnrate.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Hourly prices of one instance type in one region, in USD. {@code spot}, {@code commit1y} and {@code commit3y} are null
 * where the source has no figure. {@code source} and {@code asOf} say where the numbers came from.
 */
public record InstancePrice(String provider, String instanceType, String region, String gpuName, int gpuCount,
                            BigDecimal onDemand, BigDecimal spot, BigDecimal commit1y, BigDecimal commit3y, String source, String asOf) {
    public InstancePrice {
        Objects.requireNonNull(onDemand, "onDemand");
        if (onDemand.signum() < 0) throw new IllegalArgumentException("negative on-demand price for " + instanceType);
    }

    public boolean isGpu() {
        return gpuCount > 0;
    }
}

package dev.burnrate.guard;

import java.math.BigDecimal;

/**
 * What a running job reports: elapsed wall-clock seconds, spend so far (USD) or instance-hours (priced by the gate),
 * and mean GPU utilisation in percent (null when unknown).
 */
public record Heartbeat(long elapsedSeconds, BigDecimal spend, BigDecimal instanceHours, BigDecimal gpuUtilization) {
    public Heartbeat {
        if (elapsedSeconds < 0) throw new IllegalArgumentException("elapsedSeconds must not be negative");
        if (spend != null && spend.signum() < 0) throw new IllegalArgumentException("spend must not be negative");
        if (instanceHours != null && instanceHours.signum() < 0) throw new IllegalArgumentException("instanceHours must not be negative");
        if (gpuUtilization != null && (gpuUtilization.signum() < 0 || gpuUtilization.compareTo(BigDecimal.valueOf(100)) > 0)) {
            throw new IllegalArgumentException("gpuUtilization must be within 0..100, was " + gpuUtilization);
        }
    }
}

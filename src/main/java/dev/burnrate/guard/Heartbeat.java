package dev.burnrate.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burnrate.spec.JsonFields;

import java.math.BigDecimal;
import java.math.RoundingMode;

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

    /** Elapsed time in hours, to the guard's precision (4 places): what the guard compares and remembers. */
    public BigDecimal elapsedHours() {
        return BigDecimal.valueOf(elapsedSeconds).divide(BigDecimal.valueOf(3600), 4, RoundingMode.HALF_EVEN);
    }

    /**
     * A heartbeat as jobs send it, over HTTP ({@code POST /api/v1/gate/requests/{id}/heartbeats}) or as a Kafka record:
     * {@code {"elapsedSeconds": 7200, "spend": "412.50", "instanceHours": "16", "gpuUtilization": 87}}; decimals as JSON
     * strings or numbers, all but {@code elapsedSeconds} optional.
     *
     * @throws IllegalArgumentException naming the field and why
     */
    public static Heartbeat fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a heartbeat is a JSON object");
        JsonNode el = n.get("elapsedSeconds");
        if (el == null || !el.canConvertToLong()) throw new IllegalArgumentException("elapsedSeconds (an integer) is required");
        return new Heartbeat(el.asLong(), JsonFields.decimal(n, "spend"), JsonFields.decimal(n, "instanceHours"), JsonFields.decimal(n, "gpuUtilization"));
    }
}

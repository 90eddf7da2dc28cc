package dev.burnrate.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Inference served by one endpoint for one model / variant / feature / customer over [start, end): requests,
 * tokens in and out, latency percentiles (ms) and errors. {@code endpoint} is the resource id the bill charges.
 */
public record InferenceUsage(Instant start, Instant end, String model, String variant, String feature, String customer, String endpoint,
                             long requests, long inputTokens, long outputTokens, Double latencyP50Ms, Double latencyP95Ms,
                             Double latencyP99Ms, long errors) {
    public InferenceUsage {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) throw new IllegalArgumentException("end " + end + " must be after start " + start);
        Objects.requireNonNull(model, "model");
        if (requests < 0 || inputTokens < 0 || outputTokens < 0 || errors < 0) {
            throw new IllegalArgumentException("requests, tokens and errors must not be negative");
        }
        if (errors > requests) throw new IllegalArgumentException("errors (" + errors + ") exceed requests (" + requests + ")");
    }
}

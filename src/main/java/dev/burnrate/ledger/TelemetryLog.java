package dev.burnrate.ledger;

/**
 * The shared log that telemetry taken over HTTP goes to when replicas read it from there (Kafka): a replica that took a
 * request does not store it itself, or only it would have it; every replica, this one included, stores it from the log.
 */
public interface TelemetryLog {
    /** What a request carries; all are NDJSON but instance samples, CSV whose first line is the header. */
    enum Kind { GPU_SAMPLES, INFERENCE_USAGE, JOB_RUNS, INSTANCE_SAMPLES }

    /** Where a request's records went, once the log acknowledged every one of them. */
    record Appended(String topic, int records) {
    }

    /**
     * Appends a body that was read whole and found valid, cut at line ends into records of a size the log takes (a CSV's
     * header heads each of its records); returns
     * once every record is acknowledged, or throws {@link Unavailable} (the caller may retry: the stores' writes are
     * idempotent, so records sent twice are stored once).
     */
    Appended append(Kind kind, byte[] body);

    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

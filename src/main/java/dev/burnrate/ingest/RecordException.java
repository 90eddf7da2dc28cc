package dev.burnrate.ingest;

/** A telemetry record (GPU sample, job run) that cannot be stored: source, line, field, value and why. Nothing of its batch is stored. */
public final class RecordException extends RuntimeException {
    private final long line;

    public RecordException(String source, long line, String field, String value, String reason) {
        super(source + ":" + line + (field == null ? "" : ": " + field) + (value == null ? "" : ": value '" + value + "'") + ": " + reason);
        this.line = line;
    }

    public long line() {
        return line;
    }
}

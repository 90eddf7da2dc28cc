package dev.burnrate.ingest.gpu;

/** A GPU telemetry record that cannot be stored: source, line, field, value and why. Nothing of its batch is stored. */
public final class GpuInputException extends RuntimeException {
    private final long line;

    public GpuInputException(String source, long line, String field, String value, String reason) {
        super(source + ":" + line + (field == null ? "" : ": " + field) + (value == null ? "" : ": value '" + value + "'") + ": " + reason);
        this.line = line;
    }

    public long line() {
        return line;
    }
}

package dev.burnrate.ingest.focus;

/**
 * One conformance finding: where (file, line, column), what (value) and which rule of the FOCUS
 * specification it breaks. Line 1 is the header; line 0 means the file as a whole.
 */
public record Finding(String file, long line, String column, String value, Severity severity, String rule, String message) {
    /**
     * ERROR: a column-level requirement (presence, type, nullability, allowed values, currency codes, period
     * order). WARNING: a cross-column consistency requirement (unit price × quantity = cost, conditional nulls,
     * non-negative unit prices, custom column prefix) that real exports often break through rounding,
     * credits or anonymisation; reported, but it does not fail validation.
     */
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return file + ":" + line + ": " + severity.name().toLowerCase() + ": " + column + (value == null ? "" : " = '" + value + "'") + ": [" + rule + "] " + message;
    }
}

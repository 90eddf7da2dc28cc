package dev.burnrate.ingest.focus;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** Parsing of FOCUS cell values: decimals and UTC datetimes. */
public final class FocusValues {
    private FocusValues() {
    }

    /**
     * FOCUS datetimes are ISO 8601 in UTC ({@code 2024-09-01T00:00:00Z}); real exports also write a
     * space for the T and leave out the Z (the FOCUS 1.0 sample does), which is read as UTC too.
     */
    private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendLiteral('Z').optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "+00:00").optionalEnd()
            .toFormatter();

    public static LocalDateTime parseDateTime(String s) {
        try {
            return LocalDateTime.parse(s, DATETIME);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO 8601 UTC datetime (expected e.g. 2024-09-01T00:00:00Z)");
        }
    }

    public static BigDecimal parseDecimal(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal number");
        }
    }
}

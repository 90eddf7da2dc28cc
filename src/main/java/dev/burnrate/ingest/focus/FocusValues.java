package dev.burnrate.ingest.focus;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
     * space for the T and leave out the Z (the FOCUS 1.0 sample does), which is read as UTC too. A value
     * with an offset ({@code 2024-09-01T00:00:00-05:00}) is the instant it names: converted to UTC, never
     * read as if the offset were not there.
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
            .optionalStart().appendOffset("+HHMM", "+0000").optionalEnd()
            .optionalStart().appendOffset("+HH", "+00").optionalEnd()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter();

    /** The instant a FOCUS datetime names: its offset applied, UTC when it has none. */
    public static Instant parseDateTime(String s) {
        try {
            var parsed = DATETIME.parse(s);
            return LocalDateTime.from(parsed).toInstant(ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO 8601 datetime (expected e.g. 2024-09-01T00:00:00Z)");
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

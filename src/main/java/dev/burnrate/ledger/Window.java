package dev.burnrate.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/** A half-open interval [start, end) in UTC. */
public record Window(Instant start, Instant end) {
    public Window {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("window end " + end + " must be after start " + start);
        }
    }

    /** Whole UTC days: from the start of {@code from} to the start of {@code toExclusive}. */
    public static Window ofDays(LocalDate from, LocalDate toExclusive) {
        return new Window(from.atStartOfDay(ZoneOffset.UTC).toInstant(), toExclusive.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** Far enough ahead to stand for "no end" in a query. */
    public static final Instant OPEN_END = Instant.parse("9999-01-01T00:00:00Z");

    /** The start of a UTC day, or the epoch when the day is not given (an open start). */
    public static Instant startOf(LocalDate day) {
        return day == null ? Instant.EPOCH : day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start of a UTC day taken as an exclusive end, or {@link #OPEN_END} when not given. */
    public static Instant endOf(LocalDate day) {
        return day == null ? OPEN_END : day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }
}

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

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }
}

package dev.burnrate.ledger;

import java.time.LocalDate;
import java.time.DayOfWeek;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Time bucketing of a report; weeks start on Monday (ISO). */
public enum Granularity {
    NONE, DAY, WEEK, MONTH;

    public static Granularity parse(String text) {
        for (Granularity g : values()) {
            if (g.name().equalsIgnoreCase(text)) return g;
        }
        throw new IllegalArgumentException("unknown granularity '" + text + "'; expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(g -> g.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
    }

    /** The first day of the bucket holding {@code day}; NONE has no buckets. */
    public LocalDate bucketStart(LocalDate day) {
        return switch (this) {
            case NONE -> null;
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
        };
    }
}

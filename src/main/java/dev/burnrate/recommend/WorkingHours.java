package dev.burnrate.recommend;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * When people work, for off-hours scheduling: the working days and the hours [from, to) of each, in a time zone. An
 * hour of the clock (UTC hours, as the bill and the samples are kept) is a working hour when it starts on a working day
 * at or after {@code from} and before {@code to}, local time; every other hour is off-hours (nights, weekends).
 */
public record WorkingHours(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone) {
    public WorkingHours {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(zone, "zone");
        if (days == null || days.isEmpty()) throw new IllegalArgumentException("working hours need at least one working day");
        if (!from.isBefore(to)) throw new IllegalArgumentException("working hours must start before they end within a day (from " + from + ", to " + to + ")");
        days = java.util.Collections.unmodifiableSet(EnumSet.copyOf(days));
    }

    /** Monday to Friday, 08:00 to 20:00, UTC. */
    public static WorkingHours defaults() {
        return new WorkingHours(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("UTC"));
    }

    /** Whether the hour starting at {@code hour} is a working hour. */
    public boolean working(Instant hour) {
        ZonedDateTime z = hour.atZone(zone);
        LocalTime t = z.toLocalTime();
        return days.contains(z.getDayOfWeek()) && !t.isBefore(from) && t.isBefore(to);
    }

    /** Working hours a week (whole hours; a DST change week aside). */
    public long hoursPerWeek() {
        return days.size() * java.time.Duration.between(from, to).toMinutes() / 60;
    }

    /** "Mon-Fri 08:00-20:00 UTC". */
    public String describe() {
        return dayRanges(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH), "-", ",") + " " + from + "-" + to + " " + zone.getId();
    }

    /** The day-of-week field of a cron schedule for the working days: "1-5" (0 is Sunday). */
    public String cronDays() {
        return dayRanges(d -> String.valueOf(d.getValue() % 7), "-", ",");
    }

    /** A cron schedule ("minute hour * * days") at {@code at} on working days. */
    public String cron(LocalTime at) {
        return at.getMinute() + " " + at.getHour() + " * * " + cronDays();
    }

    /** Runs of consecutive days, in cron order (Sunday first): "Mon-Fri", "Sun-Thu", "Mon,Wed". */
    private String dayRanges(java.util.function.Function<DayOfWeek, String> name, String range, String sep) {
        List<DayOfWeek> ordered = new ArrayList<>(days);
        ordered.sort(java.util.Comparator.comparingInt(d -> d.getValue() % 7));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ordered.size(); ) {
            int j = i;
            while (j + 1 < ordered.size() && ordered.get(j + 1).getValue() % 7 == ordered.get(j).getValue() % 7 + 1) j++;
            if (sb.length() > 0) sb.append(sep);
            sb.append(name.apply(ordered.get(i)));
            if (j > i + 1) sb.append(range).append(name.apply(ordered.get(j)));
            else if (j == i + 1) sb.append(sep).append(name.apply(ordered.get(j)));
            i = j + 1;
        }
        return sb.toString();
    }

    /** "Mon-Fri", "Sun-Thu", "Mon,Wed,Fri", "Sat" (English day names or their first three letters, any case). */
    public static Set<DayOfWeek> parseDays(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("no working days given (e.g. Mon-Fri)");
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : text.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-');
            if (dash < 0) {
                out.add(day(p));
                continue;
            }
            DayOfWeek a = day(p.substring(0, dash));
            DayOfWeek b = day(p.substring(dash + 1));
            for (DayOfWeek d = a; ; d = d.plus(1)) {
                out.add(d);
                if (d == b) break;
            }
        }
        return out;
    }

    private static DayOfWeek day(String s) {
        String t = s.strip().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (t.length() >= 3 && d.name().startsWith(t)) return d;
        }
        throw new IllegalArgumentException("'" + s.strip() + "' is not a day of the week (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
    }

    /** "08:00", "8:30" (24-hour clock); "24:00" is not a time of day. */
    public static LocalTime parseTime(String text) {
        String t = text == null ? "" : text.strip();
        try {
            return LocalTime.parse(t.length() == 4 && t.charAt(1) == ':' ? "0" + t : t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + t + "' is not a time of day as HH:MM (e.g. 08:00)");
        }
    }

    /** "UTC", "Europe/Berlin", "America/New_York". */
    public static ZoneId parseZone(String text) {
        String t = text == null ? "" : text.strip();
        try {
            return ZoneId.of(t);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'" + t + "' is not a time zone (e.g. UTC, Europe/Berlin, America/New_York)");
        }
    }
}

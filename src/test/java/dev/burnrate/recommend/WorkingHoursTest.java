package dev.burnrate.recommend;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When an hour is a working hour, in a time zone across its daylight-saving change, and how the days read back. */
class WorkingHoursTest {
    @Test
    void berlinEightToEight_acrossTheEndOfSummerTime_judgesEachUtcHourByItsLocalStart() {
        WorkingHours h = new WorkingHours(WorkingHours.parseDays("Mon-Fri"), LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("Europe/Berlin"));
        // Friday 2026-10-23, CEST (UTC+2): 06:00Z is 08:00 local, 05:00Z 07:00; 17:00Z is 19:00, 18:00Z 20:00 (the end: off)
        assertThat(h.working(Instant.parse("2026-10-23T06:00:00Z"))).isTrue();
        assertThat(h.working(Instant.parse("2026-10-23T05:00:00Z"))).isFalse();
        assertThat(h.working(Instant.parse("2026-10-23T17:00:00Z"))).isTrue();
        assertThat(h.working(Instant.parse("2026-10-23T18:00:00Z"))).isFalse();
        // Saturday: off all day
        assertThat(h.working(Instant.parse("2026-10-24T10:00:00Z"))).isFalse();
        // Monday 2026-10-26, CET (UTC+1) since Sunday: 06:00Z is 07:00 local now, 07:00Z 08:00
        assertThat(h.working(Instant.parse("2026-10-26T06:00:00Z"))).isFalse();
        assertThat(h.working(Instant.parse("2026-10-26T07:00:00Z"))).isTrue();
        // Sunday 23:00Z is Monday 00:00 in Berlin: a working day, but before 08:00
        assertThat(h.working(Instant.parse("2026-10-25T23:00:00Z"))).isFalse();
    }

    @Test
    void days_rangesListsAndWrapping_readBackAsCronAndText() {
        assertThat(WorkingHours.parseDays("Mon-Fri")).isEqualTo(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        assertThat(WorkingHours.parseDays("sunday-thu")).containsExactlyInAnyOrder(DayOfWeek.SUNDAY, DayOfWeek.MONDAY, DayOfWeek.TUESDAY,
                DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY);
        assertThat(WorkingHours.parseDays("Fri-Mon")).containsExactlyInAnyOrder(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY);
        WorkingHours d = WorkingHours.defaults();
        assertThat(d.describe()).isEqualTo("Mon-Fri 08:00-20:00 UTC");
        assertThat(d.cron(d.to())).isEqualTo("0 20 * * 1-5");
        assertThat(d.cron(d.from())).isEqualTo("0 8 * * 1-5");
        WorkingHours odd = new WorkingHours(WorkingHours.parseDays("Mon,Wed,Thu"), LocalTime.of(9, 30), LocalTime.of(17, 0), ZoneId.of("UTC"));
        assertThat(odd.describe()).isEqualTo("Mon,Wed,Thu 09:30-17:00 UTC");
        assertThat(odd.cron(odd.from())).isEqualTo("30 9 * * 1,3,4");
        assertThat(new WorkingHours(WorkingHours.parseDays("Sun-Thu"), LocalTime.of(8, 0), LocalTime.of(17, 0), ZoneId.of("UTC")).cronDays()).isEqualTo("0-4");
    }

    @Test
    void badInput_saysWhatIsWrong() {
        assertThatThrownBy(() -> WorkingHours.parseDays("Mon-Fry")).hasMessageContaining("'Fry' is not a day of the week");
        assertThatThrownBy(() -> WorkingHours.parseDays(" ")).hasMessageContaining("no working days");
        assertThatThrownBy(() -> WorkingHours.parseTime("25:00")).hasMessageContaining("'25:00' is not a time of day");
        assertThat(WorkingHours.parseTime("8:30")).isEqualTo(LocalTime.of(8, 30));
        assertThatThrownBy(() -> WorkingHours.parseZone("CEST+2")).hasMessageContaining("'CEST+2' is not a time zone");
        assertThatThrownBy(() -> new WorkingHours(EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(20, 0), LocalTime.of(8, 0), ZoneId.of("UTC")))
                .hasMessageContaining("must start before they end");
        assertThatThrownBy(() -> new WorkingHours(EnumSet.noneOf(DayOfWeek.class), LocalTime.of(8, 0), LocalTime.of(20, 0), ZoneId.of("UTC")))
                .hasMessageContaining("at least one working day");
    }
}

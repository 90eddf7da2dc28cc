package dev.burnrate.anomaly;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The course of a day's anomaly (see {@link Courses}): the days [from, through] the scope's spend stayed outside the
 * band the forecast made the evening before it, their impact, and whether it still does.
 */
public record Course(LocalDate from, LocalDate through, int days, BigDecimal impact, boolean ongoing) {
}

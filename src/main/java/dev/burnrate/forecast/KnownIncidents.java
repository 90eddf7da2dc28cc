package dev.burnrate.forecast;

import dev.burnrate.ledger.Field;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Days already found to be incidents, with what was expected of them: a forecast takes a one-day incident at that
 * amount, so a runaway does not raise every day it projects (nor a budget's forecast at the period end), while the
 * first day of a change that lasts stays what it was. Anomaly detection provides them; the forecast does not depend on
 * how they were found. Found on effective cost only.
 */
@FunctionalInterface
public interface KnownIncidents {
    /** One incident's day in a scope: its value of the dimension, currency, what it cost and what was expected of it. */
    record Day(String value, String currency, LocalDate day, BigDecimal actual, BigDecimal expected) {
    }

    /** The incidents' days of one dimension in [from, to). */
    List<Day> days(Field dimension, LocalDate from, LocalDate to);

    static KnownIncidents none() {
        return (dimension, from, to) -> List.of();
    }
}

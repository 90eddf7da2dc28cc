package dev.burnrate.forecast;

import dev.burnrate.ledger.Field;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

/**
 * Days already found to be incidents in a scope, with what was expected of them: a forecast takes them at that amount,
 * so a one-day runaway does not raise every day it projects (nor a budget's forecast at the period end). Anomaly
 * detection provides them; the forecast does not depend on how they were found.
 */
@FunctionalInterface
public interface KnownIncidents {
    /** Per day in [from, to), the amount expected of it, for the incidents of {@code dimension = value} in {@code currency}. */
    Map<LocalDate, BigDecimal> expectedDays(Field dimension, String value, String currency, LocalDate from, LocalDate to);

    static KnownIncidents none() {
        return (dimension, value, currency, from, to) -> Map.of();
    }
}

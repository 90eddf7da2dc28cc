package dev.burnrate.budget;

import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Where a budget stands on a day: spent so far in the period, reserved (approved, not yet spent), forecast at
 * the period end with its interval, remaining, burn rate per day and days until the money runs out.
 */
public record BudgetStatus(Budget budget, LocalDate periodStart, LocalDate periodEnd, LocalDate asOf, Money spent,
                           Money reserved, Money forecastAtEnd, Money forecastLow, Money forecastHigh, Money remaining,
                           Money burnRatePerDay, BigDecimal daysToExhaustion, BigDecimal percentSpent,
                           List<Budget.Threshold> crossed) {
}

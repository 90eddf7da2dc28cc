package dev.burnrate.budget;

import dev.burnrate.forecast.KnownIncidents;
import dev.burnrate.forecast.SpendForecast;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a budget's status on a day ({@code asOf}, today).
 * <ol>
 *   <li>Spent: effective cost in scope, in the budget's currency, from the period start through today (today's
 *       charges so far included, the same month-to-date as the cost explorer and the overview).</li>
 *   <li>Burn rate: the mean daily spend of the last 7 complete days before today, also across the period's start (on
 *       the 2nd of a month the rate is not two days of a new month but the last week's).</li>
 *   <li>Forecast at the end: spent before today + for today the larger of what is already spent and its forecast +
 *       the forecast of the days after today (weekly seasonality, interval).</li>
 *   <li>Remaining = amount − spent − reserved; days to exhaustion = remaining / burn rate.</li>
 *   <li>Crossed thresholds: actual ones against spent + reserved, forecast ones against the forecast.</li>
 * </ol>
 */
public final class BudgetEvaluator {
    private final CostLedger ledger;
    private final Reservations reservations;
    private final KnownIncidents incidents;

    /** Money approved but not yet spent against a budget; the pre-flight gate provides it. */
    @FunctionalInterface
    public interface Reservations {
        Money reserved(Budget budget, LocalDate periodStart, LocalDate periodEnd);

        static Reservations none() {
            return (b, s, e) -> Money.zero(b.amount().currency());
        }
    }

    /** Each team's effective spend per day over the last 7 complete days (see {@link SpendRates}). */
    public List<SpendRates.Rate> teamSpendRates(LocalDate today) {
        return SpendRates.perTeam(ledger, today);
    }

    public BudgetEvaluator(CostLedger ledger, Reservations reservations) {
        this(ledger, reservations, KnownIncidents.none());
    }

    /** With the days found to be incidents, which the forecast at the period end takes at what was expected of them. */
    public BudgetEvaluator(CostLedger ledger, Reservations reservations, KnownIncidents incidents) {
        this.ledger = ledger;
        this.reservations = reservations;
        this.incidents = incidents;
    }

    public BudgetStatus status(Budget b, LocalDate asOf) {
        LocalDate[] p = b.period().around(asOf);
        LocalDate start = p[0];
        LocalDate end = p[1];
        String cur = b.amount().currency();
        LocalDate today = asOf.isBefore(start) ? start : asOf.isBefore(end) ? asOf : end;
        LocalDate spentTo = today.plusDays(1).isAfter(end) ? end : today.plusDays(1);
        BigDecimal before = spend(b, start, today);
        BigDecimal todaySoFar = spend(b, today, spentTo);
        BigDecimal spent = before.add(todaySoFar);
        int remainingDays = (int) Math.max(0, ChronoUnit.DAYS.between(today, end));
        BigDecimal burn = spend(b, today.minusDays(7), today).divide(BigDecimal.valueOf(7), 2, RoundingMode.HALF_EVEN);
        BigDecimal fc = spent;
        BigDecimal lo = spent;
        BigDecimal hi = spent;
        if (remainingDays > 0) {
            List<SpendForecast.ScopeForecast> f = new SpendForecast(ledger, incidents).forecast(List.of(), b.scope(), CostBasis.EFFECTIVE,
                    today, remainingDays, 0.8);
            // the rest of the period (from today): the forecast's total and the total's own interval. Today counts at no
            // less than is spent so far: where that is more than its forecast, the total and both bounds move up by the
            // excess, and the low end is never below what is spent
            BigDecimal[] sum = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
            for (SpendForecast.ScopeForecast s : f) {
                if (!s.currency().equals(cur)) continue;
                BigDecimal excess = todaySoFar.subtract(s.days().get(0).expected().amount()).max(BigDecimal.ZERO);
                sum[0] = sum[0].add(s.total().amount()).add(excess);
                sum[1] = sum[1].add(s.totalLow().amount()).add(excess);
                sum[2] = sum[2].add(s.totalHigh().amount()).add(excess);
            }
            if (f.stream().anyMatch(s -> s.currency().equals(cur))) {
                fc = before.add(sum[0]);
                lo = before.add(sum[1]).max(spent);
                hi = before.add(sum[2]);
            }
        }
        BigDecimal reserved = reservations.reserved(b, start, end).amount();
        BigDecimal remaining = b.amount().amount().subtract(spent).subtract(reserved);
        BigDecimal days = burn.signum() == 0 ? null
                : remaining.signum() <= 0 ? BigDecimal.ZERO : remaining.divide(burn, 1, RoundingMode.HALF_EVEN);
        BigDecimal pct = spent.multiply(BigDecimal.valueOf(100)).divide(b.amount().amount(), 2, RoundingMode.HALF_EVEN);
        List<Budget.Threshold> crossed = new ArrayList<>();
        for (Budget.Threshold t : b.thresholds()) {
            BigDecimal limit = b.amount().amount().multiply(t.percent()).divide(BigDecimal.valueOf(100), 10, RoundingMode.HALF_EVEN);
            BigDecimal against = t.basis() == Budget.Basis.ACTUAL ? spent.add(reserved) : fc;
            if (against.compareTo(limit) >= 0) crossed.add(t);
        }
        return new BudgetStatus(b, start, end, asOf, m(spent, cur), m(reserved, cur), m(fc, cur), m(lo, cur), m(hi, cur),
                m(remaining, cur), m(burn, cur), days, pct, List.copyOf(crossed));
    }

    /** Effective cost in the budget's scope and currency over [from, to). */
    public BigDecimal spend(Budget b, LocalDate from, LocalDate to) {
        if (!to.isAfter(from)) return BigDecimal.ZERO;
        return ledger.costs(new CostQuery(List.of(), from, to, Granularity.NONE, CostBasis.EFFECTIVE, b.scope()))
                .totals().getOrDefault(b.amount().currency(), BigDecimal.ZERO);
    }

    private static Money m(BigDecimal v, String currency) {
        return new Money(v, currency);
    }
}

package dev.burnrate.forecast;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Forecasts daily spend per scope from the ledger: one series per group (and currency), days without charges
 * count as zero, history up to {@code asOf} (exclusive). Amounts are rounded to cents at this boundary.
 */
public final class SpendForecast {
    private final CostLedger ledger;
    private final KnownIncidents incidents;
    private final DailyForecaster forecaster = new DailyForecaster();

    public SpendForecast(CostLedger ledger) {
        this(ledger, KnownIncidents.none());
    }

    /** Forecasts that take the incidents' days at what was expected of them, where a scope is one value of one dimension. */
    public SpendForecast(CostLedger ledger, KnownIncidents incidents) {
        this.ledger = ledger;
        this.incidents = incidents;
    }

    public record Day(LocalDate date, Money expected, Money low, Money high) {
    }

    /** One scope: the group keys, the last 30 days actually spent, and the projection. */
    public record ScopeForecast(List<String> keys, String currency, Money last30Days, List<Day> days, Money total,
                                Money totalLow, Money totalHigh) {
    }

    /** Daily series per group and currency, from the first charge day to the day before {@code asOf}. */
    public Map<List<String>, double[]> series(List<Field> groupBy, Map<Field, List<String>> filters, CostBasis basis,
                                              LocalDate asOf, LocalDate[] firstDayOut) {
        CostReport r = ledger.costs(new CostQuery(groupBy, null, asOf, Granularity.DAY, basis, filters));
        LocalDate first = r.rows().stream().map(CostReport.Row::period).min(LocalDate::compareTo).orElse(asOf.minusDays(1));
        int n = (int) ChronoUnit.DAYS.between(first, asOf);
        Map<List<String>, double[]> out = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        for (CostReport.Row row : r.rows()) {
            List<String> key = new ArrayList<>(row.keys());
            key.add(row.cost().currency());
            double[] v = out.computeIfAbsent(key, k -> new double[n]);
            v[(int) ChronoUnit.DAYS.between(first, row.period())] += row.cost().amount().doubleValue();
        }
        firstDayOut[0] = first;
        return out;
    }

    public List<ScopeForecast> forecast(List<Field> groupBy, Map<Field, List<String>> filters, CostBasis basis, LocalDate asOf,
                                        int horizon, double coverage) {
        LocalDate[] first = new LocalDate[1];
        Map<List<String>, double[]> all = series(groupBy, filters, basis, asOf, first);
        List<ScopeForecast> out = new ArrayList<>();
        int dow = first[0].getDayOfWeek().getValue() - 1;
        Field dim = incidentDimension(groupBy, filters);
        // anomalies are found on effective cost: another basis is forecast from the bill as it is
        List<KnownIncidents.Day> known = dim == null || basis != CostBasis.EFFECTIVE || all.isEmpty() ? List.of()
                : incidents.days(dim, first[0], asOf);
        for (Map.Entry<List<String>, double[]> e : all.entrySet()) {
            double[] y = e.getValue();
            String currency = e.getKey().get(e.getKey().size() - 1);
            List<String> keys = e.getKey().subList(0, e.getKey().size() - 1);
            String value = dim == null ? null : groupBy.isEmpty() ? filters.get(dim).get(0) : keys.get(0);
            if (value != null) withoutIncidents(y, first[0], known, value, currency);
            DailyForecaster.Projection projection = forecaster.project(y, dow, horizon, coverage);
            DailyForecaster.Point[] p = projection.days();
            List<Day> days = new ArrayList<>();
            BigDecimal tot = BigDecimal.ZERO;
            for (DailyForecaster.Point pt : p) {
                BigDecimal ex = cents(pt.expected());
                days.add(new Day(asOf.plusDays(pt.dayOffset() - 1), new Money(ex, currency), new Money(cents(pt.low()), currency),
                        new Money(cents(pt.high()), currency)));
                tot = tot.add(ex);
            }
            // the total's own interval, not the sum of the daily bounds (every day at its bound at once)
            BigDecimal lo = cents(projection.totalLow()).min(tot);
            BigDecimal hi = cents(projection.totalHigh()).max(tot);
            out.add(new ScopeForecast(List.copyOf(keys), currency, lastDays(groupBy, keys, filters, basis, asOf, currency), days,
                    new Money(tot, currency), new Money(lo, currency), new Money(hi, currency)));
        }
        return out;
    }

    /**
     * The dimension whose incidents a forecast's scopes can take out: where each scope is one value of one dimension
     * (grouped by it alone, or filtered to one value of it with no grouping: a team's budget); null otherwise (a team
     * and a model together, two teams: incidents are found per value of one dimension).
     */
    private static Field incidentDimension(List<Field> groupBy, Map<Field, List<String>> filters) {
        if (groupBy.size() == 1 && filters.keySet().stream().allMatch(groupBy.get(0)::equals)) return groupBy.get(0);
        if (groupBy.isEmpty() && filters.size() == 1 && filters.values().iterator().next().size() == 1) return filters.keySet().iterator().next();
        return null;
    }

    /**
     * Takes the scope's one-day incidents at what was expected of them: an incident's day whose next day came back at
     * least halfway to what was expected (a runaway of 34,153.89 against 2,051.60, then a day of 4,804.66). The first
     * day of a change that lasts stays (the next day is nearer the change: the forecast has to learn the new level),
     * and so does an incident on the last day of the history (whether it lasts is not known yet).
     */
    private static void withoutIncidents(double[] y, LocalDate first, List<KnownIncidents.Day> known, String value, String currency) {
        for (KnownIncidents.Day d : known) {
            if (!d.value().equals(value) || !d.currency().equals(currency)) continue;
            long i = ChronoUnit.DAYS.between(first, d.day());
            if (i < 0 || i + 1 >= y.length) continue;
            double next = y[(int) i + 1];
            if (Math.abs(next - d.expected().doubleValue()) < Math.abs(next - d.actual().doubleValue())) y[(int) i] = d.expected().doubleValue();
        }
    }

    /** Exact spend of one scope over the 30 days before {@code asOf}, from the ledger (not from the model's doubles). */
    private Money lastDays(List<Field> groupBy, List<String> keys, Map<Field, List<String>> filters, CostBasis basis, LocalDate asOf,
                           String currency) {
        Map<Field, List<String>> f = new LinkedHashMap<>(filters);
        for (int i = 0; i < groupBy.size(); i++) {
            if (keys.get(i) != null) f.put(groupBy.get(i), List.of(keys.get(i)));
        }
        java.math.BigDecimal v = ledger.costs(new CostQuery(List.of(), asOf.minusDays(30), asOf, Granularity.NONE, basis, f))
                .totals().getOrDefault(currency, java.math.BigDecimal.ZERO);
        return new Money(v, currency);
    }

    /** Backtests every scope's series from the ledger against the run-rate baseline. */
    public Backtest.Summary backtest(List<Field> groupBy, Map<Field, List<String>> filters, CostBasis basis, LocalDate asOf,
                                     int horizon, double coverage) {
        LocalDate[] first = new LocalDate[1];
        Map<List<String>, double[]> all = series(groupBy, filters, basis, asOf, first);
        int dow = first[0].getDayOfWeek().getValue() - 1;
        List<Backtest.Score> scores = new ArrayList<>();
        Map<List<String>, double[]> ordered = new LinkedHashMap<>(all);
        ordered.forEach((k, y) -> scores.add(Backtest.run(String.join("/", k), y, dow, horizon,
                Math.max(14, Math.min(28, y.length - horizon)), 7, coverage)));
        return Backtest.summarise(scores);
    }

    private static BigDecimal cents(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN);
    }
}

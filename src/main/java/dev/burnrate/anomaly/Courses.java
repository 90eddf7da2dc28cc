package dev.burnrate.anomaly;

import dev.burnrate.forecast.DailyForecaster;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How long each day's anomaly lasted and what it cost to date ({@link Course}), from the scope's bill after it
 * against the forecast made the evening before it.
 */
final class Courses {
    private final CostLedger ledger;
    private final AnomalyStore store;
    private final Clock clock;
    private final DailyForecaster dayForecaster = new DailyForecaster();

    Courses(CostLedger ledger, AnomalyStore store, Clock clock) {
        this.ledger = ledger;
        this.store = store;
        this.clock = clock;
    }

    /**
     * The course of a day's anomaly up to the last day the bills reach: the days from its own on which the scope's spend
     * stayed outside the band the forecast made the evening before it expected of each (above it for a rise), and the
     * impact over them against each day's expected amount. The detector learns a new level within days (the untagged cluster's next days are not anomalies
     * any more), but the money keeps going: on the demo loaded on 2026-12-04 the cluster's incident is +12,149 on its
     * first day and about 81,000 over the nine days it has run, and still running. Ongoing when the spend has not come back by the last billed day.
     * Empty for an hour's anomaly (an hour's course is its day's).
     */
    Optional<Course> course(CostAnomaly a) {
        return Optional.ofNullable(courses(List.of(a)).get(a.id()));
    }

    /** {@link #course} of many anomalies (a listing), with one ledger query per dimension; keyed by anomaly id. */
    Map<String, Course> courses(List<CostAnomaly> anomalies) {
        Map<String, Course> out = new java.util.HashMap<>();
        LocalDate today = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
        LocalDate end = ledger.billedThrough().map(t -> LocalDate.ofInstant(t, java.time.ZoneOffset.UTC)).filter(b -> b.isBefore(today)).orElse(today);
        Map<String, List<CostAnomaly>> byDimension = new TreeMap<>();
        for (CostAnomaly a : anomalies) if (a.hour() == null) byDimension.computeIfAbsent(a.dimension(), k -> new ArrayList<>()).add(a);
        if (byDimension.isEmpty()) return out;
        // earlier anomalies' days are taken at what was expected of them: a runaway in the history must not widen the
        // band a later incident's days are held against. One read of the store for every dimension: (dimension, value,
        // currency, day) -> expected
        Map<List<String>, BigDecimal> usual = new java.util.HashMap<>();
        LocalDate earliest = byDimension.values().stream().flatMap(List::stream).map(CostAnomaly::day).min(LocalDate::compareTo).orElseThrow()
                .minusDays(COURSE_HISTORY_DAYS);
        if (end.isAfter(earliest)) {
            for (CostAnomaly x : store.list(earliest, end, Integer.MAX_VALUE)) {
                if (incidentDay(x)) usual.put(List.of(x.dimension(), x.value(), x.currency(), x.day().toString()), x.expected());
            }
        }
        for (Map.Entry<String, List<CostAnomaly>> e : byDimension.entrySet()) {
            Field dim = Field.parse(e.getKey()).orElse(null);
            if (dim == null) continue;
            LocalDate first = e.getValue().stream().map(CostAnomaly::day).min(LocalDate::compareTo).orElseThrow();
            Map<List<String>, BigDecimal> daily = new java.util.HashMap<>(); // (value, currency, day) -> spend
            Map<List<String>, LocalDate> billedFrom = new java.util.HashMap<>(); // (value, currency) -> its first day in the window
            LocalDate since = first.minusDays(COURSE_HISTORY_DAYS);
            if (end.isAfter(since)) {
                for (CostReport.Row row : ledger.costs(new CostQuery(List.of(dim), since, end, Granularity.DAY, CostBasis.EFFECTIVE,
                        Map.of(dim, e.getValue().stream().map(CostAnomaly::value).distinct().toList()))).rows()) {
                    String value = String.valueOf(row.keys().get(0));
                    daily.merge(List.of(value, row.cost().currency(), row.period().toString()), row.cost().amount(), BigDecimal::add);
                    billedFrom.merge(List.of(value, row.cost().currency()), row.period(), (x, y) -> x.isBefore(y) ? x : y);
                }
            }
            for (CostAnomaly a : e.getValue()) {
                out.put(a.id(), course(a, daily, usual, billedFrom.getOrDefault(List.of(a.value(), a.currency()), a.day()), end));
            }
        }
        return out;
    }

    /** Days of history the course's forecast is made from (at most; fewer where the bills start later): half a year. */
    private static final int COURSE_HISTORY_DAYS = 182;

    /**
     * Each day after the anomaly's is compared with what the forecast made the evening before the anomaly expected of
     * it (its weekday, its interval widening with the days ahead): a rise goes on while a day stays above that
     * interval (a drop, below it), and adds its excess over that day's expected amount. The forecast is made from up
     * to {@link #COURSE_HISTORY_DAYS} days of the scope's own bill, earlier anomalies' days taken at their expected
     * amount; its weights are chosen for the days ahead, so its first day can differ a little from the anomaly's own
     * expected amount (a day-ahead forecast from the whole history), which the anomaly's day keeps. Against the first day's expected amount and band,
     * a Wednesday's, the untagged cluster's weekend days read 8,000 above a usual Saturday as back to normal, and its
     * Sundays were charged a weekday's baseline.
     */
    private Course course(CostAnomaly a, Map<List<String>, BigDecimal> daily, Map<List<String>, BigDecimal> usualOn, LocalDate dataFrom,
                          LocalDate end) {
        BigDecimal impact = a.impact();
        LocalDate through = a.day();
        boolean ongoing = true;
        int ahead = (int) ChronoUnit.DAYS.between(a.day(), end); // the anomaly's day and the days after it the bills reach
        LocalDate from = a.day().minusDays(COURSE_HISTORY_DAYS);
        if (from.isBefore(dataFrom)) from = dataFrom;
        int n = (int) ChronoUnit.DAYS.between(from, a.day());
        DailyForecaster.Point[] expected = null;
        if (ahead > 1 && n > 0) {
            double[] history = new double[n];
            for (int i = 0; i < n; i++) {
                String day = from.plusDays(i).toString();
                BigDecimal v = usualOn.getOrDefault(List.of(a.dimension(), a.value(), a.currency(), day), daily.get(List.of(a.value(), a.currency(), day)));
                if (v != null) history[i] = v.doubleValue();
            }
            expected = dayForecaster.forecast(history, from.getDayOfWeek().getValue() - 1, ahead, CostAnomalies.BAND_COVERAGE);
        }
        for (LocalDate d = a.day().plusDays(1); d.isBefore(end); d = d.plusDays(1)) {
            // exact, as the anomaly's own actual: the impact to date is the bill's, not a sum of rounded days
            BigDecimal actual = daily.getOrDefault(List.of(a.value(), a.currency(), d.toString()), BigDecimal.ZERO);
            DailyForecaster.Point p = expected == null ? null : expected[(int) ChronoUnit.DAYS.between(a.day(), d)];
            BigDecimal usual = p == null ? a.expected() : CostAnomalies.money(p.expected());
            boolean outside = a.impact().signum() >= 0 ? actual.compareTo(p == null ? a.high() : CostAnomalies.money(p.high())) > 0
                    : actual.compareTo(p == null ? a.low() : CostAnomalies.money(p.low())) < 0;
            if (!outside) {
                ongoing = false;
                break;
            }
            impact = impact.add(actual.subtract(usual));
            through = d;
        }
        return new Course(a.day(), through, (int) ChronoUnit.DAYS.between(a.day(), through) + 1, impact, ongoing);
    }

    /**
     * Whether a stored anomaly's day counts as an incident in the history a forecast is made from (the course's, and
     * {@code burnrate forecast}'s): a day's, and not one people called a false positive or that their verdict on the
     * scope suppressed (then the day is what the scope spends).
     */
    static boolean incidentDay(CostAnomaly a) {
        return a.hour() == null && !a.suppressed() && !"false_positive".equals(a.feedback());
    }
}

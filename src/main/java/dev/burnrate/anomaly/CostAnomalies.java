package dev.burnrate.anomaly;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
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
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anomaly detection on the ledger's daily cost series.
 * <ol>
 *   <li>For each monitored dimension, one daily effective-cost series per value and currency (missing days are 0).</li>
 *   <li>Each day in the window is judged causally by {@link SeriesDetector} (weekly season) from the days before it.</li>
 *   <li>A flagged day is kept only if its dollar impact and its change in percent pass the thresholds (as AWS Cost
 *       Anomaly Detection's subscriptions do): small or relative-only blips stay out.</li>
 *   <li>Root cause: the day's spend in the scope broken down by the other dimensions, against the same weekday of
 *       the previous four weeks; the values that carry the difference, with their dollars.</li>
 *   <li>Feedback of false_positive or expected on a scope suppresses its anomalies for the next 7 days.</li>
 * </ol>
 */
public final class CostAnomalies {
    /** From burnrate.yaml's {@code anomalies:}: the smallest dollar impact and change in percent an anomaly needs. */
    public record Thresholds(BigDecimal minImpact, BigDecimal minPercent) {
        public static Thresholds defaults() {
            return new Thresholds(new BigDecimal("100"), new BigDecimal("20"));
        }
    }

    public record Settings(List<Field> monitored, List<Field> explainBy, BigDecimal minImpact, BigDecimal minPercent) {
        public static Settings defaults() {
            Thresholds t = Thresholds.defaults();
            return new Settings(fields("ServiceName", "SubAccountId", "RegionId", "team", "model"),
                    fields("ServiceName", "SubAccountId", "ResourceId", "team", "model", "project"),
                    t.minImpact(), t.minPercent());
        }

        public Settings with(Thresholds t) {
            return new Settings(monitored, explainBy, t.minImpact(), t.minPercent());
        }

        static List<Field> fields(String... names) {
            List<Field> out = new ArrayList<>();
            for (String n : names) out.add(Field.parse(n).orElseThrow());
            return List.copyOf(out);
        }
    }

    private final CostLedger ledger;
    private final AnomalyStore store;
    private final Alerts alerts;
    private final Settings settings;
    private final java.time.Clock clock;
    private final SeriesDetector detector = new SeriesDetector(SeriesDetector.Settings.defaults());

    public CostAnomalies(CostLedger ledger, AnomalyStore store, Alerts alerts, Settings settings, java.time.Clock clock) {
        this.clock = clock;
        this.ledger = ledger;
        this.store = store;
        this.alerts = alerts;
        this.settings = settings;
    }

    /**
     * Judges every day in [from, to) that has ended and that the bills reach (today's charges so far are a part of a
     * day, and a day whose bill has not arrived yet is not a day without spend: both would read as a drop); stores what
     * it finds and raises alerts for those not suppressed.
     */
    public List<CostAnomaly> detect(LocalDate from, LocalDate to) {
        LocalDate today = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
        if (to.isAfter(today)) to = today;
        LocalDate billed = ledger.billedThrough().map(t -> LocalDate.ofInstant(t, java.time.ZoneOffset.UTC)).orElse(from);
        if (to.isAfter(billed)) to = billed;
        if (!to.isAfter(from)) return List.of();
        List<CostAnomaly> found = new ArrayList<>();
        for (Field dim : settings.monitored()) {
            CostReport r = ledger.costs(new CostQuery(List.of(dim), null, to, Granularity.DAY, CostBasis.EFFECTIVE, Map.of()));
            if (r.rows().isEmpty()) continue;
            LocalDateTime first = r.rows().stream().map(CostReport.Row::period).min(LocalDate::compareTo).orElseThrow().atStartOfDay();
            Slots slots = new Slots(first, ChronoUnit.DAYS, (int) ChronoUnit.DAYS.between(first.toLocalDate(), to), 7,
                    settings.minImpact(), (int) Math.max(0, ChronoUnit.DAYS.between(first.toLocalDate(), from)));
            Series series = new Series();
            for (CostReport.Row row : r.rows()) series.add(slots, row.period().atStartOfDay(), row.keys().get(0), row.cost());
            judge(dim, series, slots, found);
        }
        return sorted(found);
    }

    /**
     * Judges every hour in [from, to) against the 14 days before it (a daily season), with the dollar threshold
     * scaled to an hour (a 24th of the daily one): a runaway job is seen within the hour, not the next morning.
     */
    public List<CostAnomaly> detectHourly(LocalDateTime from, LocalDateTime to) {
        LocalDateTime thisHour = LocalDateTime.now(clock.withZone(java.time.ZoneOffset.UTC)).truncatedTo(ChronoUnit.HOURS);
        if (to.isAfter(thisHour)) to = thisHour; // the hour under way is not judged: it has not ended
        LocalDateTime billed = ledger.billedThrough().map(t -> LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS)).orElse(from);
        if (to.isAfter(billed)) to = billed; // nor an hour the bills do not reach yet
        if (!to.isAfter(from)) return List.of();
        List<CostAnomaly> found = new ArrayList<>();
        LocalDateTime first = from.minusDays(14);
        int n = (int) ChronoUnit.HOURS.between(first, to);
        BigDecimal minImpact = settings.minImpact().divide(BigDecimal.valueOf(24), 2, RoundingMode.HALF_EVEN);
        for (Field dim : settings.monitored()) {
            List<CostLedger.HourRow> rows = ledger.hourly(List.of(dim), first, to, Map.of(), CostBasis.EFFECTIVE);
            if (rows.isEmpty()) continue;
            Slots slots = new Slots(first, ChronoUnit.HOURS, n, 24, minImpact, (int) ChronoUnit.HOURS.between(first, from));
            Series series = new Series();
            for (CostLedger.HourRow row : rows) series.add(slots, row.hour(), row.keys().get(0), row.cost());
            judge(dim, series, slots, found);
        }
        return sorted(found);
    }

    /** Time slots of a series: its first slot, unit, length, season, the smallest impact that counts, the first slot judged. */
    private record Slots(LocalDateTime first, ChronoUnit unit, int length, int period, BigDecimal minImpact, int judgeFrom) {
        int index(LocalDateTime t) {
            return (int) unit.between(first, t);
        }

        LocalDateTime at(int i) {
            return first.plus(i, unit);
        }
    }

    /**
     * Per (value, currency): the series as doubles for the detector (an estimate needs no exactness) and the
     * exact amounts, which are what an anomaly reports as actual.
     */
    private static final class Series {
        final Map<List<String>, double[]> values = new TreeMap<>(Comparator.comparing(Object::toString));
        final Map<List<String>, BigDecimal[]> exact = new TreeMap<>(Comparator.comparing(Object::toString));

        void add(Slots slots, LocalDateTime t, String key, dev.burnrate.ledger.Money cost) {
            if (key == null) return; // a FOCUS column left empty; untagged spend of a dimension arrives as __unallocated__
            int i = slots.index(t);
            if (i < 0 || i >= slots.length()) return;
            List<String> k = List.of(key, cost.currency());
            values.computeIfAbsent(k, x -> new double[slots.length()])[i] += cost.amount().doubleValue();
            BigDecimal[] ex = exact.computeIfAbsent(k, x -> new BigDecimal[slots.length()]);
            ex[i] = ex[i] == null ? cost.amount() : ex[i].add(cost.amount());
        }
    }

    private void judge(Field dim, Series series, Slots slots, List<CostAnomaly> found) {
        boolean hourly = slots.unit() == ChronoUnit.HOURS;
        for (Map.Entry<List<String>, double[]> e : series.values.entrySet()) {
            double[] y = e.getValue();
            BigDecimal[] exact = series.exact.get(e.getKey());
            SeriesDetector.Scores s = detector.score(y, slots.period());
            for (int t = Math.max(0, slots.judgeFrom()); t < y.length; t++) {
                if (!s.anomaly()[t]) continue;
                BigDecimal actual = exact[t] == null ? BigDecimal.ZERO.setScale(2) : exact[t];
                BigDecimal expected = money(Math.max(0, s.expected()[t]));
                BigDecimal impact = actual.subtract(expected);
                BigDecimal pct = expected.signum() == 0 ? BigDecimal.valueOf(100)
                        : impact.abs().multiply(BigDecimal.valueOf(100)).divide(expected, 2, RoundingMode.HALF_EVEN);
                if (impact.abs().compareTo(slots.minImpact()) < 0 || pct.compareTo(settings.minPercent()) < 0) continue;
                LocalDateTime at = slots.at(t);
                String value = e.getKey().get(0);
                String currency = e.getKey().get(1);
                double band = 3 * s.scale()[t];
                String severity = impact.abs().compareTo(slots.minImpact().multiply(BigDecimal.TEN)) >= 0 && s.score()[t] >= 0.7
                        ? "page" : "ticket";
                Integer hour = hourly ? at.getHour() : null;
                boolean suppressed = store.dismissedRecently(dim.name(), value, at.toLocalDate().minusDays(7), at.toLocalDate().plusDays(hourly ? 1 : 0));
                List<CostAnomaly.Contributor> cause = hourly
                        ? rootCauseHourly(dim, value, currency, at, impact.signum() >= 0 ? 1 : -1)
                        : rootCause(dim, value, currency, at.toLocalDate(), impact.signum() >= 0 ? 1 : -1);
                CostAnomaly a = new CostAnomaly(CostAnomaly.key(dim.name(), value, currency, at.toLocalDate(), hour), at.toLocalDate(), hour,
                        dim.name(), value, currency, actual, expected, money(Math.max(0, s.expected()[t] - band)),
                        money(s.expected()[t] + band), impact, s.score()[t], severity, cause, null, suppressed);
                store.save(a);
                found.add(store.find(a.id()).orElse(a));
                if (!suppressed && alerts != null) raise(a);
            }
        }
    }

    private static List<CostAnomaly> sorted(List<CostAnomaly> found) {
        found.sort(Comparator.comparing(CostAnomaly::impact, Comparator.comparing(BigDecimal::abs)).reversed());
        return found;
    }

    /** The hour broken down by the other dimensions against the same hour of the previous 7 days. */
    List<CostAnomaly.Contributor> rootCauseHourly(Field dim, String value, String currency, LocalDateTime hour, int sign) {
        List<CostAnomaly.Contributor> all = new ArrayList<>();
        for (Field by : settings.explainBy()) {
            if (by.equals(dim)) continue;
            Map<String, BigDecimal> now = new TreeMap<>();
            Map<String, BigDecimal> before = new TreeMap<>();
            for (CostLedger.HourRow row : ledger.hourly(List.of(by), hour.minusDays(7), hour.plusHours(1), Map.of(dim, List.of(value)), CostBasis.EFFECTIVE)) {
                if (!row.cost().currency().equals(currency)) continue;
                String k = row.keys().get(0) == null ? "(none)" : row.keys().get(0);
                if (row.hour().equals(hour)) now.merge(k, row.cost().amount(), BigDecimal::add);
                else if (row.hour().getHour() == hour.getHour()) before.merge(k, row.cost().amount(), BigDecimal::add);
            }
            contributors(by, now, before, 7, all);
        }
        return top(all, sign);
    }

    private static void contributors(Field by, Map<String, BigDecimal> now, Map<String, BigDecimal> before, int periods,
                                     List<CostAnomaly.Contributor> out) {
        java.util.Set<String> keys = new java.util.TreeSet<>(now.keySet());
        keys.addAll(before.keySet());
        for (String k : keys) {
            BigDecimal base = before.getOrDefault(k, BigDecimal.ZERO).divide(BigDecimal.valueOf(periods), 2, RoundingMode.HALF_EVEN);
            BigDecimal act = now.getOrDefault(k, BigDecimal.ZERO).setScale(2, RoundingMode.HALF_EVEN);
            out.add(new CostAnomaly.Contributor(by.name(), k, act, base, act.subtract(base)));
        }
    }

    /**
     * The values that move in the anomaly's direction, the one that explains the change best first: its dollars
     * weighted by how much of the value is new (delta / the larger of actual and baseline). A broad value that merely
     * carries the change (all of EC2, the whole account) ranks below the narrow one that is the change (the runaway
     * model, the untagged resources); the 6 best overall.
     */
    private static List<CostAnomaly.Contributor> top(List<CostAnomaly.Contributor> all, int sign) {
        return all.stream().filter(c -> c.delta().signum() == sign && c.delta().abs().compareTo(BigDecimal.ONE) >= 0)
                .sorted(Comparator.comparing(CostAnomalies::explains).reversed()
                        .thenComparing(CostAnomaly.Contributor::dimension))
                .limit(6).toList();
    }

    /** Dollars of change times the share of the value that is change: delta² / max(|actual|, |baseline|). */
    static BigDecimal explains(CostAnomaly.Contributor c) {
        BigDecimal d = c.delta().abs();
        BigDecimal size = c.actual().abs().max(c.baseline().abs());
        return size.signum() == 0 ? BigDecimal.ZERO : d.multiply(d).divide(size, java.math.MathContext.DECIMAL64);
    }

    private void raise(CostAnomaly a) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("scope", a.dimension() + "=" + a.value());
        d.put(a.hour() == null ? "day" : "hour", a.when());
        String cur = a.currency();
        d.put("actual", Money.display(a.actual(), cur) + " " + cur);
        d.put("expected", Money.display(a.expected(), cur) + " " + cur + " (" + Money.display(a.low(), cur) + " - " + Money.display(a.high(), cur) + ")");
        d.put("impact", Money.display(a.impact(), cur) + " " + cur);
        if (a.dimension().equals("team")) d.put("team", a.value()); // who may see the alert
        int i = 1;
        for (CostAnomaly.Contributor c : a.rootCause()) {
            d.put("cause " + i++, c.dimension() + "=" + c.value() + " " + signed(c.delta(), cur) + " " + cur);
        }
        String top = a.rootCause().isEmpty() ? "" : " (mostly " + a.rootCause().get(0).dimension() + "=" + a.rootCause().get(0).value() + ")";
        alerts.raise("anomaly", a.severity().equals("page") ? Alert.Severity.PAGE : Alert.Severity.TICKET, "anomaly:" + a.id(),
                "Spend anomaly " + a.dimension() + "=" + a.value() + " on " + a.when() + ": " + signed(a.impact(), cur) + " " + cur + top,
                "Actual " + Money.display(a.actual(), cur) + " against an expected " + Money.display(a.expected(), cur) + " " + cur + ".",
                d, "/anomalies?id=" + java.net.URLEncoder.encode(a.id(), java.nio.charset.StandardCharsets.UTF_8),
                "Check the top contributors; stop runaway jobs, or mark the anomaly 'expected' to silence this scope for 7 days.", List.of());
    }

    /** The day broken down by the other dimensions against the same weekday of the last 4 weeks. */
    List<CostAnomaly.Contributor> rootCause(Field dim, String value, String currency, LocalDate day, int sign) {
        List<CostAnomaly.Contributor> all = new ArrayList<>();
        for (Field by : settings.explainBy()) {
            if (by.equals(dim)) continue;
            CostReport r = ledger.costs(new CostQuery(List.of(by), day.minusDays(28), day.plusDays(1), Granularity.DAY,
                    CostBasis.EFFECTIVE, Map.of(dim, List.of(value))));
            Map<String, BigDecimal> today = new TreeMap<>();
            Map<String, BigDecimal> before = new TreeMap<>();
            for (CostReport.Row row : r.rows()) {
                if (!row.cost().currency().equals(currency)) continue;
                String k = row.keys().get(0) == null ? "(none)" : row.keys().get(0);
                if (row.period().equals(day)) today.merge(k, row.cost().amount(), BigDecimal::add);
                else if (ChronoUnit.DAYS.between(row.period(), day) % 7 == 0) before.merge(k, row.cost().amount(), BigDecimal::add);
            }
            contributors(by, today, before, 4, all);
        }
        return top(all, sign);
    }

    private static BigDecimal money(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN);
    }

    private static String signed(BigDecimal v, String currency) {
        return (v.signum() >= 0 ? "+" : "") + Money.display(v, currency);
    }
}

package dev.burnrate.anomaly;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
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
    public record Settings(List<Field> monitored, List<Field> explainBy, BigDecimal minImpact, BigDecimal minPercent) {
        public static Settings defaults() {
            return new Settings(fields("ServiceName", "SubAccountId", "RegionId", "team", "model"),
                    fields("ServiceName", "SubAccountId", "ResourceId", "team", "model", "project"),
                    new BigDecimal("100"), new BigDecimal("20"));
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
    private final SeriesDetector detector = new SeriesDetector(SeriesDetector.Settings.defaults());

    public CostAnomalies(CostLedger ledger, AnomalyStore store, Alerts alerts, Settings settings) {
        this.ledger = ledger;
        this.store = store;
        this.alerts = alerts;
        this.settings = settings;
    }

    /** Judges every day in [from, to); stores what it finds and raises alerts for those not suppressed. */
    public List<CostAnomaly> detect(LocalDate from, LocalDate to) {
        List<CostAnomaly> found = new ArrayList<>();
        for (Field dim : settings.monitored()) {
            CostReport r = ledger.costs(new CostQuery(List.of(dim), null, to, Granularity.DAY, CostBasis.EFFECTIVE, Map.of()));
            if (r.rows().isEmpty()) continue;
            LocalDate first = r.rows().stream().map(CostReport.Row::period).min(LocalDate::compareTo).orElseThrow();
            int n = (int) ChronoUnit.DAYS.between(first, to);
            Map<List<String>, double[]> series = new TreeMap<>(Comparator.comparing(Object::toString));
            for (CostReport.Row row : r.rows()) {
                if (row.keys().get(0) == null) continue;
                double[] v = series.computeIfAbsent(List.of(row.keys().get(0), row.cost().currency()), k -> new double[n]);
                v[(int) ChronoUnit.DAYS.between(first, row.period())] += row.cost().amount().doubleValue();
            }
            for (Map.Entry<List<String>, double[]> e : series.entrySet()) {
                double[] y = e.getValue();
                SeriesDetector.Scores s = detector.score(y, 7);
                for (int t = Math.max(0, (int) ChronoUnit.DAYS.between(first, from)); t < n; t++) {
                    if (!s.anomaly()[t]) continue;
                    BigDecimal actual = money(y[t]);
                    BigDecimal expected = money(Math.max(0, s.expected()[t]));
                    BigDecimal impact = actual.subtract(expected);
                    BigDecimal pct = expected.signum() == 0 ? BigDecimal.valueOf(100)
                            : impact.abs().multiply(BigDecimal.valueOf(100)).divide(expected, 2, RoundingMode.HALF_EVEN);
                    if (impact.abs().compareTo(settings.minImpact()) < 0 || pct.compareTo(settings.minPercent()) < 0) continue;
                    LocalDate day = first.plusDays(t);
                    String value = e.getKey().get(0);
                    String currency = e.getKey().get(1);
                    double band = SeriesDetector.Settings.defaults().zThreshold() * s.scale()[t];
                    String severity = impact.abs().compareTo(settings.minImpact().multiply(BigDecimal.TEN)) >= 0 && s.score()[t] >= 0.7
                            ? "page" : "ticket";
                    boolean suppressed = store.dismissedRecently(dim.name(), value, day.minusDays(7), day);
                    CostAnomaly a = new CostAnomaly(CostAnomaly.key(dim.name(), value, currency, day), day, dim.name(), value, currency,
                            actual, expected, money(Math.max(0, s.expected()[t] - band)), money(s.expected()[t] + band), impact,
                            s.score()[t], severity, rootCause(dim, value, currency, day, impact.signum() >= 0 ? 1 : -1), null, suppressed);
                    store.save(a);
                    found.add(store.find(a.id()).orElse(a));
                    if (!suppressed && alerts != null) raise(a);
                }
            }
        }
        found.sort(Comparator.comparing(CostAnomaly::impact, Comparator.comparing(BigDecimal::abs)).reversed());
        return found;
    }

    private void raise(CostAnomaly a) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("scope", a.dimension() + "=" + a.value());
        d.put("day", a.day().toString());
        d.put("actual", a.actual().toPlainString() + " " + a.currency());
        d.put("expected", a.expected().toPlainString() + " " + a.currency() + " (" + a.low().toPlainString() + " - " + a.high().toPlainString() + ")");
        d.put("impact", a.impact().toPlainString() + " " + a.currency());
        int i = 1;
        for (CostAnomaly.Contributor c : a.rootCause()) {
            d.put("cause " + i++, c.dimension() + "=" + c.value() + " " + signed(c.delta()) + " " + a.currency());
        }
        String top = a.rootCause().isEmpty() ? "" : " (mostly " + a.rootCause().get(0).dimension() + "=" + a.rootCause().get(0).value() + ")";
        alerts.raise("anomaly", a.severity().equals("page") ? Alert.Severity.PAGE : Alert.Severity.TICKET, "anomaly:" + a.id(),
                "Spend anomaly " + a.dimension() + "=" + a.value() + " on " + a.day() + ": " + signed(a.impact()) + " " + a.currency() + top,
                "Actual " + a.actual().toPlainString() + " against an expected " + a.expected().toPlainString() + " " + a.currency() + ".",
                d, "/anomalies/" + java.net.URLEncoder.encode(a.id(), java.nio.charset.StandardCharsets.UTF_8),
                "Check the top contributors; stop runaway jobs, or mark the anomaly 'expected' to silence this scope for 7 days.", List.of());
    }

    /** The values of each explaining dimension whose change against the same weekday of the last 4 weeks carries the delta. */
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
            java.util.Set<String> keys = new java.util.TreeSet<>(today.keySet());
            keys.addAll(before.keySet());
            for (String k : keys) {
                BigDecimal base = before.getOrDefault(k, BigDecimal.ZERO).divide(BigDecimal.valueOf(4), 2, RoundingMode.HALF_EVEN);
                BigDecimal act = today.getOrDefault(k, BigDecimal.ZERO).setScale(2, RoundingMode.HALF_EVEN);
                all.add(new CostAnomaly.Contributor(by.name(), k, act, base, act.subtract(base)));
            }
        }
        // per dimension, the values that move in the anomaly's direction, largest first; keep the 6 largest overall
        return all.stream().filter(c -> c.delta().signum() == sign && c.delta().abs().compareTo(BigDecimal.ONE) >= 0)
                .sorted(Comparator.comparing((CostAnomaly.Contributor c) -> c.delta().abs()).reversed()
                        .thenComparing(CostAnomaly.Contributor::dimension))
                .limit(6).toList();
    }

    private static BigDecimal money(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN);
    }

    private static String signed(BigDecimal v) {
        return (v.signum() >= 0 ? "+" : "") + v.toPlainString();
    }
}

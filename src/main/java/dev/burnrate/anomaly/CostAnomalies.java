package dev.burnrate.anomaly;

import dev.burnrate.anomaly.IncidentGrouping.Candidate;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.forecast.DailyForecaster;
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
import java.util.Optional;
import java.util.TreeMap;

/**
 * Anomaly detection on the ledger's daily cost series.
 * <ol>
 *   <li>For each monitored dimension, one daily effective-cost series per value and currency (missing days are 0).</li>
 *   <li>Each day in the window is judged causally by {@link SeriesDetector} (weekly season) from the days before it.</li>
 *   <li>A flagged day is kept only if its dollar impact and its change in percent pass the thresholds (as AWS Cost
 *       Anomaly Detection's subscriptions do): small or relative-only blips stay out. Its expected amount, which
 *       the impact is against, is the day's forecast from the days before it (see {@link #dayAhead}).</li>
 *   <li>Root cause: the day's spend in the scope broken down by the other dimensions, against the same weekday of
 *       the previous four weeks; the values that carry the difference, with their dollars.</li>
 *   <li>Feedback of false_positive or expected on a scope suppresses its anomalies for the 7 days after the verdict
 *       (or after the anomaly's day, if later).</li>
 * </ol>
 */
public final class CostAnomalies {
    /**
     * From burnrate.yaml's {@code anomalies:}: the smallest dollar impact and change in percent an anomaly needs, and
     * whether drops in spend count too (by default only rises do, as in AWS Cost Anomaly Detection: a drop costs
     * nothing, and a day whose bill has not arrived is not judged).
     */
    public record Thresholds(BigDecimal minImpact, BigDecimal minPercent, boolean decreases) {
        public static Thresholds defaults() {
            return new Thresholds(new BigDecimal("100"), new BigDecimal("20"), false);
        }
    }

    /**
     * What is watched (one series per value of each monitored dimension) and what explains a change, most specific
     * first (the order breaks ties between equally good explanations).
     */
    public record Settings(List<Field> monitored, List<Field> explainBy, Thresholds thresholds) {
        public static Settings defaults() {
            return new Settings(fields("ServiceName", "SubAccountId", "RegionId", "team", "model"),
                    fields("job", "ResourceId", "model", "project", "team", "ServiceName", "SubAccountId"), Thresholds.defaults());
        }

        public Settings with(Thresholds t) {
            return new Settings(monitored, explainBy, t);
        }

        BigDecimal minImpact() {
            return thresholds.minImpact();
        }

        BigDecimal minPercent() {
            return thresholds.minPercent();
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
    /**
     * A day's spend is the sum of many charges, so its residuals are much closer to normal than raw telemetry's: one
     * day is judged by a Student t of 7 degrees of freedom, not 3 (a tripled day of a series that varies by a quarter,
     * z = 8.5, is a one-in-17,000 day, not one in 300). An hour holds few charges (a job starting is a jump), so hours
     * keep the heavy tail of 3.
     */
    static final int DAILY_TAIL_DF = 7;
    // spend is not judged by the size of its own bursts at rest: a team idle most hours whose next run costs twice its
    // usual is the runaway to catch (the minimum impact and the 14-day peak already silence ordinary job starts). Nor is
    // a rise taken for the end of an earlier drop: drops are not reported by default, and spend that comes back to a
    // level it left (a torn-down cluster recreated) is money to report like any other rise. And the seasonal predictor's
    // own scale is taken only once it rests on a whole season of residuals (see SeriesDetector.Settings#seasonProven)
    private static final SeriesDetector.Settings SPEND = SeriesDetector.Settings.defaults().withRestFloor(false).withEndAtReturn(false)
            .withSettledStart(false).withSeasonProven(true);
    private final SeriesDetector detector = new SeriesDetector(SPEND.withTailDf(DAILY_TAIL_DF));
    private final SeriesDetector hourlyDetector = new SeriesDetector(SPEND);

    /** The settings spend is judged by: daily, then hourly (for tests). */
    List<SeriesDetector.Settings> detectorSettings() {
        return List.of(detector.settings(), hourlyDetector.settings());
    }

    private dev.burnrate.slo.ServiceEvents changes = dev.burnrate.slo.ServiceEvents.none();

    public CostAnomalies(CostLedger ledger, AnomalyStore store, Alerts alerts, Settings settings, java.time.Clock clock) {
        this.clock = clock;
        this.ledger = ledger;
        this.store = store;
        this.alerts = alerts;
        this.settings = settings;
        this.breakdowns = new Breakdowns(ledger, settings.explainBy());
        this.courses = new Courses(ledger, store, clock);
    }

    private final Breakdowns breakdowns;
    private final Courses courses;

    /**
     * The course of a day's anomaly up to the last day the bills reach (see {@link Courses}); empty for an hour's
     * anomaly (an hour's course is its day's).
     */
    public Optional<Course> course(CostAnomaly a) {
        return courses.course(a);
    }

    /** {@link #course} of many anomalies (a listing), with one ledger query per dimension; keyed by anomaly id. */
    public Map<String, Course> courses(List<CostAnomaly> anomalies) {
        return courses.courses(anomalies);
    }

    /** Deploys, rollbacks and config changes, offered as causes of the anomalies that start with them. */
    public CostAnomalies withChanges(dev.burnrate.slo.ServiceEvents events) {
        this.changes = events;
        return this;
    }

    /**
     * The deploys, rollbacks and config changes of the anomaly's models in the 24 hours before its period and during
     * it, oldest first: a candidate cause when a model's spend changes with a release (a new variant on bigger
     * instances, a config that turned batching off). The models are the scope's, if it is a model, and those among
     * its causes; an anomaly that names no model has none.
     */
    public List<dev.burnrate.slo.ServiceEvent> changesBefore(CostAnomaly a) {
        java.util.Set<String> models = new java.util.TreeSet<>();
        if (a.dimension().equals("model")) models.add(a.value());
        for (CostAnomaly.Contributor c : a.rootCause()) if (c.dimension().equals("model")) models.add(c.value());
        if (models.isEmpty()) return List.of();
        LocalDateTime start = a.day().atTime(a.hour() == null ? 0 : a.hour(), 0);
        LocalDateTime end = a.hour() == null ? start.plusDays(1) : start.plusHours(1);
        return changes.between(start.minusHours(24).toInstant(java.time.ZoneOffset.UTC), end.toInstant(java.time.ZoneOffset.UTC)).stream()
                .filter(e -> models.contains(e.model())).toList();
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
        List<Candidate> found = new ArrayList<>();
        for (Field dim : settings.monitored()) {
            CostReport r = ledger.costs(new CostQuery(List.of(dim), null, to, Granularity.DAY, CostBasis.EFFECTIVE, Map.of()));
            if (r.rows().isEmpty()) continue;
            LocalDateTime first = r.rows().stream().map(CostReport.Row::period).min(LocalDate::compareTo).orElseThrow().atStartOfDay();
            Slots slots = new Slots(first, ChronoUnit.DAYS, (int) ChronoUnit.DAYS.between(first.toLocalDate(), to), 7,
                    settings.minImpact(), settings.minImpact().multiply(BigDecimal.TEN), (int) Math.max(0, ChronoUnit.DAYS.between(first.toLocalDate(), from)));
            Series series = new Series();
            for (CostReport.Row row : r.rows()) series.add(slots, row.period().atStartOfDay(), row.keys().get(0), row.cost());
            judge(dim, series, slots, found);
        }
        retractStale(found, from, to);
        return settle(found);
    }

    /**
     * A scan's judgement of its days replaces the earlier one: a day's anomaly stored before and not found again (the
     * thresholds in burnrate.yaml were raised, drops are no longer watched, a late bill completed the day) is deleted,
     * unless people gave feedback on it, and the alert it raised is resolved and lets go of its dedup key (found again
     * later, it alerts again); otherwise a list keeps rows the
     * configuration says are not anomalies. It is done before the incidents are settled, so nothing found now
     * continues an incident that is going away. An anomaly that heads an incident which goes on in periods this scan
     * does not judge (an hour of it, or days outside the scan) is kept, with its alert: it is that incident's start.
     * Days only: a day's series starts at the ledger's first day, so the same bill gives the same verdict however often
     * it is judged, while an hour's series starts 14 days before the scan and a rescan an hour later may differ.
     */
    private void retractStale(List<Candidate> found, LocalDate from, LocalDate to) {
        java.util.Set<String> still = new java.util.HashSet<>();
        for (Candidate c : found) still.add(c.anomaly().id());
        List<CostAnomaly> stored = store.list(from.minusDays(7), to.plusDays(8), Integer.MAX_VALUE);
        java.util.function.Predicate<CostAnomaly> judged = a -> a.hour() == null && !a.day().isBefore(from) && a.day().isBefore(to);
        for (CostAnomaly a : stored) {
            if (!judged.test(a) || still.contains(a.id()) || a.feedback() != null) continue;
            boolean goesOn = stored.stream().anyMatch(m -> a.id().equals(m.incident()) && !m.id().equals(a.id()) && !judged.test(m));
            if (goesOn || !store.retract(a.id())) continue;
            // the anomaly is gone: its alert is resolved and lets go of its key, so finding it again later alerts again
            if (alerts != null && a.leadsIncident()) alerts.store().release("anomaly:" + a.id(), clock.instant(), "burnrate: no longer an anomaly at a rescan");
        }
    }

    /**
     * Judges every hour in [from, to) against the 14 days before it (a daily season), with the same dollar threshold
     * as a day: a runaway job is seen within the hour, not the next morning. An hour is judged alone, so a 24th of the
     * daily threshold (a deviation that would matter if it lasted all day) made tickets of a training run starting an
     * hour early ($9.53); one that lasts is the day's anomaly the next morning. A rise also has to pass the scope's
     * highest hour of those 14 days by the threshold (see {@link #abovePeak}).
     */
    public List<CostAnomaly> detectHourly(LocalDateTime from, LocalDateTime to) {
        LocalDateTime thisHour = LocalDateTime.now(clock.withZone(java.time.ZoneOffset.UTC)).truncatedTo(ChronoUnit.HOURS);
        if (to.isAfter(thisHour)) to = thisHour; // the hour under way is not judged: it has not ended
        LocalDateTime billed = ledger.billedThrough().map(t -> LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS)).orElse(from);
        if (to.isAfter(billed)) to = billed; // nor an hour the bills do not reach yet
        if (!to.isAfter(from)) return List.of();
        List<Candidate> found = new ArrayList<>();
        LocalDateTime first = from.minusDays(14);
        int n = (int) ChronoUnit.HOURS.between(first, to);
        BigDecimal minImpact = settings.minImpact();
        // a page is for what would be a paging day if it went on: ten times the daily threshold over 24 hours
        BigDecimal pageImpact = settings.minImpact().multiply(BigDecimal.TEN).divide(BigDecimal.valueOf(24), 2, RoundingMode.HALF_EVEN);
        for (Field dim : settings.monitored()) {
            List<CostLedger.HourRow> rows = ledger.hourly(List.of(dim), first, to, Map.of(), CostBasis.EFFECTIVE);
            if (rows.isEmpty()) continue;
            Slots slots = new Slots(first, ChronoUnit.HOURS, n, 24, minImpact, pageImpact, (int) ChronoUnit.HOURS.between(first, from));
            Series series = new Series();
            for (CostLedger.HourRow row : rows) series.add(slots, row.hour(), row.keys().get(0), row.cost());
            judge(dim, series, slots, found);
        }
        return settle(found);
    }

    /** Time slots of a series: its first slot, unit, length, season, the smallest impact that counts, the first slot judged. */
    private record Slots(LocalDateTime first, ChronoUnit unit, int length, int period, BigDecimal minImpact, BigDecimal pageImpact, int judgeFrom) {
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

    private void judge(Field dim, Series series, Slots slots, List<Candidate> found) {
        boolean hourly = slots.unit() == ChronoUnit.HOURS;
        for (Map.Entry<List<String>, double[]> e : series.values.entrySet()) {
            double[] y = e.getValue();
            BigDecimal[] exact = series.exact.get(e.getKey());
            SeriesDetector.Scores s = (hourly ? hourlyDetector : detector).score(y, slots.period());
            // days: the history the forecast of each flagged day is made from, with earlier one-day incidents taken at
            // what was expected of them: a runaway must not raise what the next one is measured against. One the next
            // day continues (a new cluster, a price rise) stays: it is the new usual spend the forecast has to learn.
            // Incidents up to CLEAN_DAYS before the judged days are taken out
            double[] usual = hourly ? null : y.clone();
            int from = Math.max(0, slots.judgeFrom());
            for (int t = hourly ? from : Math.max(0, from - CLEAN_DAYS); t < y.length; t++) {
                if (!s.anomaly()[t]) continue;
                // a day: its forecast and the forecast's 95% interval; an hour: the detector's expectation, 3 scales either side
                DailyForecaster.Point f = hourly ? null : dayAhead(usual, t, slots);
                double expectedValue = hourly ? s.expected()[t] : f.expected();
                double low = hourly ? expectedValue - 3 * s.scale()[t] : f.low();
                double high = hourly ? expectedValue + 3 * s.scale()[t] : f.high();
                if (!hourly && (t + 1 == y.length || !s.ongoing()[t + 1])) usual[t] = expectedValue;
                if (t < from) continue;
                BigDecimal actual = exact[t] == null ? BigDecimal.ZERO.setScale(2) : exact[t];
                BigDecimal expected = money(Math.max(0, expectedValue));
                BigDecimal impact = actual.subtract(expected);
                // the detector flagged the day on one side of its own expectation; a forecast on the other side of the
                // actual would report a rise it flagged as a drop, or a drop it flagged as a rise
                if (impact.signum() != (int) Math.signum(y[t] - s.expected()[t])) continue;
                if (impact.signum() < 0 && !settings.thresholds().decreases()) continue;
                BigDecimal pct = expected.signum() == 0 ? BigDecimal.valueOf(100)
                        : impact.abs().multiply(BigDecimal.valueOf(100)).divide(expected, 2, RoundingMode.HALF_EVEN);
                if (impact.abs().compareTo(slots.minImpact()) < 0 || pct.compareTo(settings.minPercent()) < 0) continue;
                if (hourly && impact.signum() > 0 && !abovePeak(exact, riseStart(y, s, t), t, actual, slots.minImpact(), settings.minPercent())) continue;
                LocalDateTime at = slots.at(t);
                String value = e.getKey().get(0);
                String currency = e.getKey().get(1);
                String severity = impact.abs().compareTo(slots.pageImpact()) >= 0 && s.score()[t] >= 0.7
                        ? "page" : "ticket";
                Integer hour = hourly ? at.getHour() : null;
                boolean suppressed = store.dismissedRecently(dim.name(), value, at.toLocalDate().minusDays(CostAnomaly.SILENCE_DAYS),
                        at.toLocalDate().plusDays(hourly ? 1 : 0));
                int sign = impact.signum() >= 0 ? 1 : -1;
                List<RootCause.Breakdown> breakdowns = (hourly ? this.breakdowns.ofHour(dim, value, currency, at) : this.breakdowns.ofDay(dim, value, currency, at.toLocalDate()))
                        .stream().map(b -> Breakdowns.atExpected(b, expected)).toList();
                CostAnomaly a = new CostAnomaly(CostAnomaly.key(dim.name(), value, currency, at.toLocalDate(), hour), at.toLocalDate(), hour,
                        dim.name(), value, currency, actual, expected, money(Math.max(0, low)),
                        money(high), impact, s.score()[t], severity, ofImpact(RootCause.rank(breakdowns, sign), impact), null, suppressed, null);
                found.add(new Candidate(a, RootCause.all(breakdowns, sign)));
            }
        }
    }

    /**
     * What a day was expected to cost, as people read it: the forecast of the days before it ({@link DailyForecaster},
     * the model of {@code burnrate forecast}, as of the evening before, on a history whose earlier one-day incidents are
     * taken at their own forecast (as {@code burnrate forecast} takes the stored one-day anomalies): a weekday profile and a smoothed level
     * and trend). The detector judges whether the day is an incident from a short robust level, which follows a noisy
     * scope closely enough to be quick but is no estimate of its usual spend: on the demo's ml-training account
     * (500-7,600 a day, credits on two days; loaded on 2026-12-04) it expected -1,510 for the runaway's Monday (shown as 0.00, the whole
     * 34,153.89 as impact); the forecast of that Monday was 2,051.60. The impact, the thresholds, the band and the
     * usual mix of the root cause are all taken against this amount, and its band is the forecast's interval. An hour keeps the detector's expectation: the
     * forecast is of days.
     */
    private DailyForecaster.Point dayAhead(double[] y, int t, Slots slots) {
        // the forecast is never below 0 (DailyForecaster)
        if (t == 0) return new DailyForecaster.Point(1, 0, 0, 0); // no day before it: all of its spend is new
        return dayForecaster.forecast(java.util.Arrays.copyOf(y, t), slots.first().getDayOfWeek().getValue() - 1, 1, BAND_COVERAGE)[0];
    }

    private final DailyForecaster dayForecaster = new DailyForecaster();

    /**
     * A day's band (shown beside its expected amount, and what its course must stay outside of): the forecast's interval
     * of this coverage. The detector's own band, 3 of its scales either side, was 0-12,224 around the ml-training
     * account's 2,549.26 (the forecast's 80% interval: 467-4,569), and it let the untagged cluster's model scope drop back
     * inside on a Saturday 8,000 above its usual day, ending its course after 2 of 9 days.
     */
    static final double BAND_COVERAGE = 0.95;

    /** How far before the judged days earlier incidents are taken out of the forecast's history: its weekday profile's 8 weeks. */
    private static final int CLEAN_DAYS = 56;

    /**
     * Each contributor's share as a part of the impact shown beside it. Root cause ranks on shares of its breakdown's
     * own change, which is the impact only where the usual mix could be taken at the expected amount; where
     * it could not (credits in the mix), a job's 32,040.59 read 98% of an impact of 33,303.38 (it is 96%).
     */
    private static List<CostAnomaly.Contributor> ofImpact(List<CostAnomaly.Contributor> causes, BigDecimal impact) {
        return causes.stream().map(c -> new CostAnomaly.Contributor(c.dimension(), c.value(), c.actual(), c.baseline(), c.delta(),
                impact.signum() == 0 ? c.share() : c.delta().divide(impact, 2, RoundingMode.HALF_EVEN))).toList();
    }

    /**
     * Where the rise an hour was flagged in began: the first of the hours right before it that were already above
     * their band (expected + 3 scales). The detector may flag a rise in its second hour, once the evidence of two has
     * added up; its first hour is then no part of the 14 days it is measured against. On the demo the fraud runaway's
     * first hour (1,280 on the ml-training account, whose highest hour in two weeks was 777) went unflagged at a score
     * of 0.17 and then set the peak that its second (1,243) had to pass, so no hour of the runaway was reported.
     */
    private static int riseStart(double[] y, SeriesDetector.Scores s, int t) {
        int start = t;
        while (start > 0 && y[start - 1] > s.expected()[start - 1] + 3 * s.scale()[start - 1]) start--;
        return start;
    }

    /**
     * Whether an hour's spend exceeds the scope's highest hour of the 14 days before its rise began ({@code start})
     * by both thresholds (the
     * dollars and the percent: a training run 100 over the last run's 718 is the same run). An
     * hour is judged against its own hour of earlier days, but the jobs of a scope start at any hour: a training run of
     * 230 an hour every few days, starting at 03:00 one day and at 21:00 the next, is far outside either hour's usual
     * spend, yet its rate is the scope's ordinary one (on the demo such starts were most of an hourly ticket a day). A
     * rise in rate is what an hour can tell before the day ends: a runaway or a new cluster spends faster than anything
     * the scope ran in two weeks. A run that lasts longer than usual at its usual rate is the day's anomaly.
     */
    private static boolean abovePeak(BigDecimal[] exact, int start, int t, BigDecimal actual, BigDecimal minImpact, BigDecimal minPercent) {
        BigDecimal peak = BigDecimal.ZERO;
        for (int i = Math.max(0, t - 14 * 24); i < start; i++) {
            if (exact[i] != null && exact[i].compareTo(peak) > 0) peak = exact[i];
        }
        BigDecimal above = actual.subtract(peak);
        return above.compareTo(minImpact) >= 0 && above.multiply(BigDecimal.valueOf(100)).compareTo(minPercent.multiply(peak)) >= 0;
    }

    /**
     * One change seen in several scopes is one incident: two anomalies of the same period, currency and direction
     * belong together when one's scope carries at least half of the other's change (the fraud team's rise is its
     * model's and its account's). The incident speaks through its headline (page before ticket, then the scope the
     * change is most of, see {@link IncidentGrouping#lead}), which alone is alerted, naming the other scopes; every anomaly is stored with its incident.
     * A change first seen in one scope and a day later in another (the account on the 24th, the untagged model on the
     * 25th, once its level had moved far enough) continues the earlier incident when, within 7 days, one of its scopes
     * has the same first cause as one of the incident's (the same value, or new values among which the incident's are
     * new again) and that scope carries at least half of its change: stored with that incident, not alerted again.
     */
    private List<CostAnomaly> settle(List<Candidate> found) {
        List<List<Candidate>> byTime = IncidentGrouping.byIncident(found);
        // every anomaly of the 7 days before each, stored or settled in this pass, with the incident it belongs to (a
        // scan of hours after a scan of days finds the days' anomalies stored, however long the scan)
        List<CostAnomaly> earlier = new ArrayList<>();
        if (!byTime.isEmpty()) {
            LocalDate first = byTime.get(0).get(0).anomaly().day();
            LocalDate last = byTime.get(byTime.size() - 1).get(0).anomaly().day();
            earlier.addAll(store.list(first.minusDays(7), last.plusDays(1), Integer.MAX_VALUE));
        }
        List<CostAnomaly> out = new ArrayList<>();
        for (List<Candidate> all : byTime) {
            Candidate lead = all.stream().filter(c -> !c.anomaly().suppressed()).findFirst().orElse(all.get(0));
            String continued = all.stream().flatMap(c -> earlier.stream().filter(e -> IncidentGrouping.continues(c, e))).findFirst()
                    .map(CostAnomaly::incidentId).orElse(null);
            List<CostAnomaly> others = all.stream().filter(c -> c != lead).map(Candidate::anomaly).toList();
            String incident = continued != null ? continued : others.isEmpty() ? null : lead.anomaly().id();
            // alerted before it is stored: a failure in between leaves it unstored, so the next scan alerts it (stored
            // first, a failed alert would be known and never raised again)
            boolean known = earlier.stream().anyMatch(e -> e.id().equals(lead.anomaly().id()));
            if (continued == null && !lead.anomaly().suppressed() && alerts != null && !known) {
                // its course (a day's; an hour has none), read once for whether it is current and for what the alert says
                Optional<Course> course = lead.anomaly().hour() == null ? course(lead.anomaly()) : Optional.empty();
                if (current(lead.anomaly(), course)) {
                    IncidentAlert.raise(alerts, lead.anomaly(), others, course, scopeName(lead.anomaly()), changesBefore(lead.anomaly()));
                }
            }
            for (Candidate c : all) {
                CostAnomaly stored = c.anomaly().inIncident(incident);
                store.save(stored);
                out.add(store.find(stored.id()).orElse(stored));
                earlier.removeIf(e -> e.id().equals(stored.id())); // a re-detection replaces its own earlier record
                earlier.add(stored);
            }
        }
        out.sort(Comparator.comparing(CostAnomaly::impact, Comparator.comparing(BigDecimal::abs)).reversed());
        return out;
    }

    /**
     * Days back an incident's day may be for it to be alerted when found (older ones only while still under way): a
     * month, what a first scan of a ledger judges (the demo's, {@code anomalies --scan}'s default 30 days and today).
     */
    static final int ALERT_DAYS = 31;

    /**
     * Whether an incident found now is one to act on: its day within the last {@link #ALERT_DAYS} days, or its course
     * still going on through a day within them. A scan of 62 days opened tickets for training runs 47 days old, long over: they are listed, not
     * alerted. (A re-detection of a stored incident is not alerted again either: each rescan raised its page's
     * occurrences.)
     */
    private boolean current(CostAnomaly a, Optional<Course> course) {
        LocalDate since = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC)).minusDays(ALERT_DAYS);
        if (!a.day().isBefore(since)) return true;
        // ongoing to a last billed day that is itself recent: a ledger whose bills stopped months ago keeps its last
        // incidents "ongoing" for ever
        return course.filter(c -> c.ongoing() && !c.through().isBefore(since)).isPresent();
    }

    /** Days before a listing's window whose incidents are listed too when their course runs into it. */
    static final int RUNNING_LOOKBACK_DAYS = 90;

    /**
     * What a listing of [from, to) shows (null: no bound): the anomalies found in it, newest first (at most
     * {@code limit}), and after them every scope of the incidents found up to {@link #RUNNING_LOOKBACK_DAYS} days before
     * it whose course reaches into it. A new cluster found on the 26th that still runs is part of the last five
     * days' spend: listing them by the day each was found left it out of {@code anomalies --days 5} while the
     * dashboard's on-call card showed it.
     */
    public List<CostAnomaly> listed(LocalDate from, LocalDate to, int limit) {
        List<CostAnomaly> out = new ArrayList<>(store.list(from, to, limit));
        if (from == null) return out;
        List<CostAnomaly> before = store.list(from.minusDays(RUNNING_LOOKBACK_DAYS), from, Integer.MAX_VALUE);
        // an incident's course is its lead's; one an hour led (a runaway caught by the hour) runs as its days do
        java.util.Set<String> dailyLed = new java.util.HashSet<>();
        for (CostAnomaly a : before) if (a.leadsIncident() && a.hour() == null) dailyLed.add(a.id());
        List<CostAnomaly> judged = before.stream().filter(a -> a.hour() == null && (a.leadsIncident() || !dailyLed.contains(a.incident()))).toList();
        Map<String, CostAnomaly> byId = new java.util.HashMap<>();
        for (CostAnomaly a : judged) byId.put(a.id(), a);
        java.util.Set<String> running = new java.util.HashSet<>();
        courses(judged).forEach((id, c) -> {
            if (!c.through().isBefore(from)) running.add(byId.get(id).incidentId());
        });
        for (CostAnomaly a : before) if (running.contains(a.incidentId())) out.add(a);
        return out;
    }

    /**
     * A name people know the scope by, where the bill gives one: an account's {@code SubAccountName}
     * ({@code SubAccountId=200000044824} is {@code ml-training}); empty otherwise.
     */
    public Optional<String> scopeName(CostAnomaly a) {
        return Optional.ofNullable(scopeNames(List.of(a)).get(a.value()));
    }

    /** {@link #scopeName} of the accounts among many anomalies, with one ledger query; keyed by account id. */
    public Map<String, String> scopeNames(List<CostAnomaly> anomalies) {
        List<CostAnomaly> accounts = anomalies.stream().filter(a -> a.dimension().equals("SubAccountId")).toList();
        if (accounts.isEmpty()) return Map.of();
        Field id = Field.parse("SubAccountId").orElseThrow();
        Field name = Field.parse("SubAccountName").orElseThrow();
        LocalDate from = accounts.stream().map(CostAnomaly::day).min(LocalDate::compareTo).orElseThrow().minusDays(31);
        LocalDate to = accounts.stream().map(CostAnomaly::day).max(LocalDate::compareTo).orElseThrow().plusDays(1);
        Map<String, String> out = new TreeMap<>();
        for (CostReport.Row r : ledger.costs(new CostQuery(List.of(id, name), from, to, Granularity.NONE, CostBasis.EFFECTIVE,
                Map.of(id, accounts.stream().map(CostAnomaly::value).distinct().toList()))).rows()) {
            String n = r.keys().get(1);
            if (r.keys().get(0) != null && n != null && !n.isBlank() && !n.equals(r.keys().get(0))) out.putIfAbsent(r.keys().get(0), n);
        }
        return out;
    }

    /**
     * Records people's verdict on an anomaly and the other scopes of its incident; false positive or expected also resolves its incident's alert (the page
     * is answered: it should not stay open as though nobody had looked), as a dismissed recommendation's ticket is.
     * False when there is no such anomaly.
     */
    public boolean feedback(String id, CostAnomaly.Feedback verdict, String note, String actor) {
        return judge(id, verdict, note, actor, a -> true).isPresent();
    }

    /** What a verdict did to its incident's alert. */
    public enum AlertChange {
        /** nothing: no alert (one found while silenced, or older than alerts go), or one already in the state asked */
        NONE,
        /** false_positive or expected resolved the open alert */
        RESOLVED,
        /** true_positive took back a verdict that had resolved it: the incident is real, its alert open again */
        REOPENED,
        /** true_positive, but a person resolved the alert: it stays resolved (their resolution is not a verdict's to undo) */
        STAYS_RESOLVED
    }

    /**
     * {@link #feedback} for a caller who may only answer for some scopes ({@code mayAnswer}: a team's token, its team's
     * anomalies): the verdict reaches only those of the incident's other scopes (a team's verdict must not silence an
     * account, a service or another team). Says what the verdict did to the incident's alert; empty when there is no
     * such anomaly.
     */
    public java.util.Optional<AlertChange> judge(String id, CostAnomaly.Feedback verdict, String note, String actor,
                                                 java.util.function.Predicate<CostAnomaly> mayAnswer) {
        java.util.Optional<CostAnomaly> a = store.find(id);
        LocalDate on = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
        if (a.isEmpty() || !store.feedback(id, verdict, note, on)) return java.util.Optional.empty();
        String lead = a.get().incidentId();
        // the verdict is on the incident: its other scopes (the same day's, and later days' that continued it) get it
        // too, so each is silenced for 7 days, and a list of every scope shows it on all of them
        for (CostAnomaly m : store.incident(lead)) {
            if (!m.id().equals(id) && mayAnswer.test(m)) store.feedback(m.id(), verdict, note, on);
        }
        AlertChange change = AlertChange.NONE;
        if (alerts != null && verdict != CostAnomaly.Feedback.TRUE_POSITIVE) {
            if (alerts.store().resolve("anomaly:" + lead, clock.instant(), dev.burnrate.alert.AlertStore.BY_VERDICT + actor)) change = AlertChange.RESOLVED;
        } else if (alerts != null) {
            // a verdict on any of the incident's scopes resolved its alert; this one takes it back and opens it again
            // (one resolved by hand stays as it was left)
            if (alerts.store().reopen("anomaly:" + lead, clock.instant(), actor)) change = AlertChange.REOPENED;
            // not reopened: say so where a person's resolution is why (the reply said nothing had changed)
            else if (alerts.store().findByKey("anomaly:" + lead).filter(x -> x.state() == dev.burnrate.alert.Alert.State.RESOLVED).isPresent()) {
                change = AlertChange.STAYS_RESOLVED;
            }
        }
        if (recorder != null) recorder.record(actor, "anomaly.feedback", "anomaly:" + lead, id, verdict, note, change);
        return java.util.Optional.of(change);
    }

    /** Where people's verdicts on anomalies are recorded: who gave which, on what, with their note (the audit log). */
    @FunctionalInterface
    public interface FeedbackRecorder {
        /** {@code alert}: what the verdict did to the incident's alert (its history is this entry's, as the alert's own moves are theirs). */
        void record(String actor, String action, String subject, String id, CostAnomaly.Feedback verdict, String note, AlertChange alert);
    }

    private FeedbackRecorder recorder;

    /** Records each verdict given through {@link #feedback} (the audit log; unset: not recorded). */
    public CostAnomalies recordingTo(FeedbackRecorder recorder) {
        this.recorder = recorder;
        return this;
    }

    /**
     * The stored daily anomalies as known incidents for forecasts, each with its actual and expected amount; not those
     * people called a false positive or that their verdict on the scope suppressed (then the day is what the scope
     * spends). The forecast decides from the next day whether one was a one-day incident.
     */
    public dev.burnrate.forecast.KnownIncidents knownIncidents() {
        return (dimension, from, to) -> store.list(from, to, Integer.MAX_VALUE).stream()
                .filter(a -> Courses.incidentDay(a) && a.dimension().equals(dimension.name()))
                .map(a -> new dev.burnrate.forecast.KnownIncidents.Day(a.value(), a.currency(), a.day(), a.actual(), a.expected())).toList();
    }

    static BigDecimal money(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN);
    }

}

package dev.burnrate.slo;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The SLOs: those declared in burnrate.yaml and those stored at run time (the demo's, or a user's), their status, and
 * their burn-rate alerts. {@link #evaluate} raises an alert when a multi-window rule starts firing, counts further
 * occurrences on the same alert while it keeps firing, and resolves it when it stops: one alert per episode (the
 * dedup key names the SLO, the severity and the episode's start). The two page rules share one page; the ticket rule
 * raises a ticket only while nothing pages (a ticket already open stays as it is while a page fires).
 */
public final class Slos {
    /** SLOs created at run time, kept as their spec. */
    public interface Store {
        Map<String, String> all();

        void put(String id, String spec);

        boolean delete(String id);

        /** Changes whenever the stored SLOs change, whoever changed them (a shared store); 0 for a store only this process writes. */
        default long version() {
            return 0;
        }
    }

    public static final String SOURCE = "slo";
    private static final Duration SUSPECT_LOOKBACK = Duration.ofHours(6);
    private final Map<String, Slo> declared;
    private final Store store;
    private final SloEvaluator evaluator;
    private final Alerts alerts;
    private final Clock clock;

    public Slos(List<Slo> declared, Store store, SloEvaluator evaluator, Alerts alerts, Clock clock) {
        Map<String, Slo> m = new LinkedHashMap<>();
        for (Slo s : declared) {
            if (m.put(s.id(), s) != null) throw new IllegalArgumentException("SLO id '" + s.id() + "' is declared twice");
        }
        this.declared = Map.copyOf(m);
        this.store = store;
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.clock = clock;
    }

    public List<Slo> all() {
        List<Slo> out = new ArrayList<>(declared.values());
        store.all().forEach((id, spec) -> out.add(SloSpecs.parse(spec, "slo " + id)));
        out.sort(Comparator.comparing(Slo::id));
        return out;
    }

    public Optional<Slo> find(String id) {
        return all().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Creates or replaces a run-time SLO from its spec; one declared in burnrate.yaml cannot be replaced. */
    public Slo put(String spec, String source) {
        Slo s = SloSpecs.parse(spec, source);
        if (declared.containsKey(s.id())) throw new IllegalArgumentException("SLO '" + s.id() + "' is declared in burnrate.yaml; change it there");
        store.put(s.id(), spec);
        return s;
    }

    public boolean delete(String id) {
        return store.delete(id);
    }

    /** The status of every SLO, without raising anything. */
    public List<SloStatus> statuses() {
        return all().stream().map(evaluator::status).toList();
    }

    public SloStatus status(Slo slo) {
        return evaluator.status(slo);
    }

    /** The last {@link #evaluate}: when, every SLO's status, and the SLIs per model over the 24 hours before (at most 50 models). */
    /** The SLIs behind the SLOs, for any model / variant / feature. */
    public Slis slis() {
        return evaluator.slis();
    }

    public record Evaluation(java.time.Instant at, List<SloStatus> statuses, List<Slis.Line> lastDayByModel) {
    }

    /** Models exported per evaluation, the rest summed as {@link Slis#OTHER_MODELS}: bounded label cardinality. */
    public static final int MODEL_LIMIT = 50;
    private volatile Evaluation last;

    /** What the last evaluation found (null before the first), for exporters that must not evaluate per scrape. */
    public Evaluation lastEvaluation() {
        return last;
    }

    /** Evaluates every SLO and raises (or resolves) its burn-rate alerts; returns the statuses. */
    public List<SloStatus> evaluate() {
        List<SloStatus> out = statuses();
        java.time.Instant now = clock.instant();
        last = new Evaluation(now, out, evaluator.slis().byModel(now.minus(Duration.ofDays(1)), now, MODEL_LIMIT));
        List<String> open = openEpisodes();
        for (SloStatus s : out) {
            // one page for the two page rules (the fast burn confirms first, the slow one keeps it open), and a ticket only
            // while nothing pages: one regression is one alert an operator acts on, not three
            SloStatus.RuleState page = s.rules().stream().filter(r -> r.rule().page() && r.firing()).findFirst().orElse(null);
            episode(s, "page", page, open);
            if (page == null) episode(s, "ticket", s.rules().stream().filter(r -> !r.rule().page() && r.firing()).findFirst().orElse(null), open);
        }
        return out;
    }

    /** Raises (or keeps counting) the SLO's alert of this severity while {@code firing} is not null; resolves it otherwise. */
    private void episode(SloStatus s, String severity, SloStatus.RuleState firing, List<String> open) {
        String prefix = SOURCE + ":" + s.slo().id() + ":" + severity + ":";
        String key = open.stream().filter(k -> k.startsWith(prefix)).findFirst().orElse(null);
        if (firing != null) {
            raise(s, firing, key != null ? key : prefix + s.asOf());
        } else if (key != null) {
            alerts.store().resolve(key, clock.instant(), SOURCE);
        }
    }

    /** The dedup keys of open or acknowledged SLO alerts. */
    private List<String> openEpisodes() {
        List<String> out = new ArrayList<>();
        for (Alert.State state : List.of(Alert.State.OPEN, Alert.State.ACKNOWLEDGED)) {
            for (Alert a : alerts.store().list(state, 100_000)) {
                if (SOURCE.equals(a.source()) && a.dedupKey() != null) out.add(a.dedupKey());
            }
        }
        return out;
    }

    private void raise(SloStatus s, SloStatus.RuleState r, String key) {
        Slo slo = s.slo();
        SloEvaluator.Rule rule = r.rule();
        Map<String, String> d = new LinkedHashMap<>();
        d.put("scope", slo.scope().toString());
        d.put("sli", slo.sli().label());
        d.put("objective", slo.objective().toString() + " in " + slo.target().toPlainString() + "% of " + observed(slo.sli()));
        d.put("window", SloEvaluator.label(slo.window()));
        d.put("as of", s.asOf().toString());
        d.put("sli over the window", s.sli() == null ? "n/a" : s.sli().toPlainString() + unit(slo));
        d.put("sli last hour", s.sliLastHour() == null ? "n/a" : s.sliLastHour().toPlainString() + unit(slo));
        d.put("burn rate " + SloEvaluator.label(rule.longWindow()), fmt(r.longBurn()) + "x (threshold " + fmt(rule.factor()) + "x)");
        d.put("burn rate " + SloEvaluator.label(rule.shortWindow()), fmt(r.shortBurn()) + "x (threshold " + fmt(rule.factor()) + "x)");
        double spentByWindow = r.longBurn() * rule.longWindow().getSeconds() / slo.window().getSeconds() * 100;
        d.put("budget spent in " + SloEvaluator.label(rule.longWindow()), fmt(spentByWindow) + "% of the " + SloEvaluator.label(slo.window()) + " error budget");
        d.put("budget remaining", s.budgetRemainingPercent() == null ? "n/a" : fmt(s.budgetRemainingPercent()) + "%");
        if (r.longBurn() > 0) {
            Duration left = s.budgetRemainingPercent() == null || s.budgetRemainingPercent() <= 0 ? Duration.ZERO
                    : Duration.ofSeconds((long) (s.budgetRemainingPercent() / 100 * slo.window().getSeconds() / r.longBurn()));
            // hours and minutes: "3h" for 3 h 42 min read as sooner than it is
            d.put("budget exhausted in", left.isZero() ? "already exhausted"
                    : left.toHours() + "h" + (left.toMinutesPart() > 0 ? " " + left.toMinutesPart() + "min" : "") + " at this burn rate");
        }
        // what changed during the long window, or the 6 hours before as of if longer, and since: the first suspects (the latest 3)
        Duration lookBack = rule.longWindow().compareTo(SUSPECT_LOOKBACK) > 0 ? rule.longWindow() : SUSPECT_LOOKBACK;
        List<ServiceEvent> suspects = s.events().stream().filter(e -> !e.at().isBefore(s.asOf().minus(lookBack))).toList();
        if (!suspects.isEmpty()) {
            d.put("recent changes", String.join("; ", suspects.subList(Math.max(0, suspects.size() - 3), suspects.size()).stream().map(ServiceEvent::toString).toList()));
        }
        d.put("rules firing", String.join(", ", s.rules().stream().filter(SloStatus.RuleState::firing).map(x -> x.rule().key()).toList()));
        if (slo.team() != null) d.put("team", slo.team());
        Alert.Severity severity = rule.page() ? Alert.Severity.PAGE : Alert.Severity.TICKET;
        String title = "SLO " + slo.id() + ": error budget burning " + fmt(r.longBurn()) + "x over " + SloEvaluator.label(rule.longWindow())
                + " (" + slo.sli().label() + " " + slo.objective() + ")";
        String summary = slo.scope() + ": " + fmt(r.longBurn()) + "x over " + SloEvaluator.label(rule.longWindow()) + " and " + fmt(r.shortBurn())
                + "x over " + SloEvaluator.label(rule.shortWindow()) + " (rule " + rule.key() + ", above " + fmt(rule.factor()) + "x).";
        String action = switch (slo.sli()) {
            case GPU_UTILISATION -> "Check the jobs in " + (slo.scope().allPools() ? "the pools" : "pool " + slo.scope().pool())
                    + " for GPUs held idle or waiting on input (burnrate gpu usage --by job): stop idle jobs, fix data loading, or shrink the pool.";
            case COST_PER_1K -> "Check recent deploys and traffic mix of " + slo.scope().model() + "; compare cost per 1k by variant and feature (burnrate inference costs).";
            case ERROR_RATE -> "Check recent deploys and the endpoint's health; roll back the variant if errors started with it.";
            default -> "Check recent deploys, load and the serving GPUs of " + slo.scope().model() + "; roll back or scale out if latency started with them.";
        };
        alerts.raise(SOURCE, severity, key, title, summary, d, slo.scope().model() == null ? "/oncall" : "/debug?model=" + java.net.URLEncoder.encode(slo.scope().model(), java.nio.charset.StandardCharsets.UTF_8),
                action, slo.channels());
    }

    private static String unit(Slo slo) {
        return slo.sli().latency() ? " ms" : slo.sli() == Slo.Sli.COST_PER_1K ? " " + slo.objective().unit() + " per 1k" : "%";
    }

    /** What the target is a share of: requests (event-based), a pool's hours with samples, or intervals. */
    static String observed(Slo.Sli sli) {
        return sli.eventBased() ? "requests" : sli.poolBased() ? "hours with samples" : "intervals";
    }

    static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}

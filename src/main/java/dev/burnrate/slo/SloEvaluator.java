package dev.burnrate.slo;

import dev.burnrate.allocation.Allocation;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Evaluates SLOs on stored inference usage, as of the end of the newest usage in scope (telemetry arrives in intervals;
 * the newest may end before now), never after the clock's now; and GPU utilisation SLOs on stored GPU samples, as of now
 * (samples arrive as they are taken; an hour without any is no observation, so a pool that went quiet stops burning).
 * <ol>
 *   <li>Observations: latency — each interval of usage in scope ([start, end), its rows' request-weighted percentile) is
 *       bad when over the threshold; cost per 1k — each charge period of the bill: the scope's part of its endpoints'
 *       cost in the objective's currency (split by tokens with the other usage they served then) per 1k of the scope's
 *       requests started in it; error rate — requests and errors of each interval; GPU utilisation — each UTC hour
 *       [h, h + 1h) with samples of the pool that report a utilisation is bad when their mean is below the threshold
 *       (the hour still going is judged on its samples so far).</li>
 *   <li>The bad ratio over a window: bad / total, each observation counted by the share of it inside the window
 *       (interval-based: its duration; event-based: its requests and errors), so an hourly interval counts 5/60 in a
 *       5-minute window. No observation in the window: no ratio.</li>
 *   <li>Burn rate = bad ratio / error budget (1 − target). Budget remaining = 1 − burn over the SLO window.</li>
 *   <li>Multi-window rules of the SRE workbook: a rule fires when the burn over both its long and its short window
 *       exceeds its factor (page 14.4× over 1h and 5m; page 6× over 6h and 30m; ticket 1× over 3d and 6h).</li>
 * </ol>
 */
public final class SloEvaluator {
    /** The alert windows burn rates are shown for. */
    public static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(6),
            Duration.ofDays(3));

    /** The multi-window, multi-burn-rate alerts of the Google SRE workbook (chapter 5, "Alerting on SLOs"). */
    public enum Rule {
        PAGE_1H_5M(Duration.ofHours(1), Duration.ofMinutes(5), 14.4, true),
        PAGE_6H_30M(Duration.ofHours(6), Duration.ofMinutes(30), 6, true),
        TICKET_3D_6H(Duration.ofDays(3), Duration.ofHours(6), 1, false);

        private final Duration longWindow;
        private final Duration shortWindow;
        private final double factor;
        private final boolean page;

        Rule(Duration longWindow, Duration shortWindow, double factor, boolean page) {
            this.longWindow = longWindow;
            this.shortWindow = shortWindow;
            this.factor = factor;
            this.page = page;
        }

        public Duration longWindow() {
            return longWindow;
        }

        public Duration shortWindow() {
            return shortWindow;
        }

        public double factor() {
            return factor;
        }

        public boolean page() {
            return page;
        }

        /** e.g. {@code page-1h-5m}. */
        public String key() {
            return (page ? "page" : "ticket") + "-" + label(longWindow) + "-" + label(shortWindow);
        }
    }

    /** One observation: [start, end), its total (seconds or requests) and the bad part of it. */
    record Observation(Instant start, Instant end, double total, double bad) {
    }

    private final InferenceUsages usages;
    private final GpuSamples gpu;
    private final ServiceEvents events;
    private final Clock clock;

    /** Inference SLOs only (an SLO of a GPU pool is refused). */
    public SloEvaluator(InferenceUsages usages, Clock clock) {
        this(usages, null, ServiceEvents.none(), clock);
    }

    /**
     * With the GPU samples that GPU utilisation SLOs are evaluated on (null: none, and such an SLO is refused), and the
     * deploys, rollbacks and config changes to show beside each SLO.
     */
    public SloEvaluator(InferenceUsages usages, GpuSamples gpu, ServiceEvents events, Clock clock) {
        this.usages = usages;
        this.gpu = gpu;
        this.events = events;
        this.clock = clock;
    }

    /** The SLIs of the same usage. */
    public Slis slis() {
        return new Slis(usages);
    }

    public SloStatus status(Slo slo) {
        Instant now = clock.instant();
        if (slo.sli().poolBased()) return poolStatus(slo, now);
        Duration span = slo.window().compareTo(Duration.ofDays(3)) > 0 ? slo.window() : Duration.ofDays(3);
        // a day more: rows that started before the window and reach into it
        Instant fetchFrom = now.minus(span).minus(Duration.ofDays(1));
        List<InferenceUsage> all = usages.between(fetchFrom, now);
        Instant asOf = null;
        for (InferenceUsage u : all) {
            if (slo.scope().matches(u) && u.requests() > 0 && (asOf == null || u.end().isAfter(asOf))) asOf = u.end();
        }
        if (asOf == null || asOf.isAfter(now)) asOf = now;
        List<Observation> obs = observations(slo, all, fetchFrom, now);
        Slis slis = new Slis(usages);
        BigDecimal sli = value(slo, slis.of(slo.scope(), asOf.minus(slo.window()), asOf));
        BigDecimal lastHour = value(slo, slis.of(slo.scope(), asOf.minus(Duration.ofHours(1)), asOf));
        List<ServiceEvent> changes = events.between(asOf.minus(Duration.ofDays(3)), now.plusNanos(1)).stream().filter(e -> e.concerns(slo.scope())).toList();
        return status(slo, now, asOf, obs, sli, lastHour, changes);
    }

    /**
     * A GPU pool's SLO as of now: one observation per UTC hour with samples of the pool (bad when their mean utilisation
     * is below the threshold); its SLI is the mean utilisation of the pool's samples over the window and the last hour.
     */
    private SloStatus poolStatus(Slo slo, Instant now) {
        if (gpu == null) throw new IllegalStateException("SLO " + slo.id() + " is about a GPU pool, and this evaluator reads no GPU samples");
        Duration span = slo.window().compareTo(Duration.ofDays(3)) > 0 ? slo.window() : Duration.ofDays(3);
        List<Observation> obs = new ArrayList<>();
        for (GpuSamples.UtilizationHour h : utilization(slo, now.minus(span).truncatedTo(ChronoUnit.HOURS), now)) {
            boolean good = slo.objective().meets(meanUtilization(List.of(h), 4));
            obs.add(new Observation(h.hour(), h.hour().plus(Duration.ofHours(1)), 3600, good ? 0 : 3600));
        }
        return status(slo, now, now, obs, meanUtilization(utilization(slo, now.minus(slo.window()), now), 2),
                meanUtilization(utilization(slo, now.minus(Duration.ofHours(1)), now), 2), List.of());
    }

    private List<GpuSamples.UtilizationHour> utilization(Slo slo, Instant from, Instant to) {
        return gpu.utilizationByHour(GpuSamples.Group.NAMESPACE, slo.scope().allPools() ? null : slo.scope().pool(), from, to);
    }

    /** The mean utilisation of the hours' samples (%), null when there are none. */
    static BigDecimal meanUtilization(List<GpuSamples.UtilizationHour> hours, int scale) {
        double sum = 0;
        long n = 0;
        for (GpuSamples.UtilizationHour h : hours) {
            sum += h.utilizationSum();
            n += h.samples();
        }
        return n == 0 ? null : BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_EVEN);
    }

    /** The status from the SLO's observations, as of {@code asOf}: good share, budget left, burn rates and rules. */
    private static SloStatus status(Slo slo, Instant now, Instant asOf, List<Observation> obs, BigDecimal sli, BigDecimal lastHour,
                                    List<ServiceEvent> changes) {
        Double sloRatio = badRatio(obs, asOf.minus(slo.window()), asOf);
        double budget = slo.errorBudget().doubleValue();
        Map<Duration, Double> burn = new LinkedHashMap<>();
        for (Duration w : WINDOWS) {
            Double r = badRatio(obs, asOf.minus(w), asOf);
            burn.put(w, r == null ? null : r / budget);
        }
        List<SloStatus.RuleState> rules = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            Double l = burn(obs, asOf, rule.longWindow(), budget);
            Double s = burn(obs, asOf, rule.shortWindow(), budget);
            rules.add(new SloStatus.RuleState(rule, l, s, l != null && s != null && l > rule.factor() && s > rule.factor()));
        }
        return new SloStatus(slo, now, asOf, sli, lastHour, sloRatio == null ? null : 100 * (1 - sloRatio),
                sloRatio == null ? null : 100 * (1 - sloRatio / budget), burn, rules, changes);
    }

    private static Double burn(List<Observation> obs, Instant asOf, Duration w, double budget) {
        Double r = badRatio(obs, asOf.minus(w), asOf);
        return r == null ? null : r / budget;
    }

    private static BigDecimal value(Slo slo, Slis.Line l) {
        return switch (slo.sli()) {
            case LATENCY_P50 -> l.latencyP50Ms();
            case LATENCY_P95 -> l.latencyP95Ms();
            case LATENCY_P99 -> l.latencyP99Ms();
            case ERROR_RATE -> l.errorRatePercent();
            case COST_PER_1K -> {
                Slis.Cost c = l.cost(slo.objective().unit());
                yield c == null ? null : c.per1kInferences();
            }
            case GPU_UTILISATION -> throw new IllegalStateException("GPU utilisation is not an SLI of inference");
        };
    }

    /** The bad share of [from, to), each observation counted by its share inside; null when nothing is inside. */
    static Double badRatio(List<Observation> obs, Instant from, Instant to) {
        double total = 0;
        double bad = 0;
        for (Observation o : obs) {
            long overlap = Math.min(o.end().getEpochSecond(), to.getEpochSecond()) - Math.max(o.start().getEpochSecond(), from.getEpochSecond());
            if (overlap <= 0) continue;
            double f = (double) overlap / (o.end().getEpochSecond() - o.start().getEpochSecond());
            total += f * o.total();
            bad += f * o.bad();
        }
        return total > 0 ? bad / total : null;
    }

    /** The SLO's observations from usage (and for cost, the bill) in [from, to). */
    List<Observation> observations(Slo slo, List<InferenceUsage> all, Instant from, Instant to) {
        List<Observation> out = new ArrayList<>();
        if (slo.sli() == Slo.Sli.COST_PER_1K) return costObservations(slo, all, from, to);
        // rows of the same interval (customers, endpoints, features of the scope) are one observation
        Map<List<Instant>, List<InferenceUsage>> intervals = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0)) ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        for (InferenceUsage u : all) if (slo.scope().matches(u)) intervals.computeIfAbsent(List.of(u.start(), u.end()), k -> new ArrayList<>()).add(u);
        intervals.forEach((k, rows) -> {
            if (slo.sli() == Slo.Sli.ERROR_RATE) {
                long req = rows.stream().mapToLong(InferenceUsage::requests).sum();
                long err = rows.stream().mapToLong(InferenceUsage::errors).sum();
                if (req > 0) out.add(new Observation(k.get(0), k.get(1), req, err));
            } else {
                BigDecimal v = Slis.weightedLatency(rows, slo.sli());
                if (v == null) return;
                double seconds = Duration.between(k.get(0), k.get(1)).getSeconds();
                out.add(new Observation(k.get(0), k.get(1), seconds, slo.objective().meets(v) ? 0 : seconds));
            }
        });
        return out;
    }

    /** One observation per charge period: the scope's share of its endpoints' cost in the objective's currency per 1k of its requests. */
    private List<Observation> costObservations(Slo slo, List<InferenceUsage> all, Instant from, Instant to) {
        String currency = slo.objective().unit();
        Set<String> endpoints = new LinkedHashSet<>();
        for (InferenceUsage u : all) if (slo.scope().matches(u) && u.endpoint() != null) endpoints.add(u.endpoint());
        Map<List<Instant>, BigDecimal[]> periods = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0)) ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        for (InferenceUsages.Charge c : usages.endpointCharges(List.copyOf(endpoints), from, to)) {
            if (!c.currency().equals(currency)) continue; // other currencies are other bills: never added
            Map<String, BigDecimal> weights = new TreeMap<>();
            long scopeRequests = 0;
            for (InferenceUsage u : all) {
                if (!c.endpoint().equals(u.endpoint()) || u.start().isBefore(c.start()) || !u.start().isBefore(c.end())) continue;
                long w = u.inputTokens() + u.outputTokens();
                boolean in = slo.scope().matches(u);
                weights.merge(in ? "in" : "out", BigDecimal.valueOf(w > 0 ? w : u.requests()), BigDecimal::add);
                if (in) scopeRequests += u.requests();
            }
            if (scopeRequests == 0) continue;
            if (weights.values().stream().allMatch(v -> v.signum() == 0)) weights.replaceAll((k, v) -> BigDecimal.ONE);
            BigDecimal part = Allocation.split(c.cost(), weights).getOrDefault("in", BigDecimal.ZERO);
            BigDecimal[] agg = periods.computeIfAbsent(List.of(c.start(), c.end()), k -> new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            agg[0] = agg[0].add(part);
            agg[1] = agg[1].add(BigDecimal.valueOf(scopeRequests));
        }
        List<Observation> out = new ArrayList<>();
        periods.forEach((k, agg) -> {
            BigDecimal per1k = agg[0].multiply(BigDecimal.valueOf(1000)).divide(agg[1], 6, RoundingMode.HALF_EVEN);
            double seconds = Duration.between(k.get(0), k.get(1)).getSeconds();
            out.add(new Observation(k.get(0), k.get(1), seconds, slo.objective().meets(per1k) ? 0 : seconds));
        });
        return out;
    }

    /** A duration as 5m, 6h or 28d. */
    public static String label(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) return d.toDays() + "d";
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) return d.toHours() + "h";
        return d.toMinutes() + "m";
    }
}

package dev.burnrate.slo;

import dev.burnrate.allocation.Allocation;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Service-level indicators of the inference served over a window [from, to), per model / variant / feature or for one
 * SLO scope:
 * <ul>
 *   <li>latency P50 / P95 / P99 (ms): the request-weighted mean of the intervals' percentiles (percentiles of different
 *       intervals do not add; intervals that do not report one are left out of it);</li>
 *   <li>error rate: errors / requests, in percent;</li>
 *   <li>cost per 1k inferences and per 1M tokens (input + output), per currency: each endpoint's effective cost over the
 *       window is split onto all the usage it served by tokens (requests where there are none), as
 *       {@code burnrate inference costs} splits it, so the parts add up to the bill exactly; currencies are never added.</li>
 * </ul>
 */
public final class Slis {
    private static final String OTHER = "\u0000other";
    private final InferenceUsages usages;

    public Slis(InferenceUsages usages) {
        this.usages = usages;
    }

    /** Cost in one currency, and per 1k inferences and per 1M tokens (null when there were none). */
    public record Cost(String currency, BigDecimal cost, BigDecimal per1kInferences, BigDecimal per1MTokens) {
    }

    /** The SLIs of one model / variant / feature (null variant or feature: none reported, or all of them for a scope). */
    public record Line(String model, String variant, String feature, long requests, long inputTokens, long outputTokens, long errors,
                       BigDecimal errorRatePercent, BigDecimal latencyP50Ms, BigDecimal latencyP95Ms, BigDecimal latencyP99Ms, List<Cost> costs) {
        public Line {
            costs = List.copyOf(costs);
        }

        /** Cost in a currency, or null when the bill charged the scope nothing in it. */
        public Cost cost(String currency) {
            return costs.stream().filter(c -> c.currency().equals(currency)).findFirst().orElse(null);
        }
    }

    /** One line per model / variant / feature that served requests in the window, sorted by those. */
    public List<Line> byModelVariantFeature(Instant from, Instant to) {
        List<InferenceUsage> all = usages.between(from, to);
        Map<List<String>, Line> lines = lines(all, u -> java.util.Arrays.asList(u.model(), u.variant(), u.feature()), from, to);
        List<Line> out = new ArrayList<>(lines.values());
        out.sort(java.util.Comparator.comparing(Line::model).thenComparing(l -> l.variant() == null ? "" : l.variant())
                .thenComparing(l -> l.feature() == null ? "" : l.feature()));
        return out;
    }

    /**
     * One line per model / variant that served requests in the window, all its features and customers together (feature
     * null), sorted by model and variant (no variant first): what a variant of a model serves at and costs per 1k.
     */
    public List<Line> byModelVariant(Instant from, Instant to) {
        List<InferenceUsage> all = usages.between(from, to);
        List<Line> out = new ArrayList<>();
        lines(all, u -> java.util.Arrays.asList(u.model(), u.variant()), from, to).forEach((k, l) -> out.add(new Line(l.model(), l.variant(), null,
                l.requests(), l.inputTokens(), l.outputTokens(), l.errors(), l.errorRatePercent(), l.latencyP50Ms(), l.latencyP95Ms(), l.latencyP99Ms(), l.costs())));
        out.sort(java.util.Comparator.comparing(Line::model).thenComparing(l -> l.variant() == null ? "" : l.variant()));
        return out;
    }

    /**
     * One line per model (variant and feature null), the {@code limit} models with the most requests by name and the rest
     * together as {@code __other__}, so that what is exported per model stays bounded.
     */
    public List<Line> byModel(Instant from, Instant to, int limit) {
        List<InferenceUsage> all = usages.between(from, to);
        Map<String, Long> requests = new TreeMap<>();
        for (InferenceUsage u : all) requests.merge(u.model(), u.requests(), Long::sum);
        Set<String> top = new java.util.HashSet<>(requests.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit).map(Map.Entry::getKey).toList());
        Map<List<String>, Line> lines = lines(all, u -> List.of(top.contains(u.model()) ? u.model() : OTHER_MODELS), from, to);
        List<Line> out = new ArrayList<>();
        lines.forEach((k, l) -> out.add(new Line(k.get(0), null, null, l.requests(), l.inputTokens(), l.outputTokens(), l.errors(), l.errorRatePercent(),
                l.latencyP50Ms(), l.latencyP95Ms(), l.latencyP99Ms(), l.costs())));
        out.sort(java.util.Comparator.comparing(Line::model));
        return out;
    }

    /**
     * One hour of a model's inference: requests and errors of the usage that started in [hour, hour + 1h), and its
     * latency percentiles as the request-weighted mean of those intervals' (ms, one decimal; null when none reports one).
     */
    public record Point(Instant hour, long requests, long errors, BigDecimal errorRatePercent, BigDecimal latencyP50Ms,
                        BigDecimal latencyP95Ms, BigDecimal latencyP99Ms) {
    }

    /**
     * A model's latency and errors hour by hour over [from, to), all variants and features together, oldest first: usage
     * counts in the hour its interval starts in (collectors report 1 to 60-minute intervals); hours without usage are
     * left out rather than shown as zero.
     */
    public List<Point> hourly(String model, Instant from, Instant to) {
        Map<Instant, List<InferenceUsage>> hours = new TreeMap<>();
        for (InferenceUsage u : usages.between(from, to)) {
            if (u.model().equals(model)) hours.computeIfAbsent(u.start().truncatedTo(java.time.temporal.ChronoUnit.HOURS), h -> new ArrayList<>()).add(u);
        }
        List<Point> out = new ArrayList<>();
        hours.forEach((hour, rows) -> {
            Line l = line(model, null, null, rows, Map.of());
            out.add(new Point(hour, l.requests(), l.errors(), l.errorRatePercent(), l.latencyP50Ms(), l.latencyP95Ms(), l.latencyP99Ms()));
        });
        return out;
    }

    /** The models beyond {@link #byModel}'s limit, together. */
    public static final String OTHER_MODELS = "__other__";

    /** The SLIs of everything a scope covers over the window (zero requests: the counts are zero and the ratios null). */
    public Line of(Slo.Scope scope, Instant from, Instant to) {
        List<InferenceUsage> all = usages.between(from, to);
        Map<List<String>, Line> lines = lines(all, u -> scope.matches(u) ? List.of("in") : null, from, to);
        Line in = lines.get(List.of("in"));
        return in == null ? new Line(scope.model(), scope.variant(), scope.feature(), 0, 0, 0, 0, null, null, null, null, List.of())
                : new Line(scope.model(), scope.variant(), scope.feature(), in.requests(), in.inputTokens(), in.outputTokens(), in.errors(),
                in.errorRatePercent(), in.latencyP50Ms(), in.latencyP95Ms(), in.latencyP99Ms(), in.costs());
    }

    /** Lines keyed by {@code key} (null: usage outside every line, which still takes its share of its endpoint's cost). */
    private Map<List<String>, Line> lines(List<InferenceUsage> all, Function<InferenceUsage, List<String>> key, Instant from, Instant to) {
        Map<List<String>, List<InferenceUsage>> groups = new LinkedHashMap<>();
        for (InferenceUsage u : all) {
            List<String> k = key.apply(u);
            if (k != null) groups.computeIfAbsent(k, x -> new ArrayList<>()).add(u);
        }
        Map<String, Map<String, BigDecimal>> cost = costs(all, u -> {
            List<String> k = key.apply(u);
            return k == null ? OTHER : String.join("\u0001", k.stream().map(s -> s == null ? "" : s).toList());
        }, from, to);
        Map<List<String>, Line> out = new LinkedHashMap<>();
        groups.forEach((k, rows) -> {
            String joined = String.join("\u0001", k.stream().map(s -> s == null ? "" : s).toList());
            InferenceUsage first = rows.get(0);
            out.put(k, line(first.model(), first.variant(), first.feature(), rows, cost.getOrDefault(joined, Map.of())));
        });
        return out;
    }

    static Line line(String model, String variant, String feature, List<InferenceUsage> rows, Map<String, BigDecimal> costByCurrency) {
        long requests = 0;
        long in = 0;
        long outTokens = 0;
        long errors = 0;
        for (InferenceUsage u : rows) {
            requests += u.requests();
            in += u.inputTokens();
            outTokens += u.outputTokens();
            errors += u.errors();
        }
        if (model == null && !rows.isEmpty()) model = rows.get(0).model();
        List<Cost> costs = new ArrayList<>();
        long req = requests;
        long tokens = in + outTokens;
        new TreeMap<>(costByCurrency).forEach((currency, amount) -> costs.add(new Cost(currency, amount,
                req == 0 ? null : amount.multiply(BigDecimal.valueOf(1000)).divide(BigDecimal.valueOf(req), 6, RoundingMode.HALF_EVEN),
                tokens == 0 ? null : amount.multiply(BigDecimal.valueOf(1_000_000)).divide(BigDecimal.valueOf(tokens), 6, RoundingMode.HALF_EVEN))));
        BigDecimal errorRate = requests == 0 ? null
                : BigDecimal.valueOf(errors).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(requests), 4, RoundingMode.HALF_EVEN);
        return new Line(model, variant, feature, requests, in, outTokens, errors, errorRate, weightedLatency(rows, Slo.Sli.LATENCY_P50),
                weightedLatency(rows, Slo.Sli.LATENCY_P95), weightedLatency(rows, Slo.Sli.LATENCY_P99), costs);
    }

    /** The request-weighted mean of the rows' percentile (ms, one decimal), over the rows that report it; null when none does. */
    static BigDecimal weightedLatency(List<InferenceUsage> rows, Slo.Sli sli) {
        BigDecimal sum = BigDecimal.ZERO;
        long weight = 0;
        for (InferenceUsage u : rows) {
            Double v = sli.latencyOf(u);
            if (v == null || u.requests() == 0) continue;
            sum = sum.add(BigDecimal.valueOf(v).multiply(BigDecimal.valueOf(u.requests())));
            weight += u.requests();
        }
        return weight == 0 ? null : sum.divide(BigDecimal.valueOf(weight), 1, RoundingMode.HALF_EVEN);
    }

    /**
     * Each endpoint's effective cost over [from, to) split onto the usage it served by tokens (requests where a row has no
     * tokens, evenly when nothing was served), summed by key: key → currency → cost. The parts add up to each endpoint's cost.
     */
    Map<String, Map<String, BigDecimal>> costs(List<InferenceUsage> all, Function<InferenceUsage, String> key, Instant from, Instant to) {
        Set<String> endpoints = new LinkedHashSet<>();
        for (InferenceUsage u : all) if (u.endpoint() != null) endpoints.add(u.endpoint());
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        if (endpoints.isEmpty()) return out;
        Map<String, Map<String, BigDecimal>> billed = usages.endpointCost(List.copyOf(endpoints), from, to);
        Map<String, Map<String, BigDecimal>> weights = new TreeMap<>();
        for (InferenceUsage u : all) {
            if (u.endpoint() == null) continue;
            long w = u.inputTokens() + u.outputTokens();
            weights.computeIfAbsent(u.endpoint(), x -> new TreeMap<>()).merge(key.apply(u), BigDecimal.valueOf(w > 0 ? w : u.requests()), BigDecimal::add);
        }
        billed.forEach((endpoint, byCurrency) -> {
            Map<String, BigDecimal> w = new TreeMap<>(weights.getOrDefault(endpoint, Map.of()));
            if (w.isEmpty()) return;
            if (w.values().stream().allMatch(v -> v.signum() == 0)) w.replaceAll((k, v) -> BigDecimal.ONE);
            byCurrency.forEach((currency, amount) -> Allocation.split(amount, w).forEach((k, part) ->
                    out.computeIfAbsent(k, x -> new TreeMap<>()).merge(currency, part, BigDecimal::add)));
        });
        return out;
    }
}

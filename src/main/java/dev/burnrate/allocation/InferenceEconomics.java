package dev.burnrate.allocation;

import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Cost per inference. Each endpoint's billed cost over the window is split onto the usage it served in proportion
 * to tokens (input + output; requests when there are no tokens), with largest-remainder parts so the split adds up
 * to the endpoint's cost exactly; then summed by model, variant, feature or customer.
 */
public final class InferenceEconomics {
    private final InferenceUsages usages;

    public InferenceEconomics(InferenceUsages usages) {
        this.usages = usages;
    }

    public record Line(String key, String currency, long requests, long inputTokens, long outputTokens, BigDecimal cost,
                       BigDecimal perInference, BigDecimal per1kInferences, BigDecimal per1MTokens, boolean costKnown) {
    }

    public List<Line> by(String dimension, Instant from, Instant to) {
        Function<InferenceUsage, String> key = switch (dimension) {
            case "model" -> InferenceUsage::model;
            case "variant" -> u -> u.model() + "/" + (u.variant() == null ? "-" : u.variant());
            case "feature" -> InferenceUsage::feature;
            case "customer" -> InferenceUsage::customer;
            default -> throw new IllegalArgumentException("unknown dimension '" + dimension + "'; expected model, variant, feature or customer");
        };
        List<InferenceUsage> all = usages.between(from, to);
        Set<String> endpoints = new LinkedHashSet<>();
        for (InferenceUsage u : all) if (u.endpoint() != null) endpoints.add(u.endpoint());
        Map<String, Map<String, BigDecimal>> cost = usages.endpointCost(List.copyOf(endpoints), from, to);
        // owner key -> currency -> cost ; owner key -> counters
        Map<String, Map<String, BigDecimal>> costByKey = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, List<InferenceUsage>> byEndpoint = new HashMap<>();
        for (InferenceUsage u : all) {
            String k = key.apply(u) == null ? Buckets.UNALLOCATED : key.apply(u);
            long[] c = counts.computeIfAbsent(k, x -> new long[3]);
            c[0] += u.requests();
            c[1] += u.inputTokens();
            c[2] += u.outputTokens();
            if (u.endpoint() != null) byEndpoint.computeIfAbsent(u.endpoint(), x -> new ArrayList<>()).add(u);
        }
        byEndpoint.forEach((endpoint, list) -> cost.getOrDefault(endpoint, Map.of()).forEach((currency, amount) -> {
            Map<String, BigDecimal> weights = new TreeMap<>();
            for (InferenceUsage u : list) {
                long w = u.inputTokens() + u.outputTokens();
                String k = key.apply(u) == null ? Buckets.UNALLOCATED : key.apply(u);
                weights.merge(k, BigDecimal.valueOf(w > 0 ? w : u.requests()), BigDecimal::add);
            }
            if (weights.values().stream().allMatch(v -> v.signum() == 0)) weights.replaceAll((k, v) -> BigDecimal.ONE);
            Allocation.split(amount, weights).forEach((k, part) ->
                    costByKey.computeIfAbsent(k, x -> new TreeMap<>()).merge(currency, part, BigDecimal::add));
        }));
        List<Line> out = new ArrayList<>();
        counts.forEach((k, c) -> {
            Map<String, BigDecimal> byCurrency = costByKey.getOrDefault(k, Map.of());
            if (byCurrency.isEmpty()) {
                out.add(new Line(k, null, c[0], c[1], c[2], null, null, null, null, false));
            }
            byCurrency.forEach((currency, amount) -> out.add(new Line(k, currency, c[0], c[1], c[2], amount,
                    c[0] == 0 ? null : amount.divide(BigDecimal.valueOf(c[0]), 8, RoundingMode.HALF_EVEN),
                    c[0] == 0 ? null : amount.multiply(BigDecimal.valueOf(1000)).divide(BigDecimal.valueOf(c[0]), 6, RoundingMode.HALF_EVEN),
                    c[1] + c[2] == 0 ? null : amount.multiply(BigDecimal.valueOf(1_000_000)).divide(BigDecimal.valueOf(c[1] + c[2]), 6, RoundingMode.HALF_EVEN),
                    true)));
        });
        return out;
    }
}

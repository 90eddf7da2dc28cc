package dev.burnrate.allocation;

import dev.burnrate.ledger.Field;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which costs are shared (every row whose fields match all of {@code match}; values of one field are
 * alternatives) and how the pool is split onto the owners of the allocation dimension.
 */
public record ShareRule(String name, Map<Field, List<String>> match, Split split, Map<String, BigDecimal> weights, String metric) {
    /**
     * even: equal parts; proportional: to each owner's direct cost; fixed: to the given weights; by_metric: to each
     * owner's usage in the period ({@code gpu_hours} of job runs, or inference {@code requests}).
     */
    public enum Split { EVEN, PROPORTIONAL, FIXED, BY_METRIC }

    public static final java.util.Set<String> METRICS = java.util.Set.of("gpu_hours", "requests");

    public ShareRule(String name, Map<Field, List<String>> match, Split split, Map<String, BigDecimal> weights) {
        this(name, match, split, weights, null);
    }

    public ShareRule {
        Objects.requireNonNull(name, "name");
        match = Map.copyOf(match);
        if (match.isEmpty()) throw new IllegalArgumentException("share rule " + name + " needs a match: which costs are shared");
        Objects.requireNonNull(split, "split");
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        if (split == Split.FIXED && weights.isEmpty()) throw new IllegalArgumentException("share rule " + name + ": fixed split needs weights");
        if (split == Split.BY_METRIC && (metric == null || !METRICS.contains(metric))) {
            throw new IllegalArgumentException("share rule " + name + ": by_metric needs metric: one of " + METRICS);
        }
        for (Map.Entry<String, BigDecimal> w : weights.entrySet()) {
            if (w.getValue().signum() < 0) throw new IllegalArgumentException("share rule " + name + ": weight of " + w.getKey() + " is negative");
        }
    }

    boolean matches(Map<Field, String> row) {
        for (Map.Entry<Field, List<String>> m : match.entrySet()) {
            if (!m.getValue().contains(row.get(m.getKey()))) return false;
        }
        return true;
    }
}

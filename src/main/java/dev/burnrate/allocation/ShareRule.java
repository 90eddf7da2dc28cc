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
public record ShareRule(String name, Map<Field, List<String>> match, Split split, Map<String, BigDecimal> weights) {
    /** even: equal parts; proportional: to each owner's direct cost; fixed: to the given weights. */
    public enum Split { EVEN, PROPORTIONAL, FIXED }

    public ShareRule {
        Objects.requireNonNull(name, "name");
        match = Map.copyOf(match);
        if (match.isEmpty()) throw new IllegalArgumentException("share rule " + name + " needs a match: which costs are shared");
        Objects.requireNonNull(split, "split");
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        if (split == Split.FIXED && weights.isEmpty()) throw new IllegalArgumentException("share rule " + name + ": fixed split needs weights");
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

package dev.burnrate.recommend;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What recommendations save of on-demand spend per month, by recommendation and "provider|region|currency": a
 * commitment purchase must not buy the usage they remove. A recommendation someone dismissed removes nothing, so its
 * part is left out of the totals (the purchase may cover that usage again).
 */
final class OnDemandSavings {
    private final Map<String, Map<String, BigDecimal>> byRecommendation = new LinkedHashMap<>();

    void add(String recommendationId, String key, BigDecimal monthly) {
        if (monthly.signum() == 0) return;
        byRecommendation.computeIfAbsent(recommendationId, k -> new LinkedHashMap<>()).merge(key, monthly, BigDecimal::add);
    }

    /** Adds each of {@code perKey} (key → monthly) as the recommendation's. */
    void add(String recommendationId, Map<String, BigDecimal> perKey) {
        perKey.forEach((k, v) -> add(recommendationId, k, v));
    }

    void addAll(OnDemandSavings other) {
        other.byRecommendation.forEach(this::add);
    }

    /** The monthly saving per "provider|region|currency", of every recommendation except {@code excluded}. */
    Map<String, BigDecimal> totals(Set<String> excluded) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        byRecommendation.forEach((id, perKey) -> {
            if (!excluded.contains(id)) perKey.forEach((k, v) -> out.merge(k, v, BigDecimal::add));
        });
        return out;
    }
}

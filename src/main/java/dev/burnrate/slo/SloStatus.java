package dev.burnrate.slo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where an SLO stands: evaluated at {@code asOf} (the end of the newest usage in its scope, never after {@code now}; for
 * a GPU pool, {@code now}), its SLI over the SLO window and over the last hour, the good share of the window, the error budget left, the burn rate
 * over each alert window and each multi-window rule.
 *
 * @param sli             the SLI over the SLO window: ms, % (error rate; a pool's mean GPU utilisation) or cost per 1k in
 *                        the objective's currency (null: no data)
 * @param sliLastHour     the same over the hour before {@code asOf}
 * @param goodPercent     the good share of the window's intervals (by duration; a pool's: of its hours with samples) or
 *                        requests, in % (null: no data)
 * @param budgetRemainingPercent the share of the error budget not yet spent, in % (negative: overspent; null: no data)
 * @param burnRates       the burn rate over each of {@link SloEvaluator#WINDOWS} (null where the window holds no data)
 * @param events          deploys, rollbacks and config changes of the scope's model from 3 days before {@code asOf} until now
 *                        (none for a pool)
 */
public record SloStatus(Slo slo, Instant now, Instant asOf, BigDecimal sli, BigDecimal sliLastHour, Double goodPercent,
                        Double budgetRemainingPercent, Map<Duration, Double> burnRates, List<RuleState> rules, List<ServiceEvent> events) {
    public SloStatus {
        events = List.copyOf(events);
        burnRates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(burnRates));
        rules = List.copyOf(rules);
    }

    /** One multi-window rule: the burn over its long and short window, and whether both exceed its factor. */
    public record RuleState(SloEvaluator.Rule rule, Double longBurn, Double shortBurn, boolean firing) {
    }

    /**
     * page, ticket (the most severe rule firing), exhausted (no rule firing, but the window's error budget is spent: the
     * burn stopped, or its short windows hold no data, after the objective was already missed), ok, or no data.
     */
    public String state() {
        if (goodPercent == null) return "no data";
        if (rules.stream().anyMatch(r -> r.firing() && r.rule().page())) return "page";
        if (rules.stream().anyMatch(RuleState::firing)) return "ticket";
        if (budgetRemainingPercent != null && budgetRemainingPercent < 0) return "exhausted";
        return "ok";
    }

    public Double burnRate(Duration window) {
        return burnRates.get(window);
    }
}

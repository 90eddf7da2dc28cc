package dev.burnrate.slo;

import dev.burnrate.ledger.InferenceUsage;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A service-level objective for an AI service: an SLI of the inference served in a scope (model, optionally variant
 * and feature), an objective the SLI must meet, the share of the window it must meet it in (the target) and the window.
 * <ul>
 *   <li>Latency and cost per 1k are <b>interval-based</b>: an interval of usage (for cost: a charge period of the bill) is
 *       bad when its value exceeds the threshold; good and bad are weighed by the interval's duration.</li>
 *   <li>Error rate is <b>event-based</b>: bad events are errors, all events are requests; its target is the good ratio,
 *       100 − the objective (an error rate ≤ 0.5% is a target of 99.5%).</li>
 * </ul>
 * The error budget is {@code 1 − target/100} of the window; a burn rate is the bad ratio over a window divided by it.
 */
public record Slo(String id, Scope scope, Sli sli, Objective objective, BigDecimal target, Duration window, String team,
                  List<String> channels) {
    public Slo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(sli, "sli");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(window, "window");
        if (id.isBlank()) throw new IllegalArgumentException("id must not be blank");
        if (target.signum() <= 0 || target.compareTo(BigDecimal.valueOf(100)) >= 0) {
            throw new IllegalArgumentException("target must be above 0 and below 100 (percent), was " + target.toPlainString());
        }
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
        channels = List.copyOf(channels);
    }

    /** Which inference the SLO is about: a model, and when given only one variant and one feature of it. */
    public record Scope(String model, String variant, String feature) {
        public Scope {
            Objects.requireNonNull(model, "scope.model");
        }

        public boolean matches(InferenceUsage u) {
            return model.equals(u.model()) && (variant == null || variant.equals(u.variant())) && (feature == null || feature.equals(u.feature()));
        }

        @Override
        public String toString() {
            return "model=" + model + (variant == null ? "" : ", variant=" + variant) + (feature == null ? "" : ", feature=" + feature);
        }
    }

    /** The indicator. */
    public enum Sli {
        LATENCY_P50, LATENCY_P95, LATENCY_P99, ERROR_RATE, COST_PER_1K;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean eventBased() {
            return this == ERROR_RATE;
        }

        public boolean latency() {
            return this == LATENCY_P50 || this == LATENCY_P95 || this == LATENCY_P99;
        }

        /** The interval's value of a latency SLI (ms), null when the usage does not report it. */
        Double latencyOf(InferenceUsage u) {
            return switch (this) {
                case LATENCY_P50 -> u.latencyP50Ms();
                case LATENCY_P95 -> u.latencyP95Ms();
                case LATENCY_P99 -> u.latencyP99Ms();
                default -> throw new IllegalStateException(this + " is not a latency");
            };
        }
    }

    /** The SLI must stay at or under {@code threshold} {@code unit}: ms for latency, % for error rate, a currency for cost per 1k. */
    public record Objective(BigDecimal threshold, String unit) {
        public Objective {
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(unit, "unit");
            if (threshold.signum() < 0) throw new IllegalArgumentException("threshold must not be negative");
        }

        @Override
        public String toString() {
            return "<= " + threshold.toPlainString() + ("%".equals(unit) ? "%" : " " + unit);
        }
    }

    /** The error budget: the share of the window (or of events) that may be bad, {@code 1 − target/100}. */
    public BigDecimal errorBudget() {
        return BigDecimal.valueOf(100).subtract(target).movePointLeft(2);
    }
}

package dev.burnrate.slo;

import dev.burnrate.ledger.InferenceUsage;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A service-level objective: an SLI over a scope, an objective the SLI must meet, the share of the window it must meet
 * it in (the target) and the window. A scope is either <b>model-based</b> (a model, optionally one variant and one
 * feature: the SLIs of the inference it served) or <b>pool-based</b> (a GPU pool, the samples' namespace, or every pool:
 * the GPU utilisation SLI); never both.
 * <ul>
 *   <li>Latency and cost per 1k are <b>interval-based</b>: an interval of usage (for cost: a charge period of the bill) is
 *       bad when its value exceeds the threshold; good and bad are weighed by the interval's duration.</li>
 *   <li>GPU utilisation is <b>interval-based</b> by the hour: an hour of the pool's samples is bad when their mean
 *       utilisation is below the threshold (the objective is a floor, {@code >=}); an hour without samples is neither
 *       good nor bad.</li>
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
        if (scope.poolBased() != sli.poolBased()) {
            throw new IllegalArgumentException(sli.poolBased() ? sli.label() + " is an SLI of a GPU pool: its scope names a pool, not a model"
                    : sli.label() + " is an SLI of inference: its scope names a model, not a pool");
        }
        if (objective.comparison() != sli.comparison()) {
            throw new IllegalArgumentException("a " + sli.label() + " objective is " + sli.comparison().symbol() + " a threshold, not "
                    + objective.comparison().symbol());
        }
        channels = List.copyOf(channels);
    }

    /**
     * What the SLO is about: a model, and when given only one variant and one feature of it (inference); or a GPU pool,
     * the namespace of the GPU samples ({@link #ALL_POOLS}: every sample). Exactly one of model and pool.
     */
    public record Scope(String model, String variant, String feature, String pool) {
        /** The pool of a scope over every GPU sample, whatever its namespace. */
        public static final String ALL_POOLS = "*";

        public Scope {
            if ((model == null) == (pool == null)) {
                throw new IllegalArgumentException("a scope is either model-based (model, optionally variant and feature) or pool-based (pool), "
                        + (model == null ? "and names neither" : "not both"));
            }
            if (pool != null && (variant != null || feature != null)) {
                throw new IllegalArgumentException("a pool-based scope names no variant or feature");
            }
            if (pool != null && pool.isBlank()) throw new IllegalArgumentException("pool must not be blank");
        }

        /** A model, optionally one variant and one feature of it. */
        public Scope(String model, String variant, String feature) {
            this(Objects.requireNonNull(model, "scope.model"), variant, feature, null);
        }

        /** A GPU pool: the samples' namespace, or {@link #ALL_POOLS}. */
        public static Scope pool(String pool) {
            return new Scope(null, null, null, Objects.requireNonNull(pool, "scope.pool"));
        }

        public boolean poolBased() {
            return pool != null;
        }

        /** Every pool together. */
        public boolean allPools() {
            return ALL_POOLS.equals(pool);
        }

        public boolean matches(InferenceUsage u) {
            return model != null && model.equals(u.model()) && (variant == null || variant.equals(u.variant())) && (feature == null || feature.equals(u.feature()));
        }

        @Override
        public String toString() {
            if (pool != null) return allPools() ? "pool=* (all pools)" : "pool=" + pool;
            return "model=" + model + (variant == null ? "" : ", variant=" + variant) + (feature == null ? "" : ", feature=" + feature);
        }
    }

    /** The indicator. */
    public enum Sli {
        LATENCY_P50, LATENCY_P95, LATENCY_P99, ERROR_RATE, COST_PER_1K,
        /** The mean utilisation of a GPU pool's samples, hour by hour (%). */
        GPU_UTILISATION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Measured on a GPU pool's samples rather than on inference. */
        public boolean poolBased() {
            return this == GPU_UTILISATION;
        }

        /** Which side of the threshold is good: GPU utilisation is a floor, the others are ceilings. */
        public Comparison comparison() {
            return this == GPU_UTILISATION ? Comparison.AT_LEAST : Comparison.AT_MOST;
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

    /** Which side of its threshold an SLI must stay on. */
    public enum Comparison {
        /** At or under the threshold ({@code <=}): latency, error rate, cost per 1k. */
        AT_MOST("<="),
        /** At or above the threshold ({@code >=}): GPU utilisation. */
        AT_LEAST(">=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        /** {@code <=} or {@code >=}. */
        public String symbol() {
            return symbol;
        }

        /** The comparison written as {@code <=} or {@code >=}; null for anything else. */
        public static Comparison ofSymbol(String symbol) {
            for (Comparison c : values()) if (c.symbol.equals(symbol)) return c;
            return null;
        }

        /** Does {@code value} meet an objective of this comparison to {@code threshold}? */
        public boolean meets(BigDecimal value, BigDecimal threshold) {
            int c = value.compareTo(threshold);
            return this == AT_MOST ? c <= 0 : c >= 0;
        }
    }

    /**
     * The SLI must stay on the {@code comparison} side of {@code threshold} {@code unit}: at or under (ms for latency, % for
     * error rate, a currency for cost per 1k) or at or above (% for GPU utilisation).
     */
    public record Objective(Comparison comparison, BigDecimal threshold, String unit) {
        public Objective {
            Objects.requireNonNull(comparison, "comparison");
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(unit, "unit");
            if (threshold.signum() < 0) throw new IllegalArgumentException("threshold must not be negative");
        }

        /** Does an SLI value meet the objective? */
        public boolean meets(BigDecimal value) {
            return comparison.meets(value, threshold);
        }

        @Override
        public String toString() {
            return comparison.symbol() + " " + threshold.toPlainString() + ("%".equals(unit) ? "%" : " " + unit);
        }
    }

    /** The error budget: the share of the window (or of events) that may be bad, {@code 1 − target/100}. */
    public BigDecimal errorBudget() {
        return BigDecimal.valueOf(100).subtract(target).movePointLeft(2);
    }
}

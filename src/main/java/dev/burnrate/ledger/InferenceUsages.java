package dev.burnrate.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Stored inference usage, and the billed cost of the endpoints that served it. */
public interface InferenceUsages {
    /** Stores a batch in one step; a record with the same interval, model, variant, feature, customer and endpoint is replaced. */
    void upsert(List<InferenceUsage> usage);

    List<InferenceUsage> between(Instant from, Instant to);

    /** Effective cost per endpoint (ResourceId) and currency over charges starting in [from, to). */
    Map<String, Map<String, java.math.BigDecimal>> endpointCost(List<String> endpoints, Instant from, Instant to);

    /** An endpoint's effective cost in one currency over one charge period of the bill, [start, end). */
    record Charge(String endpoint, Instant start, Instant end, String currency, java.math.BigDecimal cost) {
    }

    /** Effective cost per endpoint, charge period and currency, for charges starting in [from, to), by start. */
    List<Charge> endpointCharges(List<String> endpoints, Instant from, Instant to);

    /** The {@code ConsumedUnit} values (any case, blanks trimmed) that count a resource's hours: an endpoint's instance-hours. */
    java.util.Set<String> HOUR_UNITS = java.util.Set.of("hours", "hour", "hrs", "hr", "1 hour", "instance-hours", "instance hours");

    /**
     * Instance-hours an endpoint was billed for in one charge period, alike: rows of one provider, region, currency and
     * PricingCategory with the same ConsumedQuantity and EffectiveCost added up ({@code rows} of them), so that rows at a
     * different unit cost (another instance type, or one a commitment covers) stay apart.
     */
    record InstanceHours(String endpoint, String provider, String region, Instant start, Instant end, String currency, String pricingCategory,
                         java.math.BigDecimal quantity, java.math.BigDecimal cost, long rows) {
        /** Effective cost of one instance-hour of these rows (exact where it can be, else to 10 places). */
        public java.math.BigDecimal unitCost() {
            try {
                return cost.divide(quantity);
            } catch (ArithmeticException notExact) {
                return cost.divide(quantity, 10, java.math.RoundingMode.HALF_EVEN);
            }
        }
    }

    /**
     * The endpoints' bill rows counted in hours ({@link #HOUR_UNITS}) with a positive quantity, for charges starting in
     * [from, to), by endpoint and start.
     */
    List<InstanceHours> endpointHours(List<String> endpoints, Instant from, Instant to);
}

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
}

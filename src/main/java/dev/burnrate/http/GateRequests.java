package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burnrate.gate.GateRequest;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.spec.JsonFields;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** JSON ⇄ gate request: unknown fields and wrong types are named in the error. */
public final class GateRequests {
    private static final Set<String> FIELDS = Set.of("id", "model", "team", "kind", "trigger", "provider", "instanceType", "count", "pricing",
            "region", "expectedHours", "datasetGb", "tags", "requester", "actuator");

    private GateRequests() {
    }

    public static GateRequest parse(JsonNode n, String requester) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("expected a JSON object");
        n.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw new IllegalArgumentException("unknown field '" + f + "'; expected " + new java.util.TreeSet<>(FIELDS));
        });
        JsonNode tr = n.get("trigger");
        GateRequest.Trigger trigger = tr == null || tr.isNull() ? null
                : new GateRequest.Trigger(text(tr, "type"), decimal(tr, "driftScore"), decimal(tr, "accuracyDelta"));
        String kind = text(n, "kind");
        GateRequest.Kind k;
        try {
            k = kind == null ? null : GateRequest.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind '" + kind + "' is not one of full, incremental, hpo, experiment");
        }
        JsonNode count = n.get("count");
        if (count != null && !count.canConvertToInt()) throw new IllegalArgumentException("count must be an integer");
        String pricing = text(n, "pricing");
        return new GateRequest(text(n, "id"), text(n, "model"), text(n, "team"), k, trigger, text(n, "provider"), text(n, "instanceType"),
                count == null ? 1 : count.asInt(), pricing == null ? null : PriceCatalog.Pricing.parse(pricing), text(n, "region"),
                decimal(n, "expectedHours"), decimal(n, "datasetGb"), strings(n, "tags"), requester != null ? requester : text(n, "requester"),
                strings(n, "actuator"));
    }

    static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new IllegalArgumentException(f + " must be a string");
        return v.asText();
    }

    /** A decimal field sent as a JSON string ("137.6", as the API writes them) or a number; null when absent ({@link JsonFields#decimal}). */
    public static BigDecimal decimal(JsonNode n, String f) {
        return JsonFields.decimal(n, f);
    }

    private static Map<String, String> strings(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return Map.of();
        if (!v.isObject()) throw new IllegalArgumentException(f + " must be an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}

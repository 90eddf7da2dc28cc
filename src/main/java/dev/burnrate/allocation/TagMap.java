package dev.burnrate.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.Dimensions;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a resource's tags into workload dimensions. Every standard dimension always gets a value. */
public record TagMap(Map<String, TagRule> rules) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public TagMap {
        Map<String, TagRule> all = new LinkedHashMap<>();
        for (String d : Dimensions.STANDARD) {
            all.put(d, rules.getOrDefault(d, new TagRule(d, List.of(d), null, null, Buckets.UNALLOCATED)));
        }
        for (String d : rules.keySet()) {
            if (!all.containsKey(d)) {
                throw new IllegalArgumentException("unknown dimension '" + d + "'; expected one of " + Dimensions.STANDARD);
            }
        }
        rules = Map.copyOf(all);
    }

    /** The map Burnrate ships: common spellings of each key across AWS, Azure, GCP and Kubernetes labels. */
    public static TagMap defaults() {
        Map<String, TagRule> r = new LinkedHashMap<>();
        put(r, "team", "team", "owner_team", "team_name", "squad", "group");
        put(r, "project", "project", "application", "app", "app_name", "service");
        put(r, "model", "model", "model_name", "ml_model", "ai_model");
        put(r, "model_version", "model_version", "modelversion", "model-version", "version");
        put(r, "environment", "environment", "env", "stage", "tier");
        put(r, "cost_center", "cost_center", "costcenter", "cost-center", "business_unit", "businessunit");
        put(r, "feature", "feature", "product_feature", "feature_name");
        put(r, "customer", "customer", "customer_id", "tenant", "tenant_id", "client");
        put(r, "owner", "owner", "created_by", "contact", "owner_email");
        return new TagMap(r);
    }

    private static void put(Map<String, TagRule> r, String dim, String... keys) {
        r.put(dim, new TagRule(dim, List.of(keys), TagRule.Normalize.LOWER, Map.of(), Buckets.UNALLOCATED));
    }

    /** Dimensions for a FOCUS Tags value (a JSON object, or null). Malformed JSON counts as no tags. */
    public Map<String, String> apply(String tagsJson) {
        return applyTags(parseTags(tagsJson));
    }

    public Map<String, String> applyTags(Map<String, String> tags) {
        Map<String, String> lower = new HashMap<>();
        tags.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        Map<String, String> out = new LinkedHashMap<>();
        for (String d : Dimensions.STANDARD) out.put(d, rules.get(d).resolve(lower));
        return out;
    }

    public static Map<String, String> parseTags(String tagsJson) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (tagsJson == null || tagsJson.isBlank()) return tags;
        try {
            JsonNode n = JSON.readTree(tagsJson);
            if (n != null && n.isObject()) {
                n.properties().forEach(e -> {
                    JsonNode v = e.getValue();
                    if (!v.isNull()) tags.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
                });
            }
        } catch (Exception e) {
            // not JSON: the validator reports it; for allocation the row simply has no tags
        }
        return tags;
    }

    /** A stable fingerprint of the rules: when it changes, stored dimensions are recomputed. */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        for (String d : Dimensions.STANDARD) {
            TagRule t = rules.get(d);
            sb.append(d).append('=').append(t.keys()).append(t.normalize()).append(new java.util.TreeMap<>(t.aliases()))
                    .append(t.defaultValue()).append(';');
        }
        return Integer.toHexString(sb.toString().hashCode());
    }
}

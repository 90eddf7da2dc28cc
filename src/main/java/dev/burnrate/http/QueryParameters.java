package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a query parameter that the route does not take, as openapi.json declares it. A misspelt or misremembered
 * parameter ({@code /api/v1/costs?by=team} for {@code groupBy=team}) was ignored, and the answer, ungrouped totals,
 * read as if it had been applied. Routes the document does not describe are not checked.
 */
final class QueryParameters {
    private final Map<String, Set<String>> declared;

    private QueryParameters(Map<String, Set<String>> declared) {
        this.declared = declared;
    }

    /** The query parameters of every operation in an OpenAPI document (its JSON text). */
    static QueryParameters of(String openApi) {
        try {
            return of(new ObjectMapper().readTree(openApi));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QueryParameters of(JsonNode spec) {
        Map<String, Set<String>> declared = new HashMap<>();
        JsonNode shared = spec.path("components").path("parameters");
        spec.path("paths").fields().forEachRemaining(path -> {
            JsonNode common = path.getValue().path("parameters");
            path.getValue().fields().forEachRemaining(op -> {
                if (op.getKey().equals("parameters")) return;
                Set<String> names = new LinkedHashSet<>();
                for (JsonNode list : new JsonNode[]{common, op.getValue().path("parameters")}) {
                    for (JsonNode p : list) {
                        JsonNode param = p.has("$ref") ? shared.path(p.get("$ref").asText().replaceFirst("^#/components/parameters/", "")) : p;
                        if (param.isMissingNode()) throw new IllegalStateException("openapi.json: unresolved parameter " + p.get("$ref").asText() + " of " + path.getKey());
                        if ("query".equals(param.path("in").asText())) names.add(param.path("name").asText());
                    }
                }
                declared.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), names);
            });
        });
        return new QueryParameters(declared);
    }

    /** The parameters {@code method path} takes, or null where the document does not describe the route. */
    Set<String> of(String method, String path) {
        return declared.get(method + " " + path);
    }

    /**
     * The first query parameter of the request that its matched route does not take, or null (also for a route the
     * document does not describe).
     */
    String unknown(Context ctx) {
        Set<String> names = of(ctx.method().name(), ctx.endpointHandlerPath());
        if (names == null) return null;
        for (String key : ctx.queryParamMap().keySet()) {
            if (!key.isBlank() && !names.contains(key)) return key;
        }
        return null;
    }
}

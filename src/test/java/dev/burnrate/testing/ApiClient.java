package dev.burnrate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API of a server the test started, as a client calls it: a bearer token where given, JSON or NDJSON bodies. */
public final class ApiClient {
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    public ApiClient(String base) {
        this.base = base;
    }

    /** One request; {@code token} and {@code body} may be null. Telemetry batches go as NDJSON (instance samples as CSV), other bodies as JSON. */
    public HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) {
            boolean ndjson = path.startsWith("/api/v1/gpu-samples") || path.startsWith("/api/v1/inference-usage");
            boolean csv = path.startsWith("/api/v1/instance-samples");
            b.header("Content-Type", csv ? "text/csv" : ndjson ? "application/x-ndjson" : "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a 2xx answer (an empty object for none); any other status fails the test, naming the request. */
    public JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri() + ": " + r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? json.createObjectNode() : json.readTree(r.body());
    }
}

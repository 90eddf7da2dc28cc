package dev.burnrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burnrate.guard.Heartbeat;
import dev.burnrate.http.GateRequests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gate as commands reach it: in this process on the local ledger, or through a running server's REST API
 * ({@code --server}, for pipelines while `burnrate serve` owns the ledger file). Both speak the API's JSON.
 */
interface GateClient extends AutoCloseable {
    /** The API's own JSON (amounts as decimal strings), so local and remote answers read the same. */
    ObjectMapper JSON = dev.burnrate.http.ApiJson.mapper();

    JsonNode submit(ObjectNode request);

    JsonNode call(String id, String step, ObjectNode body);

    JsonNode list(String state);

    @Override
    void close();

    static GateClient open(BurnrateCommand root, String server, String token) {
        if (server != null && !server.isBlank()) return new Remote(server.replaceAll("/+$", ""), token);
        return new Local(root.open());
    }

    /**
     * For a command that runs on this machine while a server may own the ledger ({@code run}): the server named, else
     * the one advertised beside the database (with its local credential), else the ledger itself.
     */
    static GateClient openBeside(BurnrateCommand root, String server, String token) {
        if ((server == null || server.isBlank()) && root.chosenServer().isPresent()) {
            server = root.chosenServer().get();
            token = token != null ? token : root.chosenToken();
        }
        if (server == null || server.isBlank()) {
            var advert = LocalServer.advertised(root.databasePath());
            if (advert.isPresent()) return new Remote(advert.get().url(), advert.get().credential());
        }
        return open(root, server, token);
    }

    final class Local implements GateClient {
        private final Services s;

        Local(Services s) {
            this.s = s;
        }

        @Override
        public JsonNode submit(ObjectNode request) {
            return JSON.valueToTree(s.gate().submit(GateRequests.parse(request, null)));
        }

        @Override
        public JsonNode call(String id, String step, ObjectNode b) {
            String actor = b.path("actor").asText("cli");
            Object result = switch (step) {
                case "start" -> s.gate().start(id, actor);
                case "release" -> s.gate().release(id, actor);
                case "approve" -> s.gate().approve(id, b.path("approver").asText(null), b.path("reason").asText(null));
                case "reject" -> s.gate().reject(id, b.path("approver").asText(null), b.path("reason").asText(null));
                case "finish" -> s.gate().finish(id, b.path("status").asText(null), GateRequests.decimal(b, "cost"), actor);
                case "heartbeats" -> {
                    var v = s.gate().heartbeat(id, new Heartbeat(b.path("elapsedSeconds").asLong(), null, null,
                            GateRequests.decimal(b, "gpuUtilization")));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("action", v.action().label());
                    m.put("reasons", v.reasons());
                    m.put("spend", v.state().spend());
                    yield m;
                }
                case "show" -> s.gate().get(id).orElseThrow(() -> new IllegalArgumentException("no gate request " + id));
                default -> throw new IllegalArgumentException(step);
            };
            return JSON.valueToTree(result);
        }

        @Override
        public JsonNode list(String state) {
            dev.burnrate.gate.Ticket.State st = state == null ? null : dev.burnrate.gate.Ticket.State.parse(state);
            return JSON.valueToTree(Map.of("requests", s.gate().list(st, null, 500)));
        }

        @Override
        public void close() {
            s.close();
        }
    }

    final class Remote implements GateClient {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;
        private final String token;

        Remote(String base, String token) {
            this.base = base;
            this.token = token;
        }

        @Override
        public JsonNode submit(ObjectNode request) {
            return send("POST", "/api/v1/gate/requests", request);
        }

        @Override
        public JsonNode call(String id, String step, ObjectNode body) {
            if (step.equals("show")) return send("GET", "/api/v1/gate/requests/" + id, null);
            return send("POST", "/api/v1/gate/requests/" + id + "/" + step, body);
        }

        @Override
        public JsonNode list(String state) {
            return send("GET", "/api/v1/gate/requests" + (state == null ? "" : "?state=" + state), null);
        }

        private JsonNode send(String method, String path, JsonNode body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
            if (token != null && !token.isBlank()) b.header("Authorization", "Bearer " + token);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode n = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException(base + path + " answered " + r.statusCode() + ": " + n.path("detail").asText(r.body()));
                }
                return n;
            } catch (IOException e) {
                throw new IllegalStateException("cannot reach " + base + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            http.close();
        }
    }
}

package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default server (loopback, no tokens) against what a web page in the user's browser can send: cross-site form and
 * text/plain posts, DNS rebinding (a foreign Host), and gate requests naming an actuator the server must not call.
 */
class WebSecurityTest {
    static final String CONFIG = """
            prices:
              - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: test}
            budgets:
              - {id: ml, scope: {team: ml}, period: monthly, amount: 10000, currency: USD}
            gate:
              autoApproveLimit: 500
            server:
              allowedHosts: [burnrate.internal]
            actuators:
              allowedHosts: [argo.acme.internal]
              kubernetesNamespaces: {ml: [ml-training]}
            """;
    static final String BIG = """
            {"id":"%s","model":"churn","team":"ml","kind":"full","instanceType":"p4d.24xlarge","count":2,"expectedHours":20,
             "trigger":{"type":"schedule"}%s}""";

    @TempDir
    Path dir;
    Wiring w;
    int port;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), CONFIG);
        w = Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), new MutableClock(Instant.parse("2026-09-10T08:00:00Z")));
        port = w.api().start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        w.api().stop();
        w.close();
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The status of a request sent with a Host header of our choosing (the JDK client will not set one). */
    int statusWithHost(String path, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) line.append((char) c);
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }

    @Test
    void crossSitePost_cannotApproveARequestNorCreateABudget() throws Exception {
        assertThat(post("/api/v1/gate/requests", BIG.formatted("big-1", ""), "Content-Type", "application/json").statusCode()).isEqualTo(201);
        String approve = "{\"approver\":\"mallory\",\"reason\":\"looks fine\"}";
        // what a page on another site can send without a CORS preflight: text/plain, a form, no type; with its Origin
        HttpResponse<String> fromPage = post("/api/v1/gate/requests/big-1/approve", approve, "Content-Type", "text/plain;charset=UTF-8",
                "Origin", "https://evil.example");
        assertThat(fromPage.statusCode()).as(fromPage.body()).isEqualTo(403);
        assertThat(fromPage.body()).contains("cross-origin request from https://evil.example refused");
        assertThat(post("/api/v1/gate/requests/big-1/approve", approve, "Content-Type", "application/json", "Origin", "null").statusCode()).isEqualTo(403);
        HttpResponse<String> textPlain = post("/api/v1/gate/requests/big-1/approve", approve, "Content-Type", "text/plain");
        assertThat(textPlain.statusCode()).isEqualTo(415);
        assertThat(textPlain.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(post("/api/v1/gate/requests/big-1/approve", approve, "Content-Type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(415);
        assertThat(post("/api/v1/gate/requests/big-1/approve", approve).statusCode()).isEqualTo(415); // a body without a type
        assertThat(json.readTree(get("/api/v1/gate/requests/big-1")).get("state").asText()).isEqualTo("pending_approval");

        String budget = "{\"id\":\"evil\",\"amount\":1,\"currency\":\"USD\"}";
        assertThat(post("/api/v1/budgets", budget, "Content-Type", "text/plain", "Origin", "http://evil.example").statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/budgets", budget, "Content-Type", "multipart/form-data; boundary=x").statusCode()).isEqualTo(415);
        JsonNode budgets = json.readTree(get("/api/v1/budgets")).get("budgets");
        assertThat(budgets).extracting(b -> b.get("id").asText()).containsExactly("ml");
    }

    @Test
    void dashboardOnTheSameOrigin_stillChangesState() throws Exception {
        String self = "http://127.0.0.1:" + port;
        assertThat(post("/api/v1/gate/requests", BIG.formatted("big-2", ""), "Content-Type", "application/json", "Origin", self).statusCode()).isEqualTo(201);
        HttpResponse<String> ok = post("/api/v1/gate/requests/big-2/approve", "{\"approver\":\"lead\",\"reason\":\"monthly retrain\"}",
                "Content-Type", "application/json; charset=utf-8", "Origin", self);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json.readTree(ok.body()).get("state").asText()).isEqualTo("approved");
        // a body-less action needs no type; NDJSON batches declare theirs
        assertThat(post("/api/v1/gate/requests/big-2/start", "", "Origin", self).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/jobs", "{\"id\":\"j1\",\"model\":\"churn\",\"team\":\"ml\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\","
                + "\"start\":\"2026-09-01T00:00:00Z\",\"end\":\"2026-09-01T02:00:00Z\",\"status\":\"succeeded\"}\n", "Content-Type", "application/x-ndjson")
                .statusCode()).isEqualTo(202);
        // another port on the same host is another origin
        assertThat(post("/api/v1/budgets", "{\"id\":\"x\",\"amount\":1,\"currency\":\"USD\"}", "Content-Type", "application/json",
                "Origin", "http://127.0.0.1:" + (port + 1)).statusCode()).isEqualTo(403);
    }

    @Test
    void foreignHostHeader_isRefused_soDnsRebindingCannotReadTheApi() throws Exception {
        assertThat(statusWithHost("/api/v1/costs", "attacker.example:" + port)).isEqualTo(403);
        assertThat(statusWithHost("/", "attacker.example:" + port)).isEqualTo(403);
        assertThat(statusWithHost("/api/v1/costs", "127.0.0.1.attacker.example")).isEqualTo(403);
        assertThat(statusWithHost("/api/v1/costs", "127.0.0.1:" + port)).isEqualTo(200);
        assertThat(statusWithHost("/api/v1/costs", "localhost:" + port)).isEqualTo(200);
        assertThat(statusWithHost("/api/v1/costs", "[::1]:" + port)).isEqualTo(200);
        assertThat(statusWithHost("/api/v1/costs", "Burnrate.Internal")).isEqualTo(200); // server.allowedHosts
    }

    @Test
    void actuatorOffTheAllowList_refusesTheRequestAndStoresNothing() throws Exception {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("http://169.254.169.254/latest/meta-data", "not on actuators.allowedHosts");
        refused.put("http://argo.acme.internal.evil.example/hook", "not on actuators.allowedHosts");
        refused.put("file:///etc/passwd", "not an http or https URL");
        int i = 0;
        for (var e : refused.entrySet()) {
            HttpResponse<String> r = post("/api/v1/gate/requests", BIG.formatted("a-" + i++, ",\"actuator\":{\"type\":\"webhook\",\"url\":\"" + e.getKey() + "\"}"),
                    "Content-Type", "application/json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains(e.getValue());
        }
        assertThat(json.readTree(get("/api/v1/gate/requests")).get("requests")).isEmpty();
        assertThat(json.readTree(get("/api/v1/audit?last=100")).get("events").toString()).doesNotContain("169.254.169.254");
        HttpResponse<String> ok = post("/api/v1/gate/requests", BIG.formatted("a-ok", ",\"actuator\":{\"type\":\"webhook\",\"url\":\"https://argo.acme.internal/hook\"}"),
                "Content-Type", "application/json");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }

    @Test
    void kubernetesActuatorOutsideTheTeamsNamespaces_refusesTheRequestAndStoresNothing() throws Exception {
        for (String ns : new String[]{"kube-system", "search-jobs"}) {
            HttpResponse<String> r = post("/api/v1/gate/requests", BIG.formatted("k-" + ns,
                    ",\"actuator\":{\"type\":\"kubernetes\",\"namespace\":\"" + ns + "\",\"job\":\"x\",\"stop\":\"delete\"}"), "Content-Type", "application/json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("not on actuators.kubernetesNamespaces for team ml");
        }
        assertThat(json.readTree(get("/api/v1/gate/requests")).get("requests")).isEmpty();
        HttpResponse<String> ok = post("/api/v1/gate/requests", BIG.formatted("k-ok",
                ",\"actuator\":{\"type\":\"kubernetes\",\"namespace\":\"ml-training\",\"job\":\"retrain\"}"), "Content-Type", "application/json");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }
}

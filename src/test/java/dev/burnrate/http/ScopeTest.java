package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.burnrate.access.Role;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every /api/v1 route with tokens scoped to team {@code fraud}, against data of {@code fraud} and {@code search}: what
 * the route answers holds no {@code search} row, and nothing of {@code search} changes. The table covers exactly the
 * registered routes, so a new route fails here until it gets a scope decision and a case.
 */
class ScopeTest {
    static final String CONFIG = """
            prices:
              - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: test}
            budgets:
              - {id: fraud-budget, scope: {team: fraud}, period: monthly, amount: 100000, currency: USD,
                 thresholds: [{percent: 1, on: actual, action: ticket}]}
              - {id: search-budget, scope: {team: search}, period: monthly, amount: 100000, currency: USD,
                 thresholds: [{percent: 1, on: actual, action: ticket}]}
              - {id: company, period: monthly, amount: 100000, currency: USD}
            gate:
              autoApproveLimit: 500
            slos:
              - {id: fraud-errors, scope: {model: fraud-model}, sli: error_rate, objective: {threshold: 1, unit: "%"}, window: 7d, team: fraud}
              - {id: search-latency, scope: {model: search-model}, sli: latency_p95, objective: {threshold: 300}, target: 99, window: 7d, team: search}
              - {id: shared-cost, scope: {model: shared-model}, sli: cost_per_1k, objective: {threshold: 1, unit: USD}, target: 99, window: 7d}
            """;
    static final String BIG = """
            {"id":"%s","model":"%s-model","team":"%s","kind":"full","instanceType":"p4d.24xlarge","count":2,"expectedHours":20,
             "trigger":{"type":"schedule"}}""";
    static final String SMALL = """
            {"id":"%s","model":"%s-model","team":"%s","kind":"full","instanceType":"p4d.24xlarge","count":1,"expectedHours":1,
             "trigger":{"type":"schedule"}}""";

    @TempDir
    Path dir;
    Wiring w;
    String base;
    dev.burnrate.testing.ApiClient api;
    String admin, viewer, submitter, approver;
    String searchAlert, searchAnomaly;

    interface Case {
        void run() throws Exception;
    }

    @BeforeEach
    void start() throws Exception {
        DailyBill bill = new DailyBill().daily(LocalDate.of(2026, 8, 1), LocalDate.of(2026, 9, 16), "fraud", "100.00")
                .daily(LocalDate.of(2026, 8, 1), LocalDate.of(2026, 9, 16), "search", "50.00")
                .add(LocalDate.of(2026, 9, 16), "fraud", "900.00").add(LocalDate.of(2026, 9, 16), "search", "950.00");
        // an idle GPU job of each team, billed through a job_id tag (no team tag, so the teams' totals above stay as they are)
        for (String team : List.of("fraud", "search")) {
            for (int d = 14; d <= 16; d++) {
                bill.add(LocalDate.of(2026, 9, d), "Amazon EC2", "ml-training", "i-" + team + "-idle", "{\"job_id\": \"" + team + "-idle\"}", new BigDecimal("24.00"));
            }
        }
        Path billFile = bill.write(dir.resolve("bill.csv"));
        Files.writeString(dir.resolve("burnrate.yaml"), CONFIG);
        w = Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), new MutableClock(Instant.parse("2026-09-17T09:00:00Z")));
        w.importer().importFiles(List.of(billFile));
        for (String team : List.of("fraud", "search")) {
            w.jobs().upsert(List.of(new dev.burnrate.ledger.JobRun(team + "-idle", team + "-model", null, team, "experiment", null, "g5.12xlarge", 1,
                    "on_demand", "AWS", "us-east-1", Instant.parse("2026-09-01T00:00:00Z"), null, "running", 0, 0, null, Map.of())));
            List<dev.burnrate.ledger.GpuSample> idle = new ArrayList<>();
            for (Instant t = Instant.parse("2026-09-14T00:00:00Z"); t.isBefore(Instant.parse("2026-09-17T00:00:00Z")); t = t.plusSeconds(3600)) {
                idle.add(new dev.burnrate.ledger.GpuSample(t, team + "-host", "GPU-" + team, 0, team + "-idle", null, null, null, 0, 0, 22888));
            }
            w.gpuSamples().append(idle);
        }
        admin = w.tokens().create("root", Role.ADMIN, Set.of()).secret();
        viewer = w.tokens().create("fraud-dash", Role.VIEWER, Set.of("fraud")).secret();
        submitter = w.tokens().create("fraud-pipeline", Role.SUBMITTER, Set.of("fraud")).secret();
        approver = w.tokens().create("fraud-lead", Role.APPROVER, Set.of("fraud")).secret();
        base = "http://127.0.0.1:" + w.api().start("127.0.0.1", 0);
        api = new dev.burnrate.testing.ApiClient(base);

        for (String team : List.of("fraud", "search")) {
            ok(send("POST", "/api/v1/gate/requests", admin, BIG.formatted(team + "-pending", team, team)));
            ok(send("POST", "/api/v1/gate/requests", admin, SMALL.formatted(team + "-approved", team, team)));
            ok(send("POST", "/api/v1/jobs", admin, "{\"id\":\"" + team + "-job\",\"model\":\"" + team + "-model\",\"team\":\"" + team
                    + "\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\",\"start\":\"2026-09-01T00:00:00Z\",\"end\":\"2026-09-01T02:00:00Z\",\"status\":\"succeeded\"}"));
        }
        w.budgets().evaluate();
        JsonNode found = ok(send("POST", "/api/v1/anomalies/detect?from=2026-09-10&to=2026-09-17", admin, null)).get("anomalies");
        for (JsonNode a : found) {
            if (a.get("dimension").asText().equals("team") && a.get("value").asText().equals("search")) searchAnomaly = a.get("id").asText();
        }
        for (JsonNode a : ok(send("GET", "/api/v1/alerts", admin, null)).get("alerts")) {
            if ("search".equals(a.path("details").path("team").asText(null))) searchAlert = a.get("id").asText();
        }
        assertThat(searchAnomaly).isNotNull();
        assertThat(searchAlert).isNotNull();
    }

    @AfterEach
    void stop() {
        w.api().stop();
        w.close();
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return api.send(method, path, token, body);
    }

    JsonNode ok(HttpResponse<String> r) throws Exception {
        return api.ok(r);
    }

    void status(HttpResponse<String> r, int expected) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri() + ": " + r.body()).isEqualTo(expected);
    }

    /** A read by the fraud viewer: answered, and nothing of search in it. */
    JsonNode fraudOnly(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, viewer, null);
        JsonNode n = ok(r);
        assertThat(r.body()).as(path).doesNotContain("search");
        return n;
    }

    String state(String id) throws Exception {
        return ok(send("GET", "/api/v1/gate/requests/" + id, admin, null)).get("state").asText();
    }

    Map<String, Case> cases() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("GET /api/v1/costs", () -> {
            JsonNode r = fraudOnly("/api/v1/costs?groupBy=team");
            assertThat(r.get("rows")).extracting(x -> x.get("team").asText()).containsOnly("fraud");
            assertThat(new BigDecimal(r.get("totals").get("USD").asText())).isEqualByComparingTo("5500.00"); // 46 days x 100 + 900
            JsonNode alloc = fraudOnly("/api/v1/costs?groupBy=team&allocate=true");
            assertThat(alloc.get("rows")).extracting(x -> x.get("team").asText()).containsOnly("fraud");
            status(send("GET", "/api/v1/costs?groupBy=team&filter=team=search", viewer, null), 403);
            status(send("GET", "/api/v1/costs?groupBy=service&allocate=true", viewer, null), 400);
        });
        c.put("GET /api/v1/coverage", () -> status(send("GET", "/api/v1/coverage", viewer, null), 403));
        c.put("GET /api/v1/forecast", () -> {
            JsonNode r = fraudOnly("/api/v1/forecast?groupBy=team&asOf=2026-09-16");
            assertThat(r.get("scopes")).extracting(x -> x.get("team").asText()).containsExactly("fraud");
        });
        c.put("GET /api/v1/budgets", () -> assertThat(fraudOnly("/api/v1/budgets").get("budgets"))
                .extracting(x -> x.get("id").asText()).containsExactly("fraud-budget"));
        c.put("GET /api/v1/budgets/{id}/status", () -> {
            fraudOnly("/api/v1/budgets/fraud-budget/status");
            status(send("GET", "/api/v1/budgets/search-budget/status", viewer, null), 404);
            status(send("GET", "/api/v1/budgets/company/status", viewer, null), 404);
        });
        c.put("POST /api/v1/budgets", () -> {
            status(send("POST", "/api/v1/budgets", approver, "{\"id\":\"x\",\"scope\":{\"team\":\"fraud\"},\"amount\":1,\"currency\":\"USD\"}"), 403);
            assertThat(ok(send("GET", "/api/v1/budgets", admin, null)).get("budgets")).hasSize(3);
        });
        c.put("DELETE /api/v1/budgets/{id}", () -> {
            status(send("DELETE", "/api/v1/budgets/search-budget", approver, null), 403);
            assertThat(ok(send("GET", "/api/v1/budgets", admin, null)).get("budgets")).hasSize(3);
        });
        c.put("POST /api/v1/gate/requests", () -> {
            status(send("POST", "/api/v1/gate/requests", submitter, SMALL.formatted("s-new", "search", "search")), 403);
            status(send("GET", "/api/v1/gate/requests/s-new", admin, null), 404);
            status(send("POST", "/api/v1/gate/requests", submitter, SMALL.formatted("f-new", "fraud", "fraud")), 201);
            // search's id under a fraud request: neither shown nor replaced
            HttpResponse<String> taken = send("POST", "/api/v1/gate/requests", submitter, BIG.formatted("search-pending", "fraud", "fraud"));
            status(taken, 404);
            assertThat(taken.body()).doesNotContain("search-model");
            assertThat(state("search-pending")).isEqualTo("pending_approval");
            // the same id with other work is refused, not answered with the first request's decision
            status(send("POST", "/api/v1/gate/requests", submitter, BIG.formatted("f-new", "fraud", "fraud")), 409);
        });
        c.put("GET /api/v1/gate/requests", () -> assertThat(fraudOnly("/api/v1/gate/requests").get("requests"))
                .extracting(x -> x.get("id").asText()).contains("fraud-pending", "fraud-approved"));
        c.put("GET /api/v1/gate/requests/{id}", () -> {
            fraudOnly("/api/v1/gate/requests/fraud-pending");
            status(send("GET", "/api/v1/gate/requests/search-pending", viewer, null), 404);
        });
        c.put("POST /api/v1/gate/requests/{id}/approve", () -> {
            status(send("POST", "/api/v1/gate/requests/search-pending/approve", approver, "{\"reason\":\"x\"}"), 404);
            assertThat(state("search-pending")).isEqualTo("pending_approval");
        });
        c.put("POST /api/v1/gate/requests/{id}/reject", () -> {
            status(send("POST", "/api/v1/gate/requests/search-pending/reject", approver, "{\"reason\":\"x\"}"), 404);
            assertThat(state("search-pending")).isEqualTo("pending_approval");
        });
        c.put("POST /api/v1/gate/requests/{id}/start", () -> {
            status(send("POST", "/api/v1/gate/requests/search-approved/start", submitter, null), 404);
            assertThat(state("search-approved")).isEqualTo("approved");
        });
        c.put("POST /api/v1/gate/requests/{id}/release", () -> {
            status(send("POST", "/api/v1/gate/requests/search-approved/release", submitter, null), 404);
            assertThat(state("search-approved")).isEqualTo("approved");
        });
        c.put("POST /api/v1/gate/requests/{id}/heartbeats", () ->
                status(send("POST", "/api/v1/gate/requests/search-approved/heartbeats", submitter, "{\"elapsedSeconds\":60}"), 404));
        c.put("POST /api/v1/gate/requests/{id}/finish", () -> {
            status(send("POST", "/api/v1/gate/requests/search-approved/finish", submitter, "{\"status\":\"failed\"}"), 404);
            assertThat(state("search-approved")).isEqualTo("approved");
        });
        c.put("GET /api/v1/audit", () -> {
            assertThat(fraudOnly("/api/v1/audit").get("events")).isNotEmpty();
            assertThat(fraudOnly("/api/v1/audit?last=1000").get("events")).isNotEmpty();
            assertThat(fraudOnly("/api/v1/audit?subject=search-pending").get("events")).isEmpty();
        });
        c.put("GET /api/v1/audit/verify", () -> assertThat(fraudOnly("/api/v1/audit/verify").get("intact").asBoolean()).isTrue());
        c.put("GET /api/v1/policies", () -> fraudOnly("/api/v1/policies"));
        c.put("POST /api/v1/policies/evaluate", () -> ok(send("POST", "/api/v1/policies/evaluate", viewer, "{\"appliesTo\":\"gate_request\",\"input\":{}}")));
        c.put("GET /api/v1/alerts", () -> {
            JsonNode alerts = fraudOnly("/api/v1/alerts").get("alerts");
            assertThat(alerts).isNotEmpty().allSatisfy(a -> assertThat(a.get("details").get("team").asText()).isEqualTo("fraud"));
        });
        c.put("POST /api/v1/alerts/{id}/ack", () -> {
            status(send("POST", "/api/v1/alerts/" + searchAlert + "/ack", submitter, null), 404);
            assertThat(alertState(searchAlert)).isEqualTo("open");
            // the team's own alert: acknowledged as the token's holder, whoever ?by= names
            String fraudAlert = fraudOnly("/api/v1/alerts").get("alerts").get(0).get("id").asText();
            ok(send("POST", "/api/v1/alerts/" + fraudAlert + "/ack?by=mallory", submitter, null));
            List<String> who = new ArrayList<>();
            for (JsonNode e : ok(send("GET", "/api/v1/audit?subject=alert:" + fraudAlert, admin, null)).get("events")) who.add(e.get("actor").asText());
            assertThat(who).containsExactly("fraud-pipeline");
        });
        c.put("POST /api/v1/alerts/{id}/resolve", () -> {
            status(send("POST", "/api/v1/alerts/" + searchAlert + "/resolve", submitter, null), 404);
            assertThat(alertState(searchAlert)).isEqualTo("open");
        });
        c.put("GET /api/v1/anomalies", () -> assertThat(fraudOnly("/api/v1/anomalies").get("anomalies"))
                .isNotEmpty().allSatisfy(a -> assertThat(a.get("value").asText()).isEqualTo("fraud")));
        c.put("POST /api/v1/anomalies/detect", () -> status(send("POST", "/api/v1/anomalies/detect", submitter, null), 403));
        c.put("GET /api/v1/anomalies/{id}", () -> {
            String id = URLEncoder.encode(searchAnomaly, StandardCharsets.UTF_8);
            status(send("GET", "/api/v1/anomalies/" + id, submitter, null), 404);
            assertThat(ok(send("GET", "/api/v1/anomalies/" + id, admin, null)).get("id").asText()).isEqualTo(searchAnomaly);
        });
        c.put("POST /api/v1/anomalies/{id}/feedback", () -> {
            String id = URLEncoder.encode(searchAnomaly, StandardCharsets.UTF_8);
            status(send("POST", "/api/v1/anomalies/" + id + "/feedback", submitter, "{\"verdict\":\"expected\"}"), 404);
            for (JsonNode a : ok(send("GET", "/api/v1/anomalies", admin, null)).get("anomalies")) {
                if (a.get("id").asText().equals(searchAnomaly)) assertThat(a.get("feedback").isNull()).isTrue();
            }
        });
        c.put("GET /api/v1/recommendations", () -> {
            JsonNode r = fraudOnly("/api/v1/recommendations");
            assertThat(r.get("recommendations")).isNotEmpty().allSatisfy(x -> assertThat(x.get("team").asText()).isEqualTo("fraud"));
            assertThat(r.has("commitments")).isFalse(); // the commitment report spans every team
            status(send("GET", "/api/v1/recommendations?team=search", viewer, null), 403);
            assertThat(ok(send("GET", "/api/v1/recommendations", admin, null)).get("recommendations")).extracting(x -> x.get("team").asText())
                    .contains("fraud", "search");
            // an unknown kind is a problem naming the parameter, as for every query parameter
            HttpResponse<String> bogus = send("GET", "/api/v1/recommendations?kind=bogus", admin, null);
            status(bogus, 400);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(bogus.body()).path("parameter").asText()).isEqualTo("kind");
        });
        c.put("POST /api/v1/recommendations/{id}/accept", () -> {
            String id = searchRecommendation();
            status(send("POST", "/api/v1/recommendations/" + id + "/accept", submitter, null), 404);
            assertThat(recommendationStatus(id)).isEqualTo("open");
            String own = fraudOnly("/api/v1/recommendations").get("recommendations").get(0).get("id").asText();
            JsonNode accepted = ok(send("POST", "/api/v1/recommendations/" + own + "/accept", submitter, null));
            assertThat(accepted.get("state").get("status").asText()).isEqualTo("accepted");
            assertThat(accepted.get("state").get("actor").asText()).isEqualTo("fraud-pipeline");
        });
        c.put("POST /api/v1/recommendations/{id}/dismiss", () -> {
            String id = searchRecommendation();
            status(send("POST", "/api/v1/recommendations/" + id + "/dismiss", submitter, "{\"reason\":\"not ours\"}"), 404);
            assertThat(recommendationStatus(id)).isEqualTo("open");
        });
        c.put("POST /api/v1/recommendations/{id}/implemented", () -> {
            String id = searchRecommendation();
            status(send("POST", "/api/v1/recommendations/" + id + "/implemented", submitter, null), 404);
            assertThat(recommendationStatus(id)).isEqualTo("open");
            String own = fraudOnly("/api/v1/recommendations").get("recommendations").get(0).get("id").asText();
            JsonNode done = ok(send("POST", "/api/v1/recommendations/" + own + "/implemented", submitter, null));
            assertThat(done.get("implementedBy").asText()).isEqualTo("fraud-pipeline");
            assertThat(fraudOnly("/api/v1/recommendations").get("realised")).extracting(x -> x.get("id").asText()).contains(own);
            assertThat(ok(send("GET", "/api/v1/recommendations?team=fraud", admin, null)).get("realised")).isNotEmpty();
            status(send("POST", "/api/v1/recommendations/" + own + "/implemented", submitter, null), 409); // once
        });
        c.put("POST /api/v1/gpu-samples", () -> status(send("POST", "/api/v1/gpu-samples", submitter,
                "{\"time\":\"2026-09-16T10:00:00Z\",\"gpu\":\"GPU-a\",\"job\":\"search-job\",\"util\":0,\"memUsedMiB\":4000}"), 403));
        c.put("GET /api/v1/gpu-usage", () -> status(send("GET", "/api/v1/gpu-usage", viewer, null), 403));
        c.put("POST /api/v1/instance-samples", () -> status(send("POST", "/api/v1/instance-samples", submitter,
                "timestamp,resource_id,cpu_utilization\n2026-09-16T10:00:00Z,i-0a,5\n"), 403)); // instances name no team: unscoped collectors only
        c.put("POST /api/v1/imports", () -> status(send("POST", "/api/v1/imports", submitter, "{}"), 403)); // bills span every team
        c.put("GET /api/v1/imports", () -> status(send("GET", "/api/v1/imports", viewer, null), 403));
        c.put("POST /api/v1/cli", () -> status(send("POST", "/api/v1/cli", admin, "{\"args\":[\"costs\"]}"), 403)); // the local credential only
        c.put("GET /api/v1/slos", () -> assertThat(fraudOnly("/api/v1/slos").get("slos"))
                .extracting(x -> x.get("id").asText()).containsExactly("fraud-errors"));
        c.put("GET /api/v1/slos/{id}", () -> {
            fraudOnly("/api/v1/slos/fraud-errors");
            status(send("GET", "/api/v1/slos/search-latency", viewer, null), 404);
            status(send("GET", "/api/v1/slos/shared-cost", viewer, null), 404);
        });
        c.put("POST /api/v1/slos", () -> status(send("POST", "/api/v1/slos", submitter,
                "{id: fraud-p99, scope: {model: fraud-model}, sli: latency_p99, objective: {threshold: 500, unit: ms}, target: 99, window: 28d, team: fraud}"), 403));
        c.put("DELETE /api/v1/slos/{id}", () -> {
            status(send("DELETE", "/api/v1/slos/fraud-errors", submitter, null), 403);
            assertThat(ok(send("GET", "/api/v1/slos", admin, null)).get("slos")).extracting(x -> x.get("id").asText()).contains("fraud-errors");
        });
        c.put("GET /api/v1/slis", () -> status(send("GET", "/api/v1/slis", viewer, null), 403)); // usage names no team
        c.put("GET /api/v1/slis/series", () -> status(send("GET", "/api/v1/slis/series?model=fraud-model", viewer, null), 403));
        c.put("POST /api/v1/events", () -> status(send("POST", "/api/v1/events", submitter,
                "{\"kind\":\"deploy\",\"model\":\"fraud-model\",\"at\":\"2026-09-17T08:00:00Z\"}"), 403));
        c.put("GET /api/v1/events", () -> status(send("GET", "/api/v1/events", viewer, null), 403));
        c.put("POST /api/v1/inference-usage", () -> status(send("POST", "/api/v1/inference-usage", submitter, "{}"), 403));
        c.put("GET /api/v1/inference-costs", () -> status(send("GET", "/api/v1/inference-costs", viewer, null), 403));
        c.put("POST /api/v1/jobs", () -> {
            String both = "[{\"id\":\"fraud-2\",\"model\":\"m\",\"team\":\"fraud\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\","
                    + "\"start\":\"2026-09-02T00:00:00Z\",\"end\":\"2026-09-02T01:00:00Z\",\"status\":\"succeeded\"},"
                    + "{\"id\":\"search-2\",\"model\":\"m\",\"team\":\"search\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\","
                    + "\"start\":\"2026-09-02T00:00:00Z\",\"end\":\"2026-09-02T01:00:00Z\",\"status\":\"succeeded\"}]";
            status(send("POST", "/api/v1/jobs", submitter, both), 403);
            assertThat(ok(send("GET", "/api/v1/jobs", admin, null)).get("jobs")).hasSize(4); // neither stored (two runs and two idle jobs of setup)
            // re-posting search's run under team fraud would take it over: refused, the run stays search's
            String takeover = "[{\"id\":\"search-job\",\"model\":\"m\",\"team\":\"fraud\",\"kind\":\"training\",\"instanceType\":\"p4d.24xlarge\","
                    + "\"start\":\"2026-09-02T00:00:00Z\",\"end\":\"2026-09-02T01:00:00Z\",\"status\":\"succeeded\"}]";
            status(send("POST", "/api/v1/jobs", submitter, takeover), 403);
            assertThat(ok(send("GET", "/api/v1/jobs?team=search", admin, null)).get("jobs")).extracting(j -> j.get("id").asText()).contains("search-job");
        });
        c.put("GET /api/v1/jobs", () -> {
            assertThat(fraudOnly("/api/v1/jobs").get("jobs")).extracting(j -> j.get("id").asText()).containsExactlyInAnyOrder("fraud-job", "fraud-idle");
            status(send("GET", "/api/v1/jobs?team=search", viewer, null), 403);
        });
        c.put("GET /api/v1/unit-costs", () -> {
            assertThat(fraudOnly("/api/v1/unit-costs?by=team").get("training")).extracting(l -> l.get("team").asText()).containsExactly("fraud");
            status(send("GET", "/api/v1/unit-costs?by=model", viewer, null), 403);
            // kind=inference sends the other parameters on to inference-costs, which does not take kind itself
            HttpResponse<String> moved = send("GET", "/api/v1/unit-costs?kind=inference&by=model&from=2026-09-01", admin, null);
            assertThat(moved.headers().firstValue("Location")).hasValue("/api/v1/inference-costs?by=model&from=2026-09-01");
            status(send("GET", "/api/v1/unit-costs?by=team&from=2026-09-01", admin, null), 400); // training covers every run
            assertThat(ok(send("GET", "/api/v1/inference-costs?by=model", admin, null)).has("inference")).isTrue();
        });
        return c;
    }

    String searchRecommendation() throws Exception {
        for (JsonNode r : ok(send("GET", "/api/v1/recommendations", admin, null)).get("recommendations")) {
            if ("search".equals(r.get("team").asText())) return r.get("id").asText();
        }
        throw new AssertionError("no recommendation of search");
    }

    String recommendationStatus(String id) throws Exception {
        for (JsonNode r : ok(send("GET", "/api/v1/recommendations", admin, null)).get("recommendations")) {
            if (r.get("id").asText().equals(id)) return r.get("state").get("status").asText();
        }
        return null;
    }

    String alertState(String id) throws Exception {
        for (JsonNode a : ok(send("GET", "/api/v1/alerts", admin, null)).get("alerts")) if (a.get("id").asText().equals(id)) return a.get("state").asText();
        return null;
    }

    @Test
    void everyRoute_withATokenScopedToFraud_showsAndChangesNothingOfSearch() throws Exception {
        List<ApiServer.Route> api = w.api().routes().stream().filter(r -> r.path().startsWith("/api/v1/")).toList();
        assertThat(api).as("every /api/v1 route declares a team scope").allSatisfy(r ->
                assertThat(r.roles()).as(r.method() + " " + r.path()).hasAtLeastOneElementOfType(Access.Scope.class));
        Set<String> registered = api.stream().map(r -> r.method() + " " + r.path()).collect(Collectors.toCollection(TreeSet::new));
        Map<String, Case> cases = cases();
        assertThat(new TreeSet<>(cases.keySet())).as("a case per registered route").isEqualTo(registered);
        List<String> failed = new ArrayList<>();
        for (var e : cases.entrySet()) {
            try {
                e.getValue().run();
            } catch (AssertionError | Exception ex) {
                failed.add(e.getKey() + ": " + ex.getMessage());
            }
        }
        assertThat(failed).isEmpty();
    }
}

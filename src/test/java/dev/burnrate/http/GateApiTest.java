package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.access.Role;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gate over HTTP with API tokens: roles, team scopes, approvals by someone else, and the loopback rule. */
class GateApiTest {
    static final String CONFIG = """
            prices:
              - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: test}
            budgets:
              - {id: ml, scope: {team: ml}, period: monthly, amount: 10000, currency: USD}
            gate:
              autoApproveLimit: 500
            """;
    static final String BIG = """
            {"id":"%s","model":"churn","team":"%s","kind":"full","instanceType":"p4d.24xlarge","count":2,"expectedHours":20,
             "trigger":{"type":"schedule"}}""";

    @TempDir
    Path dir;
    Wiring w;
    String base;
    dev.burnrate.testing.ApiClient api;
    final ObjectMapper json = new ObjectMapper();
    String viewer, submitter, otherTeam, approver, approverOther;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), CONFIG);
        w = Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), new MutableClock(Instant.parse("2026-09-10T08:00:00Z")));
        viewer = w.tokens().create("dash", Role.VIEWER, Set.of()).secret();
        submitter = w.tokens().create("ml-pipeline", Role.SUBMITTER, Set.of("ml")).secret();
        otherTeam = w.tokens().create("nlp-pipeline", Role.SUBMITTER, Set.of("nlp")).secret();
        approver = w.tokens().create("ml-lead", Role.APPROVER, Set.of("ml")).secret();
        approverOther = w.tokens().create("nlp-lead", Role.APPROVER, Set.of("nlp")).secret();
        base = "http://127.0.0.1:" + w.api().start("127.0.0.1", 0);
        api = new dev.burnrate.testing.ApiClient(base);
    }

    @AfterEach
    void stop() {
        w.api().stop();
        w.close();
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return api.send(method, path, token, body);
    }

    @Test
    void tokens_areRequired_rolesAndTeamsAreEnforced() throws Exception {
        assertThat(send("GET", "/api/v1/gate/requests", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/gate/requests", "brt_not-a-token", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> viewerPost = send("POST", "/api/v1/gate/requests", viewer, BIG.formatted("v-1", "ml"));
        assertThat(viewerPost.statusCode()).isEqualTo(403);
        assertThat(viewerPost.body()).contains("role viewer; this needs submitter");
        HttpResponse<String> wrongTeam = send("POST", "/api/v1/gate/requests", otherTeam, BIG.formatted("n-1", "ml"));
        assertThat(wrongTeam.statusCode()).isEqualTo(403);
        assertThat(wrongTeam.body()).contains("may not submit for team ml");
        assertThat(w.tokens().all()).allSatisfy(t -> assertThat(t.hash()).hasSize(64).doesNotContain("brt_"));
    }

    @Test
    void pendingRequest_isApprovedByAnApproverOfItsTeam_only() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/gate/requests", submitter, BIG.formatted("big-1", "ml"));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode t = json.readTree(created.body());
        // 2 × 20 h × 20 = 800 p50, 1,000 p90 > 500 auto-approve
        assertThat(t.path("decision").asText()).isEqualTo("pending_approval");
        assertThat(t.path("request").path("requester").asText()).isEqualTo("ml-pipeline");
        // amounts travel as exact decimal strings, never as JSON numbers (a client's double would lose digits)
        assertThat(t.path("planEstimate").path("p90").path("amount").isTextual()).as(created.body()).isTrue();
        assertThat(new java.math.BigDecimal(t.path("planEstimate").path("p90").path("amount").asText())).isEqualByComparingTo("1000.00");
        assertThat(t.path("planEstimate").path("hoursP90").isTextual()).isTrue();
        assertThat(created.body()).doesNotContainPattern("\"(amount|hoursP50|hoursP90|hours|scaledHours)\"\\s*:\\s*[-0-9]");
        assertThat(send("POST", "/api/v1/gate/requests", submitter, BIG.formatted("big-1", "ml")).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/gate/requests/big-1/approve", submitter, "{\"reason\":\"self\"}").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/v1/gate/requests/big-1/approve", approverOther, "{\"reason\":\"x\"}").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/api/v1/gate/requests/big-1/start", submitter, null).statusCode()).isEqualTo(409);
        HttpResponse<String> ok = send("POST", "/api/v1/gate/requests/big-1/approve", approver, "{\"reason\":\"monthly retrain\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json.readTree(ok.body()).path("state").asText()).isEqualTo("approved");
        assertThat(send("POST", "/api/v1/gate/requests/big-1/start", submitter, null).statusCode()).isEqualTo(200);
        HttpResponse<String> hb = send("POST", "/api/v1/gate/requests/big-1/heartbeats", submitter, "{\"elapsedSeconds\":3600,\"gpuUtilization\":88}");
        assertThat(json.readTree(hb.body()).path("action").asText()).isEqualTo("none");
        assertThat(new java.math.BigDecimal(json.readTree(hb.body()).path("spend").asText())).isEqualByComparingTo("40.00");
        HttpResponse<String> audit = send("GET", "/api/v1/audit?subject=big-1", viewer, null);
        assertThat(audit.body()).contains("gate.pending_approval", "gate.approval.approved", "ml-lead", "gate.started");
        HttpResponse<String> verify = send("GET", "/api/v1/audit/verify", viewer, null);
        assertThat(json.readTree(verify.body()).path("intact").asBoolean()).isTrue();
        HttpResponse<String> budgets = send("GET", "/api/v1/budgets", viewer, null);
        assertThat(budgets.body()).contains("\"reserved\"");
    }

    @Test
    void badRequest_getsAProblemNamingTheField() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/gate/requests", submitter, "{\"model\":\"churn\",\"team\":\"ml\",\"kind\":\"huge\",\"instanceType\":\"p4d.24xlarge\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("kind 'huge' is not one of full, incremental, hpo, experiment");
        HttpResponse<String> unknown = send("POST", "/api/v1/gate/requests", submitter, "{\"model\":\"churn\",\"team\":\"ml\",\"kind\":\"full\",\"instanceType\":\"x9.huge\",\"expectedHours\":1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("no price for AWS x9.huge in us-east-1");
    }

    @Test
    void serverWithoutTokens_refusesToListenBeyondLoopback() {
        w.api().stop();
        for (var t : w.tokens().all()) w.tokens().revoke(t.id());
        assertThatThrownBy(() -> new ApiServer(w.costs(), java.time.Clock.systemUTC()).withGovernance(w.gate(), w.audit(), w.tokens()).start("0.0.0.0", 0))
                .hasMessageContaining("refusing to listen on 0.0.0.0 without API tokens");
    }
}

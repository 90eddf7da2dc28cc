package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API on a real server, a free port on loopback, over the real sample in a real ledger file. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerTest {
    @TempDir
    static Path dir;
    TestLedger ledger;
    ApiServer server;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void start() {
        ledger = new TestLedger(dir);
        ledger.importer.importFiles(List.of(TestLedger.fixture("focus/focus_sample.csv", dir)));
        server = new ApiServer(ledger.costs, TestLedger.CLOCK);
        int port = server.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() {
        server.stop();
        ledger.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void costs_byProviderOnBilledBasis_returnsGoldenTotalsAsDecimalStrings() throws Exception {
        HttpResponse<String> r = get("/api/v1/costs?groupBy=ProviderName&basis=billed");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("rows")).hasSize(3);
        JsonNode aws = body.get("rows").get(0);
        assertThat(aws.get("ProviderName").asText()).isEqualTo("AWS");
        assertThat(new BigDecimal(aws.get("cost").asText())).isEqualByComparingTo("18.0066386184");
        assertThat(new BigDecimal(body.get("totals").get("USD").asText())).isEqualByComparingTo("20.52022672899");
    }

    @Test
    void costs_withFilterAndDailyGranularity_returnsOnlyMatchingRows() throws Exception {
        HttpResponse<String> r = get("/api/v1/costs?groupBy=environment&granularity=day&filter=ProviderName:Microsoft&basis=billed");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("rows").size()).isGreaterThan(1);
        assertThat(body.get("rows").get(0).has("period")).isTrue();
        assertThat(new BigDecimal(body.get("totals").get("USD").asText())).isEqualByComparingTo("1.97651418586");
    }

    @Test
    void costs_unknownDimension_is400ProblemNamingTheParameter() throws Exception {
        HttpResponse<String> r = get("/api/v1/costs?groupBy=team,colour");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode p = json.readTree(r.body());
        assertThat(p.get("parameter").asText()).isEqualTo("groupBy");
        assertThat(p.get("detail").asText()).contains("colour");
        assertThat(p.get("status").asInt()).isEqualTo(400);
    }

    @Test
    void costs_aParameterTheRouteDoesNotTake_is400NamingItAndWhatItTakes() throws Exception {
        // ?by= is the CLI's flag and other routes' parameter; here it was ignored and the answer was the ungrouped total
        HttpResponse<String> r = get("/api/v1/costs?by=ProviderName&basis=billed");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode p = json.readTree(r.body());
        assertThat(p.get("parameter").asText()).isEqualTo("by");
        assertThat(p.get("detail").asText()).contains("'by' is not a parameter of GET /api/v1/costs", "groupBy, from, to");
        assertThat(get("/api/v1/coverage?form=2024-09-01").statusCode()).as("a misspelt from").isEqualTo(400);
        assertThat(get("/api/v1/costs?groupBy=ProviderName&basis=billed").statusCode()).isEqualTo(200);
    }

    @Test
    void costs_badDate_is400ProblemNamingTheParameter() throws Exception {
        HttpResponse<String> r = get("/api/v1/costs?from=2024-13-01");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("parameter").asText()).isEqualTo("from");
    }

    @Test
    void coverage_returnsEveryDimensionWithPercent() throws Exception {
        JsonNode body = json.readTree(get("/api/v1/coverage").body());
        assertThat(body.get("coverage")).hasSize(9);
        assertThat(body.get("coverage").get(0).get("dimension").asText()).isEqualTo("team");
    }

    @Test
    void healthzMetricsAndOpenApi_areServed() throws Exception {
        assertThat(json.readTree(get("/healthz").body()).get("costRecords").asLong()).isEqualTo(1000);
        get("/api/v1/costs");
        HttpResponse<String> m = get("/metrics");
        assertThat(m.body()).contains("burnrate_ledger_cost_records 1000", "burnrate_http_requests_total{method=\"GET\",route=\"/api/v1/costs\"");
        JsonNode api = json.readTree(get("/api/openapi.json").body());
        assertThat(api.get("paths").has("/api/v1/costs")).isTrue();
    }

    @Test
    void dashboardFiles_areServedAsUtf8() throws Exception {
        for (String[] f : new String[][]{{"/", "text/html"}, {"/app.js", "text/javascript"}, {"/app.css", "text/css"}}) {
            HttpResponse<String> r = get(f[0]);
            assertThat(r.statusCode()).as(f[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase()).as(f[0])
                    .isEqualTo(f[1] + ";charset=utf-8");
        }
    }

    @Test
    void forecast_byProvider_returnsDailyPointsWithIntervals() throws Exception {
        HttpResponse<String> r = get("/api/v1/forecast?groupBy=ProviderName&horizon=7d&asOf=2024-10-01");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode scopes = json.readTree(r.body()).get("scopes");
        assertThat(scopes).hasSize(3);
        JsonNode day = scopes.get(0).get("days").get(0);
        assertThat(day.get("date").asText()).isEqualTo("2024-10-01");
        assertThat(new BigDecimal(day.get("low").asText())).isLessThanOrEqualTo(new BigDecimal(day.get("expected").asText()));
        assertThat(new BigDecimal(day.get("high").asText())).isGreaterThanOrEqualTo(new BigDecimal(day.get("expected").asText()));
        assertThat(get("/api/v1/forecast?horizon=0").statusCode()).isEqualTo(400);
    }

    @Test
    void head_underTheApi_is405NamingGet_notAnInternalError() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/costs")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void unknownPath_is404Problem() throws Exception {
        HttpResponse<String> r = get("/api/v1/nothing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }
}

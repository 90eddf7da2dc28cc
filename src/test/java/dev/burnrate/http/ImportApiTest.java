package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bills in while serving: POST /api/v1/imports takes FOCUS exports as multipart uploads and imports them with the CLI's
 * rules (all-or-nothing per file, idempotent, errors naming file, line, column and value); GET lists the import log.
 */
class ImportApiTest {
    @TempDir
    Path dir;
    Wiring w;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        w = Wiring.open(dir.resolve("l.duckdb"), null, new MutableClock(Instant.parse("2026-09-17T09:00:00Z")));
        base = "http://127.0.0.1:" + w.serve("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        w.api().stop();
        w.close();
    }

    HttpResponse<String> upload(String name, byte[] content, String origin) throws Exception {
        return http.send(dev.burnrate.testing.ImportUpload.request(base, name, content, origin), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void realExport_uploaded_isImportedOnce_listedInTheLog_andInTheCosts() throws Exception {
        byte[] sample = Files.readAllBytes(TestLedger.fixture("focus/focus_sample.csv", dir));
        HttpResponse<String> first = upload("focus_sample.csv", sample, null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode f = json.readTree(first.body()).get("files").get(0);
        assertThat(f.get("file").asText()).isEqualTo("focus_sample.csv");
        assertThat(f.get("status").asText()).isEqualTo("imported");
        assertThat(f.get("rows").asLong()).isEqualTo(1000);
        BigDecimal billed = new BigDecimal(f.get("billed").get("USD").asText());

        HttpResponse<String> again = upload("renamed.csv", sample, null); // same content, another name: idempotent by hash
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("files").get(0).get("status").asText()).isEqualTo("skipped");

        JsonNode log = get("/api/v1/imports").get("imports");
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("sha256").asText()).hasSize(64);
        assertThat(log.get(0).get("file").asText()).isEqualTo("focus_sample.csv"); // the upload's name, not where it was kept
        assertThat(new BigDecimal(log.get(0).get("billed").get("USD").asText())).isEqualByComparingTo(billed);
        JsonNode costs = get("/api/v1/costs?basis=billed");
        assertThat(new BigDecimal(costs.get("totals").get("USD").asText())).isEqualByComparingTo(billed);
    }

    @Test
    void badExport_is422NamingFileLineColumnAndValue_andStoresNothing() throws Exception {
        String bad = "BilledCost,EffectiveCost,BillingCurrency,BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName\n"
                + "1.5,1.5,USD,a,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,AWS\n"
                + "abc,1.5,USD,a,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-02T00:00:00Z,2024-09-02T01:00:00Z,AWS\n";
        HttpResponse<String> r = upload("2024-09 bill.csv", bad.getBytes(StandardCharsets.UTF_8), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = json.readTree(r.body());
        assertThat(p.get("file").asText()).isEqualTo("2024-09_bill.csv");
        assertThat(p.get("line").asLong()).isEqualTo(3);
        assertThat(p.get("column").asText()).isEqualTo("BilledCost");
        assertThat(p.get("value").asText()).isEqualTo("abc");
        assertThat(p.get("detail").asText()).doesNotContain("burnrate-upload-");
        assertThat(get("/api/v1/imports").get("imports")).isEmpty();
        assertThat(get("/api/v1/costs").get("totals").size()).isZero();
    }

    @Test
    void crossSiteUpload_isRefused() throws Exception {
        byte[] sample = Files.readAllBytes(TestLedger.fixture("focus/focus_sample.csv", dir));
        assertThat(upload("focus_sample.csv", sample, "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/imports").get("imports")).isEmpty();
    }
}

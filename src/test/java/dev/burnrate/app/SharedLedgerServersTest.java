package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.testing.Fixtures;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two `burnrate serve` (two Wirings, each with its own ledger file and HTTP server) whose burnrate.yaml names one ledger
 * directory: a bill uploaded to one is in the other's reports and import log, and a restatement through the other is
 * seen by the first.
 */
class SharedLedgerServersTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-09-17T09:00:00Z"));
    final List<Wiring> servers = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() {
        servers.forEach(w -> {
            w.api().stop();
            w.close();
        });
    }

    private String serve(Path yaml, String name) {
        Wiring w = Wiring.open(dir.resolve(name + ".duckdb"), yaml, clock);
        servers.add(w);
        return "http://127.0.0.1:" + w.serve("127.0.0.1", 0);
    }

    private HttpResponse<String> upload(String base, String name, byte[] content) throws Exception {
        return http.send(dev.burnrate.testing.ImportUpload.request(base, name, content, null), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void twoServersOnOneLedgerDirectory_answerTheSameCostsAndImportLog() throws Exception {
        // teams from the sample's "application" tag: b, started after a imported, maps the tag sets a brought by this map too
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), "ledger: shared-ledger\ntagMap:\n  team:\n    keys: [application]\n");
        Files.createDirectories(dir.resolve("shared-ledger")); // the mount: Burnrate never creates it
        String a = serve(yaml, "a");
        byte[] sample = Files.readAllBytes(TestLedger.fixture("focus/focus_sample.csv", dir));
        HttpResponse<String> up = upload(a, "focus_sample.csv", sample);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String b = serve(yaml, "b");
        assertThat(dir.resolve("shared-ledger/_manifest")).isDirectoryContaining("glob:**/00000000000000000001.json");

        List<String> reports = List.of("/api/v1/costs?from=2024-09-01&to=2024-10-01", "/api/v1/costs?granularity=day&from=2024-09-01&to=2024-11-01",
                "/api/v1/costs?groupBy=team&from=2024-09-01", "/api/v1/costs?groupBy=ServiceName,RegionId&granularity=week", "/api/v1/coverage");
        for (String q : reports) {
            JsonNode fromA = json.readTree(get(a, q));
            assertThat(fromA.toString()).as(q).contains("USD");
            assertThat(json.readTree(get(b, q))).as(q).isEqualTo(fromA);
        }
        JsonNode teams = json.readTree(get(b, "/api/v1/costs?groupBy=team&from=2024-09-01"));
        assertThat(teams.get("rows").findValuesAsText("team")).contains("__unallocated__").hasSizeGreaterThan(1);
        JsonNode total = json.readTree(get(b, "/api/v1/costs?basis=billed&from=2024-01-01")).get("totals").get("USD");
        java.math.BigDecimal expected = Fixtures.sampleLines(dir, 1000).stream().skip(1).map(l -> new java.math.BigDecimal(l.split(",", 3)[1]))
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
        assertThat(new java.math.BigDecimal(total.asText())).isEqualByComparingTo(expected); // every digit of the sample's BilledCost
        assertThat(json.readTree(get(b, "/api/v1/imports")).toString()).contains("focus_sample.csv");

        // a restatement of the AWS period through b: a answers with it
        List<String> lines = Fixtures.sampleLines(dir, 10);
        HttpResponse<String> restated = upload(b, "aws-restated.csv", String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        assertThat(restated.statusCode()).as(restated.body()).isEqualTo(201);
        for (String q : reports) assertThat(json.readTree(get(a, q))).as(q).isEqualTo(json.readTree(get(b, q)));
        assertThat(new java.math.BigDecimal(json.readTree(get(a, "/api/v1/costs?basis=billed&from=2024-01-01")).get("totals").get("USD").asText()))
                .isLessThan(new java.math.BigDecimal(total.asText()));
        assertThat(get(a, "/metrics")).contains("burnrate_ledger_cost_records " + (1000 - 942 + 10)).contains("burnrate_ledger_version 2");
        // both read the same version of the bill, and say where it is
        assertThat(json.readTree(get(a, "/healthz")).get("ledger")).isEqualTo(json.readTree(get(b, "/healthz")).get("ledger"));
        assertThat(json.readTree(get(b, "/healthz")).get("ledger").get("version").asLong()).isEqualTo(2);

        // the share goes away: the process is alive (liveness must not restart every replica on an NFS blip), the scrape
        // keeps its other metrics, readiness and the reports say the ledger is unavailable (503, not 500)
        Files.move(dir.resolve("shared-ledger/_manifest"), dir.resolve("manifest.away"));
        JsonNode alive = json.readTree(get(a, "/healthz"));
        assertThat(alive.get("status").asText()).isEqualTo("ok");
        assertThat(alive.get("costRecords").isNull()).isTrue();
        assertThat(alive.get("ledger").get("problem").asText()).contains("is the shared directory mounted");
        assertThat(get(a, "/metrics")).contains("burnrate_ledger_up 0", "burnrate_http_requests_total").doesNotContain("burnrate_ledger_version");
        HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create(a + "/api/v1/costs?from=2024-09-01")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).as(report.body()).isEqualTo(503);
        assertThat(report.headers().firstValue("Retry-After")).contains("30");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(a + "/readyz")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
        Files.move(dir.resolve("manifest.away"), dir.resolve("shared-ledger/_manifest"));
        assertThat(get(a, "/metrics")).contains("burnrate_ledger_up 1", "burnrate_ledger_version 2");
    }
}

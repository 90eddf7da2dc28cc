package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A budget written through the API, and a bill imported, bind the very next gate decision: 200 concurrent requests
 * sent right after the write approve exactly as many as the budget has room for (no cached view of the budgets or of
 * the spend in between). The catalog has one instance type and no spot price, so no cheaper plan can fit instead.
 */
class BudgetsBindTheGateTest {
    static final String CONFIG = """
            prices:
              - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, source: test}
            gate:
              autoApproveLimit: 100000
            """;
    static final String REQUEST = """
            {"id":"%s","model":"churn","team":"ml","kind":"experiment","instanceType":"p4d.24xlarge","count":1,"expectedHours":10,
             "trigger":{"type":"manual"}}""";
    static final Instant NOW = Instant.parse("2026-09-10T08:00:00Z");

    @TempDir
    Path dir;
    Wiring w;
    String base;
    dev.burnrate.testing.ApiClient api;
    final ObjectMapper json = new ObjectMapper();
    final ExecutorService pool = Executors.newFixedThreadPool(32);
    BigDecimal p90;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), CONFIG);
        w = Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), new MutableClock(NOW));
        base = "http://127.0.0.1:" + w.api().start("127.0.0.1", 0);
        api = new dev.burnrate.testing.ApiClient(base);
        // one request with no budget in force tells the p90 every request of this shape holds; then it is released
        JsonNode probe = json.readTree(send("POST", "/api/v1/gate/requests", REQUEST.formatted("probe")).body());
        p90 = new BigDecimal(probe.path("planEstimate").path("p90").path("amount").asText());
        assertThat(p90.signum()).isPositive();
        assertThat(send("POST", "/api/v1/gate/requests/probe/release", "{}").statusCode()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        w.api().stop();
        w.close();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return api.send(method, path, null, body);
    }

    String budget(BigDecimal amount) {
        return "{\"id\":\"ml-monthly\",\"scope\":{\"team\":\"ml\"},\"period\":\"monthly\",\"amount\":\"" + amount.toPlainString() + "\",\"currency\":\"USD\"}";
    }

    /** Sends n requests at once; returns how many were approved (with or without changes), i.e. hold money. */
    long burst(String prefix, int n) throws Exception {
        List<Future<HttpResponse<String>>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i;
            out.add(pool.submit(() -> send("POST", "/api/v1/gate/requests", REQUEST.formatted(id))));
        }
        long approved = 0;
        for (Future<HttpResponse<String>> f : out) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            String state = json.readTree(r.body()).path("state").asText();
            if (state.equals("approved")) approved++;
        }
        return approved;
    }

    BigDecimal times(String k) {
        return p90.multiply(new BigDecimal(k));
    }

    @Test
    void budgetPostedThroughTheApi_bindsTheNextBurst_exactly() throws Exception {
        assertThat(send("POST", "/api/v1/budgets", budget(times("10.5"))).statusCode()).isEqualTo(201);
        assertThat(burst("a", 200)).isEqualTo(10);
    }

    @Test
    void amountRaised_thenBillImported_thenBudgetDeleted_eachBindsTheNextBurst() throws Exception {
        assertThat(send("POST", "/api/v1/budgets", budget(times("10.5"))).statusCode()).isEqualTo(201);
        assertThat(burst("a", 40)).isEqualTo(10);

        assertThat(send("POST", "/api/v1/budgets", budget(times("20.5"))).statusCode()).isIn(200, 201);
        assertThat(burst("b", 40)).isEqualTo(10);

        // a bill for team ml, charged today: spent now counts it, so 30.5 - 20 held - 5 spent leaves room for 5
        assertThat(send("POST", "/api/v1/budgets", budget(times("30.5"))).statusCode()).isIn(200, 201);
        Path bill = new DailyBill().add(LocalDate.of(2026, 9, 10), "ml", times("5").toPlainString()).write(dir.resolve("bill.csv"));
        w.importer().importFiles(List.of(bill));
        assertThat(burst("c", 40)).isEqualTo(5);

        assertThat(send("DELETE", "/api/v1/budgets/ml-monthly", null).statusCode()).isEqualTo(204);
        assertThat(burst("d", 20)).isEqualTo(20);

        // each budget write is on the audit record, with its spec
        String audit = send("GET", "/api/v1/audit?subject=budget:ml-monthly", null).body();
        assertThat(audit).contains("budget.created", "budget.changed", "budget.deleted", "ml-monthly");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(send("GET", "/api/v1/audit/verify", null).body()).path("intact").asBoolean()).isTrue();
    }
}

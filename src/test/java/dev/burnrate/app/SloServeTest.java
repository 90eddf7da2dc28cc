package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.alert.Alert;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.testing.ApiClient;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SLO declared in burnrate.yaml, served: the server's loop evaluates it every 5 minutes and pages through the outbox,
 * GET /api/v1/slos and {@code burnrate slo} show the same numbers. The assistant's P95 went from 200 to 900 ms at 11:40
 * (5-minute intervals since 4.5 days): at 12:00, 4 bad of 12 in the hour burn (4/12)/1% = 33.33x, 4 of 72 in 6h 5.56x.
 */
class SloServeTest {
    @TempDir
    Path dir;

    static final String CONFIG = """
            slos:
              - id: assistant-p95
                scope: {model: assistant-llm}
                sli: latency_p95
                objective: {threshold: 300, unit: ms}
                target: 99
                window: 28d
                team: llm-platform
            """;

    static List<InferenceUsage> usage() {
        List<InferenceUsage> out = new ArrayList<>();
        Instant regression = Instant.parse("2026-10-20T11:40:00Z");
        for (Instant t = Instant.parse("2026-10-16T00:00:00Z"); t.isBefore(Instant.parse("2026-10-20T13:00:00Z")); t = t.plusSeconds(300)) {
            double p95 = t.isBefore(regression) ? 200.0 : 900.0;
            out.add(new InferenceUsage(t, t.plusSeconds(300), "assistant-llm", "v2", "chat", "acme", "ep-assistant", 100, 50_000, 10_000,
                    150.0, p95, null, 0));
        }
        return out;
    }

    @Test
    void serve_sloInConfig_loopPagesEveryFiveMinutesAndApiAndCliShowTheBurn() throws Exception {
        Path config = Files.writeString(dir.resolve("burnrate.yaml"), CONFIG);
        Path db = dir.resolve("l.duckdb");
        MutableClock clock = new MutableClock(Instant.parse("2026-10-20T12:00:00Z"));
        List<String> log = new ArrayList<>();
        try (Wiring w = Wiring.open(db, config, clock)) {
            w.inference().upsert(usage());
            ApiClient api = new ApiClient("http://127.0.0.1:" + w.api().start("127.0.0.1", 0));
            // the release that slowed it down, posted by the pipeline; a malformed one changes nothing
            var bad = api.send("POST", "/api/v1/events", null, "[{kind: deploy, model: assistant-llm, at: 2026-10-20T11:38:00Z},\n {kind: deploy, model: m, at: yesterday}]");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("request body:2: events[1].at: 'yesterday' is not an instant");
            assertThat(api.send("POST", "/api/v1/events", null, "{kind: deploy, model: assistant-llm, variant: v2, at: \"2026-10-20T11:38:00Z\", "
                    + "description: release 4.2}").statusCode()).isEqualTo(201);
            api.ok(api.send("POST", "/api/v1/events", null, "{kind: config_change, model: ranker, at: \"2026-10-20T11:50:00Z\"}"));
            assertThat(api.ok(api.send("GET", "/api/v1/events?from=2026-10-20&model=assistant-llm", null, null)).get("events"))
                    .extracting(e -> e.get("kind").asText() + " " + e.get("variant").asText()).containsExactly("deploy v2");
            ServerLoop loop = w.loop(log::add);
            loop.tick();
            assertThat(w.alerts().list(null, 100)).singleElement().satisfies(a -> {
                assertThat(a.source()).isEqualTo("slo");
                assertThat(a.severity()).isEqualTo(Alert.Severity.PAGE);
                assertThat(a.details()).containsEntry("burn rate 1h", "33.33x (threshold 14.40x)");
                assertThat(a.details().get("recent changes")).startsWith("deploy assistant-llm/v2 at 2026-10-20T11:38:00Z by ").endsWith(": release 4.2");
            });
            clock.advance(Duration.ofMinutes(4));
            loop.tick(); // not due: the SLOs are evaluated every 5 minutes
            assertThat(w.alerts().list(null, 100).get(0).occurrences()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
            loop.tick(); // 12:05: still firing, the same alert counts it; 6h now burns 5/72/1% = 6.94x > 6: the slow page
            assertThat(w.alerts().list(null, 100)).extracting(Alert::dedupKey, Alert::occurrences).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("slo:assistant-p95:page:2026-10-20T12:00:00Z", 2)); // both page rules, one page
            assertThat(log).noneMatch(l -> l.contains("failed"));

            try {
                JsonNode slo = api.ok(api.send("GET", "/api/v1/slos", null, null)).get("slos").get(0);
                assertThat(slo.get("id").asText()).isEqualTo("assistant-p95");
                assertThat(slo.get("asOf").asText()).isEqualTo("2026-10-20T12:05:00Z");
                assertThat(new java.math.BigDecimal(slo.get("burnRates").get("1h").asText())).isEqualByComparingTo("41.6667"); // 5 of 12
                assertThat(new java.math.BigDecimal(slo.get("burnRates").get("6h").asText())).isEqualByComparingTo("6.9444");
                assertThat(slo.get("state").asText()).isEqualTo("page");
                assertThat(slo.get("recentEvents")).extracting(e -> e.get("description").asText()).containsExactly("release 4.2");
                assertThat(slo.get("rules").get(0).get("firing").asBoolean()).isTrue();
                assertThat(slo.get("sliLastHour").asText()).isEqualTo("491.7"); // (7 × 200 + 5 × 900) / 12
                JsonNode one = api.ok(api.send("GET", "/api/v1/slos/assistant-p95", null, null));
                assertThat(one.get("budgetRemainingPercent").asText()).isEqualTo(slo.get("budgetRemainingPercent").asText()).isNotEmpty();
                assertThat(api.send("GET", "/api/v1/slos/nope", null, null).statusCode()).isEqualTo(404);
                // an SLO added at run time is evaluated like the file's; a bad spec names its line; the file's cannot be deleted
                var badSlo = api.send("POST", "/api/v1/slos", null, "id: ranker-errors\nscope: {model: ranker}\nsli: error_rate\nobjective: {threshold: lots, unit: percent}\nwindow: 28d\n");
                assertThat(badSlo.statusCode()).isEqualTo(400);
                assertThat(badSlo.body()).contains("request body:4");
                JsonNode added = api.ok(api.send("POST", "/api/v1/slos", null,
                        "{id: assistant-errors, scope: {model: assistant-llm}, sli: error_rate, objective: {threshold: 0.5, unit: '%'}, window: 28d}"));
                assertThat(added.get("id").asText()).isEqualTo("assistant-errors");
                assertThat(new java.math.BigDecimal(added.get("sliValue").asText())).isEqualByComparingTo("0");
                assertThat(api.ok(api.send("GET", "/api/v1/slos", null, null)).get("slos")).extracting(x -> x.get("id").asText())
                        .containsExactly("assistant-errors", "assistant-p95");
                assertThat(api.send("DELETE", "/api/v1/slos/assistant-errors", null, null).statusCode()).isEqualTo(204);
                assertThat(api.send("DELETE", "/api/v1/slos/assistant-p95", null, null).statusCode()).isEqualTo(404);
                assertThat(api.ok(api.send("GET", "/api/v1/slos", null, null)).get("slos")).extracting(x -> x.get("id").asText())
                        .containsExactly("assistant-p95");
                // the SLIs of any model, SLO or not: on the 20th 140 five-minute intervals at 200 ms, 16 at 900 ms, 100 requests each
                JsonNode sli = api.ok(api.send("GET", "/api/v1/slis?from=2026-10-20&to=2026-10-21", null, null)).get("slis");
                assertThat(sli).singleElement().satisfies(l -> {
                    assertThat(l.get("model").asText() + "/" + l.get("variant").asText() + "/" + l.get("feature").asText()).isEqualTo("assistant-llm/v2/chat");
                    assertThat(l.get("requests").asLong()).isEqualTo(15_600);
                    assertThat(new java.math.BigDecimal(l.get("latencyP95Ms").asText()).doubleValue())
                            .isCloseTo((140 * 200.0 + 16 * 900.0) / 156, org.assertj.core.data.Offset.offset(0.05));
                    assertThat(new java.math.BigDecimal(l.get("errorRatePercent").asText())).isEqualByComparingTo("0");
                });
            } finally {
                w.api().stop();
            }
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[]{"--db", db.toString(), "--config", config.toString(), "slo", "--format", "json"},
                new PrintWriter(out, true), new PrintWriter(err, true), clock);
        assertThat(code).as(err.toString()).isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("slo").asText()).isEqualTo("assistant-p95");
            assertThat(r.get("burn_1h").asText()).isEqualTo("41.6667");
            assertThat(r.get("burn_6h").asText()).isEqualTo("6.9444");
            assertThat(r.get("sli_1h").asText()).isEqualTo("491.7");
            assertThat(r.get("state").asText()).isEqualTo("page");
            assertThat(r.get("firing").asText()).isEqualTo("page-1h-5m page-6h-30m");
        });
    }

    static final String POOL_CONFIG = """
            slos:
              - id: training-gpu
                scope: {pool: ml-training}
                sli: gpu_utilisation
                objective: {threshold: 60, unit: "%", comparison: ">="}
                target: 95
                window: 28d
                team: ml
            """;

    /**
     * GPU samples as a collector posts them: pool ml-training's GPUs A and B every 10 minutes, 80% from 06:00 to 11:00,
     * then 30% in hour 11; pool serving's GPU D at 100% in hour 11.
     */
    static String poolSamples() {
        StringBuilder b = new StringBuilder();
        for (Instant t = Instant.parse("2026-10-20T06:00:00Z"); t.isBefore(Instant.parse("2026-10-20T12:00:00Z")); t = t.plusSeconds(600)) {
            int util = t.isBefore(Instant.parse("2026-10-20T11:00:00Z")) ? 80 : 30;
            for (String gpu : List.of("GPU-A", "GPU-B")) {
                b.append("{\"time\":\"").append(t).append("\",\"gpu\":\"").append(gpu).append("\",\"host\":\"node-1\",\"job\":\"train-1\",")
                        .append("\"namespace\":\"ml-training\",\"util\":").append(util).append(",\"memUsedMiB\":30000}\n");
            }
            if (util == 30) b.append("{\"time\":\"").append(t).append("\",\"gpu\":\"GPU-D\",\"host\":\"node-3\",\"namespace\":\"serving\",\"util\":100,\"memUsedMiB\":9000}\n");
        }
        return b.toString();
    }

    /**
     * A pool's GPU utilisation SLO (≥ 60% in 95% of its hours, budget 5%) declared in burnrate.yaml: at 12:00 hour 11's
     * mean of 30% is the one bad hour of six. The 1h and 5m windows are all bad, 20x: it pages, its alert, the API, the
     * CLI and /metrics all show a floor (>=). An SLO over every pool is posted (hour 11 with pool serving's 100%: 53.33%,
     * above its 50% floor); a scope that mixes a model and a pool, or a ceiling on utilisation, is refused and nothing
     * is stored.
     */
    @Test
    void serve_gpuPoolSlo_yamlAndApiRoundTrip_theFloorShowsInAlertApiCliAndMetrics() throws Exception {
        Path config = Files.writeString(dir.resolve("burnrate.yaml"), POOL_CONFIG);
        Path db = dir.resolve("l.duckdb");
        MutableClock clock = new MutableClock(Instant.parse("2026-10-20T12:00:00Z"));
        try (Wiring w = Wiring.open(db, config, clock)) {
            ApiClient api = new ApiClient("http://127.0.0.1:" + w.api().start("127.0.0.1", 0));
            try {
                assertThat(api.ok(api.send("POST", "/api/v1/gpu-samples", null, poolSamples())).get("stored").asLong()).isEqualTo(78);
                w.loop(l -> { }).tick();
                assertThat(w.alerts().list(null, 100)).singleElement().satisfies(a -> {
                    assertThat(a.severity()).isEqualTo(Alert.Severity.PAGE);
                    assertThat(a.title()).isEqualTo("SLO training-gpu: error budget burning 20.00x over 1h (gpu_utilisation >= 60%)");
                    assertThat(a.summary()).startsWith("pool=ml-training: 20.00x over 1h and 20.00x over 5m");
                    assertThat(a.details()).containsEntry("scope", "pool=ml-training").containsEntry("objective", ">= 60% in 95% of hours with samples")
                            .containsEntry("sli over the window", "71.67%").containsEntry("sli last hour", "30.00%")
                            .containsEntry("burn rate 1h", "20.00x (threshold 14.40x)").containsEntry("rules firing", "page-1h-5m, ticket-3d-6h")
                            .containsEntry("team", "ml").doesNotContainKey("recent changes");
                    assertThat(a.recommendedAction()).contains("pool ml-training");
                });
                JsonNode slo = api.ok(api.send("GET", "/api/v1/slos/training-gpu", null, null));
                assertThat(slo.get("scope").toString()).isEqualTo("{\"pool\":\"ml-training\"}");
                assertThat(slo.get("sli").asText()).isEqualTo("gpu_utilisation");
                assertThat(slo.get("objective").toString()).isEqualTo("{\"comparison\":\">=\",\"threshold\":\"60\",\"unit\":\"%\"}");
                assertThat(slo.get("sliValue").asText()).isEqualTo("71.67"); // (60 × 80 + 12 × 30) / 72
                assertThat(slo.get("sliLastHour").asText()).isEqualTo("30.00");
                assertThat(new java.math.BigDecimal(slo.get("goodPercent").asText())).isEqualByComparingTo("83.3333"); // 5 of 6 hours
                assertThat(new java.math.BigDecimal(slo.get("budgetRemainingPercent").asText())).isEqualByComparingTo("-233.33"); // 1 − (1/6) / 0.05
                assertThat(new java.math.BigDecimal(slo.get("burnRates").get("1h").asText())).isEqualByComparingTo("20");
                assertThat(new java.math.BigDecimal(slo.get("burnRates").get("6h").asText())).isEqualByComparingTo("3.3333");
                assertThat(slo.get("state").asText()).isEqualTo("page");

                JsonNode all = api.ok(api.send("POST", "/api/v1/slos", null,
                        "{id: all-gpus, scope: {pool: '*'}, sli: gpu_utilisation, objective: {threshold: 50, unit: '%'}, target: 90, window: 7d}"));
                assertThat(all.get("scope").get("pool").asText()).isEqualTo("*");
                assertThat(all.get("objective").get("comparison").asText()).isEqualTo(">=");
                assertThat(all.get("sliLastHour").asText()).isEqualTo("53.33"); // (12 × 30 + 6 × 100) / 18
                assertThat(all.get("state").asText()).isEqualTo("ok");
                var mixed = api.send("POST", "/api/v1/slos", null,
                        "id: mixed\nscope: {model: trainer, pool: ml-training}\nsli: gpu_utilisation\nobjective: {threshold: 60}\ntarget: 90\nwindow: 28d\n");
                assertThat(mixed.statusCode()).isEqualTo(400);
                assertThat(mixed.body()).contains("request body:2: slo[mixed].scope: a scope is either model-based (model, optionally variant and feature) "
                        + "or pool-based (pool), not both");
                var ceiling = api.send("POST", "/api/v1/slos", null,
                        "{id: ceiling, scope: {pool: ml-training}, sli: gpu_utilisation, objective: {threshold: 60, comparison: '<='}, target: 90, window: 28d}");
                assertThat(ceiling.statusCode()).isEqualTo(400);
                assertThat(ceiling.body()).contains("slo[ceiling].objective.comparison: '<=': a gpu_utilisation objective is a floor (>=)");
                assertThat(api.ok(api.send("GET", "/api/v1/slos", null, null)).get("slos")).extracting(x -> x.get("id").asText())
                        .containsExactly("all-gpus", "training-gpu");

                String metrics = api.send("GET", "/metrics", null, null).body();
                assertThat(metrics).contains("burnrate_slo_info{slo=\"training-gpu\",sli=\"gpu_utilisation\",scope=\"pool=ml-training\",objective=\">= 60%\","
                        + "target=\"95\",window=\"28d\"} 1\n").contains("burnrate_slo_burn_rate{slo=\"training-gpu\",window=\"1h\"} 20.0\n");
            } finally {
                w.api().stop();
            }
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[]{"--db", db.toString(), "--config", config.toString(), "slo", "--format", "json"},
                new PrintWriter(out, true), new PrintWriter(err, true), clock);
        assertThat(code).as(err.toString()).isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertThat(rows).extracting(r -> r.get("slo").asText()).containsExactly("all-gpus", "training-gpu");
        JsonNode training = rows.get(1);
        assertThat(training.get("scope").asText()).isEqualTo("pool=ml-training");
        assertThat(training.get("objective").asText()).isEqualTo(">= 60%");
        assertThat(training.get("sli_window").asText()).isEqualTo("71.67");
        assertThat(training.get("sli_1h").asText()).isEqualTo("30.00");
        assertThat(training.get("state").asText()).isEqualTo("page");
        StringWriter table = new StringWriter();
        assertThat(Main.run(new String[]{"--db", db.toString(), "--config", config.toString(), "slo"}, new PrintWriter(table, true),
                new PrintWriter(err, true), clock)).isZero();
        assertThat(table.toString()).contains("pool=* (all pools)", ">= 50%", ">= 60%", "71.67%", "30.00%");
    }
}

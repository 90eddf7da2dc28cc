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
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Budgets, alerts and anomalies over HTTP, wired as `burnrate serve` wires them, on a real server and ledger file. */
class GovernanceApiTest {
    @TempDir
    Path dir;
    Wiring w;
    String base;
    dev.burnrate.testing.ApiClient api;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        // fraud spends 100 a day from 1 to 15 September, then 900 on the 16th
        Path bill = new DailyBill().daily(LocalDate.of(2026, 8, 1), LocalDate.of(2026, 9, 16), "fraud", "100.00")
                .add(LocalDate.of(2026, 9, 16), "fraud", "900.00").write(dir.resolve("bill.csv"));
        w = Wiring.open(dir.resolve("l.duckdb"), null, new MutableClock(Instant.parse("2026-09-17T09:00:00Z")));
        w.importer().importFiles(List.of(bill));
        base = "http://127.0.0.1:" + w.api().start("127.0.0.1", 0);
        api = new dev.burnrate.testing.ApiClient(base);
    }

    @AfterEach
    void stop() {
        w.api().stop();
        w.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return api.send(method, path, null, body);
    }

    @Test
    void budgets_createThenStatus_showsTheNumbersAndCrossedThresholds() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/budgets",
                "{\"id\": \"fraud\", \"scope\": {\"team\": \"fraud\"}, \"amount\": 2000, \"currency\": \"USD\","
                        + " \"thresholds\": [{\"percent\": 80, \"on\": \"actual\", \"action\": \"ticket\"}]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode s = json.readTree(send("GET", "/api/v1/budgets/fraud/status", null).body());
        assertThat(new BigDecimal(s.get("spent").asText())).isEqualByComparingTo("2400.00"); // 15 × 100 + 900
        assertThat(new BigDecimal(s.get("remaining").asText())).isEqualByComparingTo("-400.00");
        assertThat(s.get("crossedThresholds").get(0).get("percent").asText()).isEqualTo("80");
        assertThat(send("GET", "/api/v1/budgets/nope/status", null).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = send("POST", "/api/v1/budgets", "{\"id\": \"x\", \"amount\": 10, \"currency\": \"USD\",\n \"period\": \"weekly\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("request body:2", "period", "weekly");
        assertThat(send("DELETE", "/api/v1/budgets/fraud", null).statusCode()).isEqualTo(204);
    }

    @Test
    void gpuSamples_ndjsonBatch_isStoredOnceAndABadLineRejectsTheWholeBatch() throws Exception {
        String batch = "{\"time\":\"2026-09-16T10:00:00Z\",\"gpu\":\"GPU-a\",\"job\":\"retrain-1\",\"util\":0,\"memUsedMiB\":4000}\n"
                + "{\"time\":\"2026-09-16T10:00:01Z\",\"gpu\":\"GPU-a\",\"job\":\"retrain-1\",\"util\":90,\"memUsedMiB\":4000}\n";
        HttpResponse<String> ok = send("POST", "/api/v1/gpu-samples", batch);
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(json.readTree(ok.body()).get("stored").asLong()).isEqualTo(2);
        assertThat(json.readTree(send("POST", "/api/v1/gpu-samples", batch).body()).get("stored").asLong()).isZero();
        HttpResponse<String> bad = send("POST", "/api/v1/gpu-samples",
                "{\"time\":\"2026-09-16T10:00:02Z\",\"gpu\":\"GPU-a\",\"util\":50,\"memUsedMiB\":1}\n{\"time\":\"2026-09-16T10:00:03Z\",\"gpu\":\"GPU-a\",\"util\":\"high\",\"memUsedMiB\":1}\n");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("detail").asText()).contains("request body:2", "util", "high");
        JsonNode usage = json.readTree(send("GET", "/api/v1/gpu-usage?by=job", null).body()).get("usage");
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).get("samples").asLong()).isEqualTo(2);
    }

    @Test
    void instanceSamples_csvBatch_isStoredOnceAndABadLineRejectsTheWholeBatch() throws Exception {
        String batch = "timestamp,resource_id,cpu_utilization,memory_utilization\n2026-09-16T10:00:00Z,i-0a,12.5,40\n2026-09-16T10:05:00Z,i-0a,14,\n";
        HttpResponse<String> ok = send("POST", "/api/v1/instance-samples", batch);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        assertThat(json.readTree(ok.body()).get("stored").asLong()).isEqualTo(2);
        assertThat(json.readTree(send("POST", "/api/v1/instance-samples", batch).body()).get("stored").asLong()).isZero();
        HttpResponse<String> bad = send("POST", "/api/v1/instance-samples",
                "timestamp,resource_id,cpu_utilization\n2026-09-16T10:10:00Z,i-0a,5\n2026-09-16T10:15:00Z,i-0a,high\n");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("detail").asText()).contains("request body:3", "cpu_utilization", "high");
        assertThat(w.instanceSamples().usage(Instant.parse("2026-09-16T00:00:00Z"), Instant.parse("2026-09-17T00:00:00Z")).get(0).samples()).isEqualTo(2);
    }

    @Test
    void anomalies_detectThenFeedback_andAlertsCanBeAcknowledgedAndResolved() throws Exception {
        JsonNode found = json.readTree(send("POST", "/api/v1/anomalies/detect?from=2026-09-10&to=2026-09-17", null).body()).get("anomalies");
        JsonNode team = null;
        for (JsonNode a : found) if (a.get("dimension").asText().equals("team")) team = a;
        assertThat(team).isNotNull();
        assertThat(team.get("day").asText()).isEqualTo("2026-09-16");
        assertThat(new BigDecimal(team.get("impact").asText())).isEqualByComparingTo("800.00");
        String id = URLEncoder.encode(team.get("id").asText(), StandardCharsets.UTF_8);
        JsonNode fb = json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"true_positive\"}").body());
        assertThat(fb.get("feedback").asText()).isEqualTo("true_positive");
        assertThat(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"maybe\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> notJson = send("POST", "/api/v1/anomalies/" + id + "/feedback", "not json");
        assertThat(notJson.statusCode()).isEqualTo(400); // was a 500 with Jackson's message
        assertThat(notJson.body()).contains("request body is not JSON");
        // a period the wrong way round, or a listing mode that does not exist, is an error, not an empty or default list
        HttpResponse<String> backwards = send("GET", "/api/v1/anomalies?from=2026-11-30&to=2026-11-01", null);
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("to=2026-11-01", "must be after from=2026-11-30"); // as /costs says it
        assertThat(send("POST", "/api/v1/anomalies/detect?from=2026-11-30&to=2026-11-01", "").statusCode()).isEqualTo(400);
        HttpResponse<String> future = send("POST", "/api/v1/anomalies/detect?from=2026-09-18", ""); // today is 09-17
        assertThat(future.statusCode()).isEqualTo(400);
        assertThat(future.body()).contains("from=2026-09-18", "which is today (2026-09-17) when not given");
        HttpResponse<String> some = send("GET", "/api/v1/anomalies?scopes=some", null);
        assertThat(some.statusCode()).isEqualTo(400);
        assertThat(some.body()).contains("scopes=some");

        JsonNode alerts = json.readTree(send("GET", "/api/v1/alerts?state=open", null).body()).get("alerts");
        assertThat(alerts.size()).isGreaterThanOrEqualTo(1);
        String alertId = alerts.get(0).get("id").asText();
        // a verdict's mark is no one's name: a hand resolution under it would be undone by a verdict taken back
        HttpResponse<String> spoof = send("POST", "/api/v1/alerts/" + alertId + "/resolve?by=verdict:eve", null);
        assertThat(spoof.statusCode()).isEqualTo(400);
        assertThat(spoof.body()).contains("not start with 'verdict:'");
        assertThat(json.readTree(send("POST", "/api/v1/alerts/" + alertId + "/ack?by=sre", null).body()).get("state").asText()).isEqualTo("acknowledged");
        // a second ack changes nothing and is no error
        assertThat(json.readTree(send("POST", "/api/v1/alerts/" + alertId + "/ack", null).body()).get("state").asText()).isEqualTo("acknowledged");
        assertThat(json.readTree(send("POST", "/api/v1/alerts/" + alertId + "/resolve", null).body()).get("state").asText()).isEqualTo("resolved");
        // a resolved alert is not acknowledged back open (an ack had quietly reopened a page a verdict had answered)
        HttpResponse<String> late = send("POST", "/api/v1/alerts/" + alertId + "/ack", null);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("is resolved: it cannot be acknowledged");
        // who acknowledged and who resolved it is in the audit log (the second ack changed nothing and is not)
        List<String> moves = new java.util.ArrayList<>();
        for (JsonNode e : json.readTree(send("GET", "/api/v1/audit?last=50", null).body()).get("events")) {
            if (e.get("subject").asText().equals("alert:" + alertId)) moves.add(e.get("actor").asText() + " " + e.get("action").asText());
        }
        assertThat(moves).containsExactly("sre alert.acknowledged", "anonymous alert.resolved");
        assertThat(json.readTree(send("GET", "/api/v1/alerts?state=resolved", null).body()).get("alerts").findValuesAsText("id")).contains(alertId);
        assertThat(send("GET", "/api/v1/alerts?state=bogus", null).statusCode()).isEqualTo(400);
        assertThat(json.readTree(send("GET", "/api/v1/alerts", null).body()).get("truncated").asBoolean()).isFalse();
    }

    @Test
    void moreAlertsThanAListHolds_theListSaysSo() throws Exception {
        // 501 open alerts: the list stops at the newest 500 and says there are more (the dashboard's count stopped at
        // 500 without a sign)
        dev.burnrate.alert.Alerts raise = new dev.burnrate.alert.Alerts(w.alerts(), java.time.Clock.systemUTC(), Map.of(), java.time.Duration.ZERO, null);
        for (int i = 0; i < 501; i++) {
            raise.raise("budget", dev.burnrate.alert.Alert.Severity.TICKET, "budget:b" + i, "Budget b" + i, "summary", Map.of(), "/budgets", null, List.of());
        }
        JsonNode open = json.readTree(send("GET", "/api/v1/alerts?state=open", null).body());
        assertThat(open.get("alerts").size()).isEqualTo(500);
        assertThat(open.get("truncated").asBoolean()).isTrue();
        assertThat(json.readTree(send("GET", "/api/v1/alerts?state=resolved", null).body()).get("truncated").asBoolean()).isFalse();
    }

    @Test
    void anomalyMarkedExpected_resolvesItsIncidentsAlert_andUnknownFieldsAreRefused() throws Exception {
        JsonNode found = json.readTree(send("POST", "/api/v1/anomalies/detect?from=2026-09-10&to=2026-09-17", null).body()).get("anomalies");
        JsonNode team = null;
        for (JsonNode a : found) if (a.get("dimension").asText().equals("team")) team = a;
        assertThat(team).isNotNull();
        // every anomaly names its incident, one alone its own id (it said null there)
        for (JsonNode a : found) assertThat(a.get("incident").isTextual()).as(a.toString()).isTrue();
        String key = "anomaly:" + team.get("incident").asText();
        java.util.function.Supplier<List<String>> open = () -> {
            try {
                List<String> keys = new java.util.ArrayList<>();
                for (JsonNode a : json.readTree(send("GET", "/api/v1/alerts?state=open", null).body()).get("alerts")) keys.add(a.get("dedupKey").asText());
                return keys;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(open.get()).contains(key);
        String id = URLEncoder.encode(team.get("id").asText(), StandardCharsets.UTF_8);
        // a trial's "reason" was silently dropped: refused, and nothing recorded
        HttpResponse<String> unknown = send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"expected\", \"reason\": \"backfill\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("reason", "verdict and note");
        assertThat(open.get()).contains(key);
        JsonNode fb = json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"expected\", \"note\": \"planned backfill\"}").body());
        assertThat(fb.get("feedback").asText()).isEqualTo("expected");
        // the reply says how long the verdict silences the scope: 7 days from the verdict, given on 09-17 (it said only
        // suppressed=false: that flag is for an anomaly found while an earlier verdict silenced its scope)
        assertThat(LocalDate.parse(team.get("day").asText())).isBefore(LocalDate.of(2026, 9, 17));
        assertThat(fb.get("silencedThrough").asText()).isEqualTo("2026-09-24");
        // and, as the list, the other scopes of its incident (it said none)
        String lead = team.get("incident").asText();
        int others = 0;
        for (JsonNode a : found) {
            if (!a.get("id").asText().equals(team.get("id").asText()) && (a.get("id").asText().equals(lead) || a.get("incident").asText("").equals(lead))) others++;
        }
        assertThat(others).isPositive();
        assertThat(fb.get("alsoSeenIn").size()).isEqualTo(others);
        // the same anomaly by its id (the dashboard's links name it), as the reply shows it; an unknown id says so
        JsonNode byId = json.readTree(send("GET", "/api/v1/anomalies/" + id, null).body());
        assertThat(byId.get("id").asText()).isEqualTo(team.get("id").asText());
        assertThat(byId.get("alsoSeenIn")).isEqualTo(fb.get("alsoSeenIn"));
        HttpResponse<String> unknownId = send("GET", "/api/v1/anomalies/nope", null);
        assertThat(unknownId.statusCode()).isEqualTo(404);
        assertThat(unknownId.body()).contains("no anomaly 'nope'");
        assertThat(fb.get("suppressed").asBoolean()).isFalse();
        // before: the page stayed open although someone had answered it
        assertThat(open.get()).doesNotContain(key);
        // the note was stored but shown nowhere, and who gave the verdict was kept nowhere: the list shows the note, the
        // audit log who gave which verdict on which incident, with the note
        assertThat(fb.get("feedbackNote").asText()).isEqualTo("planned backfill");
        JsonNode listed = json.readTree(send("GET", "/api/v1/anomalies?scopes=all&from=2026-09-10&to=2026-09-17", null).body()).get("anomalies");
        assertThat(listed.findValuesAsText("feedbackNote")).contains("planned backfill");
        JsonNode events = json.readTree(send("GET", "/api/v1/audit?subject=" + URLEncoder.encode(key, StandardCharsets.UTF_8), null).body()).get("events");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("action").asText()).isEqualTo("anomaly.feedback");
        assertThat(events.get(0).get("actor").asText()).isNotBlank();
        assertThat(events.get(0).get("detail").asText()).contains("\"verdict\":\"expected\"", "\"note\":\"planned backfill\"", team.get("id").asText());
        // the reply says what the verdict did to the alert: it resolved it
        assertThat(fb.get("alert").asText()).isEqualTo("resolved");
        // taken back: the incident is real after all, and its alert is open again (it stayed resolved: an ongoing
        // incident with no open alert); once more changes nothing, and says so
        JsonNode back = json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"true_positive\"}").body());
        assertThat(back.get("alert").asText()).isEqualTo("reopened");
        assertThat(back.get("silencedThrough").isNull()).isTrue();
        assertThat(open.get()).contains(key);
        assertThat(json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"true_positive\"}").body()).get("alert").isNull()).isTrue();
        assertThat(open.get()).contains(key);
        // resolved by hand, it stays resolved whatever verdicts come after (one that silences finds it resolved already)
        String alertId = null;
        for (JsonNode a : json.readTree(send("GET", "/api/v1/alerts?state=open", null).body()).get("alerts")) if (a.get("dedupKey").asText().equals(key)) alertId = a.get("id").asText();
        assertThat(send("POST", "/api/v1/alerts/" + alertId + "/resolve", null).statusCode()).isEqualTo(200);
        assertThat(json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"expected\"}").body()).get("alert").isNull()).isTrue();
        // and the true_positive says why it did not open it (it answered as though there were no alert)
        assertThat(json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"true_positive\"}").body()).get("alert").asText())
                .isEqualTo("stays_resolved");
        assertThat(open.get()).doesNotContain(key);
        // resolved by hand, it is not acknowledged back open either
        assertThat(send("POST", "/api/v1/alerts/" + alertId + "/ack", null).statusCode()).isEqualTo(409);
        String alert = alertId;
        java.util.function.Supplier<String> state = () -> {
            try {
                return json.readTree(send("GET", "/api/v1/alerts?state=resolved", null).body()).get("alerts").findValuesAsText("id").contains(alert) ? "resolved" : "other";
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        // a verdict given with ?by= (no tokens here) is that person's in the audit log
        assertThat(json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback?by=erin", "{\"verdict\": \"true_positive\"}").body()).get("alert").asText())
                .isEqualTo("stays_resolved");
        JsonNode last = json.readTree(send("GET", "/api/v1/audit?subject=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&last=1", null).body()).get("events");
        assertThat(last).hasSize(1);
        assertThat(last.get(0).get("actor").asText()).isEqualTo("erin"); // the verdict's giver, named without tokens
        assertThat(state.get()).isEqualTo("resolved");
    }

    @Test
    void aVerdictsResolution_resolvedAgainByHand_staysResolvedWhenTheVerdictIsTakenBack_andTheAuditSaysWhatEachDid() throws Exception {
        JsonNode found = json.readTree(send("POST", "/api/v1/anomalies/detect?from=2026-09-10&to=2026-09-17", null).body()).get("anomalies");
        JsonNode team = null;
        for (JsonNode a : found) if (a.get("dimension").asText().equals("team")) team = a;
        String key = "anomaly:" + team.get("incident").asText();
        String id = URLEncoder.encode(team.get("id").asText(), StandardCharsets.UTF_8);
        assertThat(json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"expected\"}").body()).get("alert").asText()).isEqualTo("resolved");
        String alertId = null;
        for (JsonNode a : json.readTree(send("GET", "/api/v1/alerts?state=resolved", null).body()).get("alerts")) if (a.get("dedupKey").asText().equals(key)) alertId = a.get("id").asText();
        assertThat(alertId).isNotNull();
        // a person resolves it too: recorded, and now theirs
        assertThat(json.readTree(send("POST", "/api/v1/alerts/" + alertId + "/resolve?by=bob", null).body()).get("state").asText()).isEqualTo("resolved");
        // the verdict taken back leaves it resolved, and says so
        assertThat(json.readTree(send("POST", "/api/v1/anomalies/" + id + "/feedback", "{\"verdict\": \"true_positive\"}").body()).get("alert").asText())
                .isEqualTo("stays_resolved");
        List<String> openKeys = new java.util.ArrayList<>();
        for (JsonNode a : json.readTree(send("GET", "/api/v1/alerts?state=open", null).body()).get("alerts")) openKeys.add(a.get("dedupKey").asText());
        assertThat(openKeys).doesNotContain(key);
        // the verdicts' entries say what each did to the alert; the person's resolution is the alert's own entry
        List<String> verdicts = new java.util.ArrayList<>();
        for (JsonNode e : json.readTree(send("GET", "/api/v1/audit?subject=" + URLEncoder.encode(key, StandardCharsets.UTF_8), null).body()).get("events")) {
            verdicts.add(e.get("detail").asText());
        }
        assertThat(verdicts).hasSize(2);
        assertThat(verdicts.get(0)).contains("\"alert\":\"resolved\"");
        assertThat(verdicts.get(1)).contains("\"alert\":\"stays_resolved\"");
        JsonNode moves = json.readTree(send("GET", "/api/v1/audit?subject=alert:" + alertId, null).body()).get("events");
        assertThat(moves).hasSize(1);
        assertThat(moves.get(0).get("actor").asText() + " " + moves.get(0).get("action").asText()).isEqualTo("bob alert.resolved");
        // paging that makes no sense is a 400 naming the parameter (a negative limit was a 503 from the database)
        for (String bad : List.of("limit=-1", "last=0", "last=abc", "from=0", "last=5&from=3")) {
            HttpResponse<String> r = send("GET", "/api/v1/audit?" + bad, null);
            assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
            assertThat(json.readTree(r.body()).get("parameter").asText()).as(bad).isEqualTo(bad.contains("&") ? "from" : bad.substring(0, bad.indexOf('=')));
        }
        // and who acts is one line: a newline would split the audit table into rows that look like others
        HttpResponse<String> twoLines = send("POST", "/api/v1/alerts/" + alertId + "/resolve?by=" + URLEncoder.encode("a\nb", StandardCharsets.UTF_8), null);
        assertThat(twoLines.statusCode()).isEqualTo(400);
        assertThat(twoLines.body()).contains("one line");
        for (String sneaky : List.of("a\u2028b", "bob\u202Eeve")) { // a line separator; a bidi override that reorders what is shown
            assertThat(send("POST", "/api/v1/alerts/" + alertId + "/resolve?by=" + URLEncoder.encode(sneaky, StandardCharsets.UTF_8), null).statusCode())
                    .as(sneaky).isEqualTo(400);
        }
    }
}

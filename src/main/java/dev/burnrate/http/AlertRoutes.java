package dev.burnrate.http;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.AlertStore;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** /api/v1/alerts: list (by state), acknowledge, resolve. */
final class AlertRoutes {
    private final AlertStore store;
    private final Clock clock;

    AlertRoutes(AlertStore store, Clock clock, dev.burnrate.alert.AlertChanges.Recorder recorder) {
        this.store = store;
        this.clock = clock;
        this.changes = new dev.burnrate.alert.AlertChanges(store, clock, recorder);
    }

    private final dev.burnrate.alert.AlertChanges changes;

    void register(Javalin app) {
        app.get("/api/v1/alerts", ctx -> {
            String st = ctx.queryParam("state");
            // the newest alerts, and whether there are more (a count stopped at 500 without saying so)
            AlertStore.Listing newest = store.newest(st == null ? null : Alert.State.parse("state", st));
            List<Map<String, Object>> out = new ArrayList<>();
            for (Alert a : newest.alerts()) {
                if (visible(ctx, a)) out.add(json(a, store.deliveries(a.id())));
            }
            ctx.json(Map.of("alerts", out, "truncated", newest.truncated()));
        }, Access.Scope.TEAM_ROWS);
        app.post("/api/v1/alerts/{id}/ack", ctx -> change(ctx, Alert.State.ACKNOWLEDGED), Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/alerts/{id}/resolve", ctx -> change(ctx, Alert.State.RESOLVED), Access.Scope.TEAM_OBJECT);
    }

    /** An alert belongs to the teams its {@code team} detail names (comma-separated); one naming none is for unscoped callers. */
    static boolean visible(Context ctx, Alert a) {
        String team = a.details().get("team");
        return Access.covers(ctx, team == null ? List.of() : java.util.Arrays.stream(team.split(",")).map(String::strip).toList());
    }

    private void change(Context ctx, Alert.State state) {
        String by = Access.actor(ctx);
        Optional<Alert> found = store.find(ctx.pathParam("id")).filter(a -> visible(ctx, a));
        if (found.isEmpty()) {
            ApiServer.problemStatic(ctx, 404, "Not found", "no alert '" + ctx.pathParam("id") + "'");
            return;
        }
        // asking for the state it is in changes nothing and is no error (a second ack)
        if (changes.move(found.get(), state, by) == dev.burnrate.alert.AlertChanges.Outcome.REFUSED) {
            ApiServer.problemStatic(ctx, 409, "Conflict", store.find(found.get().id()).orElse(found.get()).refusal(state));
            return;
        }
        Alert a = store.find(ctx.pathParam("id")).orElseThrow();
        ctx.json(json(a, store.deliveries(a.id())));
    }

    static Map<String, Object> json(Alert a, List<AlertStore.Delivery> deliveries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("source", a.source());
        m.put("severity", a.severity().name().toLowerCase());
        m.put("state", a.state().name().toLowerCase());
        m.put("dedupKey", a.dedupKey());
        m.put("title", a.title());
        m.put("summary", a.summary());
        m.put("details", a.details());
        m.put("link", a.link());
        m.put("recommendedAction", a.recommendedAction());
        m.put("createdAt", a.createdAt().toString());
        m.put("occurrences", a.occurrences());
        m.put("deliveries", deliveries.stream().map(d -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("channel", d.channel());
            x.put("state", d.state().toLowerCase());
            x.put("attempts", d.attempts());
            x.put("nextAttemptAt", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
            x.put("lastError", d.lastError());
            return x;
        }).toList());
        return m;
    }
}

package dev.burnrate.http;

import dev.burnrate.slo.ServiceEvent;
import dev.burnrate.slo.ServiceEvents;
import dev.burnrate.slo.Slo;
import dev.burnrate.slo.SloEvaluator;
import dev.burnrate.slo.SloStatus;
import dev.burnrate.slo.Slos;
import io.javalin.Javalin;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/v1/slos and /api/v1/slos/{id}: each SLO with its SLI, error budget, burn rates, alerting state and the
 * recent changes of its service; POST|GET /api/v1/events: deploys, rollbacks and config changes.
 */
final class SloRoutes {
    private final Slos slos;
    private final ServiceEvents events;

    SloRoutes(Slos slos, ServiceEvents events) {
        this.slos = slos;
        this.events = events;
    }

    void register(Javalin app) {
        app.get("/api/v1/slos", ctx -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Slo s : slos.all()) if (Access.covers(ctx, teams(s))) out.add(json(slos.status(s)));
            ctx.json(Map.of("slos", out));
        }, Access.Scope.TEAM_ROWS);
        app.get("/api/v1/slos/{id}", ctx -> {
            Slo s = slos.find(ctx.pathParam("id")).filter(x -> Access.covers(ctx, teams(x))).orElse(null);
            if (s == null) {
                ApiServer.problemStatic(ctx, 404, "Not found", "no SLO '" + ctx.pathParam("id") + "'");
                return;
            }
            ctx.json(json(slos.status(s)));
        }, Access.Scope.TEAM_OBJECT);
        // SLOs at run time, beside those of burnrate.yaml (which only the file changes): like budgets, for unscoped tokens
        app.post("/api/v1/slos", ctx -> {
            Slo s = slos.put(ctx.body(), "request body");
            ctx.status(201).json(json(slos.status(s)));
        }, Access.Scope.ALL_TEAMS);
        app.delete("/api/v1/slos/{id}", ctx -> {
            if (slos.delete(ctx.pathParam("id"))) ctx.status(204);
            else ApiServer.problemStatic(ctx, 404, "Not found", "no SLO '" + ctx.pathParam("id") + "' stored through the API");
        }, Access.Scope.ALL_TEAMS);
        // the SLIs of every model / variant / feature that served requests in [from, to): latency, errors, cost per 1k
        app.get("/api/v1/slis", ctx -> {
            java.time.LocalDate from = dev.burnrate.ledger.CostQueryParser.date("from", ctx.queryParam("from"));
            java.time.LocalDate to = dev.burnrate.ledger.CostQueryParser.date("to", ctx.queryParam("to"));
            ctx.json(Map.of("slis", slos.slis().byModelVariantFeature(dev.burnrate.ledger.Window.startOf(from), dev.burnrate.ledger.Window.endOf(to))
                    .stream().map(SloRoutes::json).toList()));
        }, Access.Scope.ALL_TEAMS); // usage is by model, variant, feature and customer, no team
        // one model's latency and errors hour by hour over [from, to) (default: all stored usage), for the Debug page
        app.get("/api/v1/slis/series", ctx -> {
            String model = ctx.queryParam("model");
            if (model == null || model.isBlank()) {
                ApiServer.problemStatic(ctx, 400, "Invalid request", "model: required, e.g. ?model=ranker");
                return;
            }
            java.time.LocalDate from = dev.burnrate.ledger.CostQueryParser.date("from", ctx.queryParam("from"));
            java.time.LocalDate to = dev.burnrate.ledger.CostQueryParser.date("to", ctx.queryParam("to"));
            ctx.json(Map.of("model", model, "points", slos.slis().hourly(model, dev.burnrate.ledger.Window.startOf(from),
                    dev.burnrate.ledger.Window.endOf(to)).stream().map(SloRoutes::json).toList()));
        }, Access.Scope.ALL_TEAMS); // usage names no team
        if (events == null) return;
        // events are by model and variant, no team: like inference usage, for tokens not scoped to teams
        app.post("/api/v1/events", ctx -> {
            List<ServiceEvent> batch;
            try {
                batch = ServiceEvents.parse(ctx.body(), "request body", Access.principal(ctx).name());
            } catch (dev.burnrate.spec.SpecException e) {
                ApiServer.problemStatic(ctx, 400, "Invalid event", e.getMessage());
                return;
            }
            events.append(batch);
            ctx.status(201).json(Map.of("events", batch.stream().map(SloRoutes::json).toList()));
        }, Access.Scope.ALL_TEAMS);
        app.get("/api/v1/events", ctx -> {
            java.time.LocalDate from = dev.burnrate.ledger.CostQueryParser.date("from", ctx.queryParam("from"));
            java.time.LocalDate to = dev.burnrate.ledger.CostQueryParser.date("to", ctx.queryParam("to"));
            String model = ctx.queryParam("model");
            ctx.json(Map.of("events", events.between(dev.burnrate.ledger.Window.startOf(from), dev.burnrate.ledger.Window.endOf(to)).stream()
                    .filter(e -> model == null || model.equals(e.model())).map(SloRoutes::json).toList()));
        }, Access.Scope.ALL_TEAMS);
    }

    static Map<String, Object> json(ServiceEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("kind", e.kind().label());
        m.put("model", e.model());
        m.put("variant", e.variant());
        m.put("at", e.at().toString());
        m.put("description", e.description());
        m.put("actor", e.actor());
        return m;
    }

    /** An SLO's owning team (none: it spans every team, and only unscoped tokens see it). */
    private static List<String> teams(Slo s) {
        return s.team() == null ? List.of() : List.of(s.team());
    }

    static Map<String, Object> json(SloStatus st) {
        Slo s = st.slo();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        Map<String, Object> scope = new LinkedHashMap<>();
        if (s.scope().poolBased()) {
            scope.put("pool", s.scope().pool());
        } else {
            scope.put("model", s.scope().model());
            if (s.scope().variant() != null) scope.put("variant", s.scope().variant());
            if (s.scope().feature() != null) scope.put("feature", s.scope().feature());
        }
        m.put("scope", scope);
        m.put("team", s.team());
        m.put("sli", s.sli().label());
        Map<String, Object> objective = new LinkedHashMap<>();
        objective.put("comparison", s.objective().comparison().symbol());
        objective.put("threshold", s.objective().threshold().toPlainString());
        objective.put("unit", s.objective().unit());
        m.put("objective", objective);
        m.put("target", s.target().toPlainString());
        m.put("window", label(s.window()));
        m.put("now", st.now().toString());
        m.put("asOf", st.asOf().toString());
        m.put("sliValue", st.sli() == null ? null : st.sli().toPlainString());
        m.put("sliLastHour", st.sliLastHour() == null ? null : st.sliLastHour().toPlainString());
        m.put("goodPercent", round(st.goodPercent(), 4));
        m.put("budgetRemainingPercent", round(st.budgetRemainingPercent(), 2));
        Map<String, Object> burn = new LinkedHashMap<>();
        st.burnRates().forEach((w, r) -> burn.put(label(w), round(r, 4)));
        m.put("burnRates", burn);
        m.put("rules", st.rules().stream().map(r -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("rule", r.rule().key());
            x.put("severity", r.rule().page() ? "page" : "ticket");
            x.put("factor", r.rule().factor());
            x.put("longBurn", round(r.longBurn(), 4));
            x.put("shortBurn", round(r.shortBurn(), 4));
            x.put("firing", r.firing());
            return x;
        }).toList());
        m.put("state", st.state());
        m.put("recentEvents", st.events().stream().map(SloRoutes::json).toList());
        return m;
    }

    private static String label(Duration d) {
        return SloEvaluator.label(d);
    }

    private static BigDecimal round(Double v, int scale) {
        return v == null ? null : BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_EVEN);
    }

    private static Map<String, Object> json(dev.burnrate.slo.Slis.Line l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", l.model());
        m.put("variant", l.variant());
        m.put("feature", l.feature());
        m.put("requests", l.requests());
        m.put("inputTokens", l.inputTokens());
        m.put("outputTokens", l.outputTokens());
        m.put("errors", l.errors());
        m.put("errorRatePercent", plain(l.errorRatePercent()));
        m.put("latencyP50Ms", plain(l.latencyP50Ms()));
        m.put("latencyP95Ms", plain(l.latencyP95Ms()));
        m.put("latencyP99Ms", plain(l.latencyP99Ms()));
        m.put("costs", l.costs().stream().map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("currency", c.currency());
            x.put("cost", plain(c.cost()));
            x.put("per1kInferences", plain(c.per1kInferences()));
            x.put("per1MTokens", plain(c.per1MTokens()));
            return x;
        }).toList());
        return m;
    }

    private static Map<String, Object> json(dev.burnrate.slo.Slis.Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hour", p.hour().toString());
        m.put("requests", p.requests());
        m.put("errors", p.errors());
        m.put("errorRatePercent", plain(p.errorRatePercent()));
        m.put("latencyP50Ms", plain(p.latencyP50Ms()));
        m.put("latencyP95Ms", plain(p.latencyP95Ms()));
        m.put("latencyP99Ms", plain(p.latencyP99Ms()));
        return m;
    }

    private static String plain(java.math.BigDecimal v) {
        return v == null ? null : v.toPlainString();
    }
}

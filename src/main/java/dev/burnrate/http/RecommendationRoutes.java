package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ledger.Money;
import dev.burnrate.recommend.CommitmentReport;
import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.Recommendations;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * /api/v1/recommendations: the savings recommendations (a team-scoped token sees its teams' only; the commitment report
 * and the engine's notes span every team and go to unscoped callers), accept, dismiss with a reason.
 */
final class RecommendationRoutes {
    private final Recommendations recommendations;

    RecommendationRoutes(Recommendations recommendations) {
        this.recommendations = recommendations;
    }

    void register(Javalin app) {
        app.get("/api/v1/recommendations", this::list, Access.Scope.TEAM_ROWS);
        app.post("/api/v1/recommendations/{id}/accept", ctx -> act(ctx, false), Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/recommendations/{id}/dismiss", ctx -> act(ctx, true), Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/recommendations/{id}/implemented", this::implemented, Access.Scope.TEAM_OBJECT);
    }

    private void implemented(Context ctx) {
        String id = ctx.pathParam("id");
        if (recommendations.teamsOf(id).filter(teams -> Access.covers(ctx, teams)).isEmpty()) {
            ApiServer.problemStatic(ctx, 404, "Not found", "no recommendation '" + id + "'");
            return;
        }
        try {
            ctx.json(json(recommendations.implemented(id, Access.principal(ctx).name())));
        } catch (IllegalStateException e) {
            ApiServer.problemStatic(ctx, 409, "Conflict", e.getMessage());
        }
    }

    private void list(Context ctx) {
        String kind = ctx.queryParam("kind");
        String team = ctx.queryParam("team");
        Set<String> mine = Access.teams(ctx);
        if (team != null && mine != null && !mine.contains(team)) {
            throw new Access.ForbiddenException("token " + Access.principal(ctx).name() + " may read teams " + new java.util.TreeSet<>(mine) + " only, not " + team);
        }
        Set<String> teams = team != null ? Set.of(team) : mine;
        Recommendations.Listing l = recommendations.list(new Recommendations.Filter(kind == null ? null : Recommendation.Kind.parse(kind), teams));
        Map<String, BigDecimal> totals = new TreeMap<>();
        for (Recommendation r : l.recommendations()) {
            if (r.state().status() == Recommendation.Status.OPEN || r.state().status() == Recommendation.Status.ACCEPTED) totals.merge(r.monthlySaving().currency(), r.monthlySaving().amount(), BigDecimal::add);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asOf", l.result().asOf().toString());
        m.put("recommendations", l.recommendations().stream().map(RecommendationRoutes::json).toList());
        Map<String, String> t = new TreeMap<>();
        totals.forEach((c, a) -> t.put(c, Money.plain(a)));
        m.put("monthlySavingTotals", t);
        m.put("realised", recommendations.realised(new Recommendations.Filter(kind == null ? null : Recommendation.Kind.parse(kind), teams)).stream()
                .map(RecommendationRoutes::json).toList());
        if (mine == null) {
            m.put("commitments", json(l.result().commitments()));
            m.put("notes", l.result().notes(kind == null ? null : Recommendation.Kind.parse(kind)));
        }
        ctx.json(m);
    }

    private void act(Context ctx, boolean dismiss) throws Exception {
        String id = ctx.pathParam("id");
        Recommendation r = recommendations.find(id).filter(x -> Access.covers(ctx, x.team() == null ? List.of() : List.of(x.team()))).orElse(null);
        if (r == null) {
            ApiServer.problemStatic(ctx, 404, "Not found", "no recommendation '" + id + "'");
            return;
        }
        String actor = Access.principal(ctx).name();
        if (dismiss) {
            JsonNode body = new ObjectMapper().readTree(ctx.body().isBlank() ? "{}" : ctx.body());
            ctx.json(json(recommendations.dismiss(id, body.path("reason").asText(""), actor)));
        } else {
            ctx.json(json(recommendations.accept(id, actor)));
        }
    }

    static Map<String, Object> json(Recommendation r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("kind", r.kind().label());
        m.put("team", r.team());
        m.put("target", r.target());
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("from", r.evidence().from().toString());
        e.put("to", r.evidence().to().toString());
        e.put("rule", r.evidence().rule());
        e.put("numbers", r.evidence().numbers());
        m.put("evidence", e);
        m.put("monthlySaving", r.monthlySaving().plain());
        m.put("currency", r.monthlySaving().currency());
        m.put("risk", r.risk().label());
        m.put("action", r.action());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status", r.state().status().label());
        s.put("reason", r.state().reason());
        s.put("actor", r.state().actor());
        s.put("at", r.state().at() == null ? null : r.state().at().toString());
        s.put("acceptedAt", r.state().acceptedAt() == null ? null : r.state().acceptedAt().toString());
        m.put("state", s);
        return m;
    }

    /** An implemented recommendation, measured: amounts exact, per 30 days; windows [from, to). */
    static Map<String, Object> json(dev.burnrate.recommend.RealisedSavings.Realised r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("kind", r.kind().label());
        m.put("team", r.team());
        m.put("target", r.target());
        m.put("currency", r.currency());
        m.put("expectedMonthlySaving", Money.plain(r.expected()));
        m.put("acceptedAt", str(r.acceptedAt()));
        m.put("implementedAt", str(r.implementedAt()));
        m.put("implementedBy", r.actor());
        m.put("beforeFrom", str(r.beforeFrom()));
        m.put("beforeTo", str(r.beforeTo()));
        m.put("beforeEffective", plain(r.before()));
        m.put("beforePerMonth", plain(r.beforePerMonth()));
        m.put("afterFrom", str(r.afterFrom()));
        m.put("afterTo", str(r.afterTo()));
        m.put("afterDays", r.afterDays());
        m.put("afterEffective", plain(r.after()));
        m.put("afterPerMonth", plain(r.afterPerMonth()));
        m.put("realisedSaving", plain(r.realised()));
        m.put("note", r.note());
        return m;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static String plain(BigDecimal v) {
        return v == null ? null : Money.plain(v);
    }

    static Map<String, Object> json(CommitmentReport c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", c.from().toString());
        m.put("to", c.to().toString());
        m.put("commitments", c.commitments().stream().map(x -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", x.id());
            o.put("name", x.name());
            o.put("type", x.type());
            o.put("currency", x.currency());
            o.put("usedEffective", Money.plain(x.usedEffective()));
            o.put("unusedEffective", Money.plain(x.unusedEffective()));
            o.put("usedList", Money.plain(x.usedList()));
            o.put("utilisation", x.utilisation() == null ? null : Money.plain(x.utilisation()));
            return o;
        }).toList());
        m.put("coverage", c.coverage().stream().map(x -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("service", x.service());
            o.put("currency", x.currency());
            o.put("coveredList", Money.plain(x.coveredList()));
            o.put("onDemandList", Money.plain(x.onDemandList()));
            o.put("coverage", x.coverage() == null ? null : Money.plain(x.coverage()));
            return o;
        }).toList());
        return m;
    }
}

package dev.burnrate.http;

import dev.burnrate.budget.Budget;
import dev.burnrate.budget.BudgetStatus;
import dev.burnrate.budget.Budgets;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/v1/budgets: list with status, one status, create or replace (JSON spec), delete. */
final class BudgetRoutes {
    private final Budgets budgets;

    BudgetRoutes(Budgets budgets) {
        this.budgets = budgets;
    }

    void register(Javalin app) {
        app.get("/api/v1/budgets", ctx -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Budget b : budgets.all()) {
                if (Access.covers(ctx, teams(b))) out.add(json(budgets.status(b)));
            }
            ctx.json(Map.of("budgets", out));
        }, Access.Scope.TEAM_ROWS);
        app.get("/api/v1/budgets/{id}/status", ctx -> {
            Budget b = budgets.find(ctx.pathParam("id")).filter(x -> Access.covers(ctx, teams(x))).orElse(null);
            if (b == null) {
                ApiServer.problemStatic(ctx, 404, "Not found", "no budget '" + ctx.pathParam("id") + "'");
                return;
            }
            ctx.json(json(budgets.status(b)));
        }, Access.Scope.TEAM_OBJECT);
        // budgets are written by admins, whose tokens cover every team
        app.post("/api/v1/budgets", this::put, Access.Scope.ALL_TEAMS);
        app.delete("/api/v1/budgets/{id}", ctx -> {
            if (budgets.delete(ctx.pathParam("id"), Access.principal(ctx).name())) ctx.status(204);
            else ApiServer.problemStatic(ctx, 404, "Not found", "no stored budget '" + ctx.pathParam("id") + "'");
        }, Access.Scope.ALL_TEAMS);
    }

    /** The teams a budget's scope names (none: it spans every team, and only unscoped tokens see it). */
    static List<String> teams(Budget b) {
        return b.scope().entrySet().stream().filter(e -> e.getKey().name().equals("team")).findFirst().map(Map.Entry::getValue).orElse(List.of());
    }

    private void put(Context ctx) {
        Budget b = budgets.put(ctx.body(), Access.principal(ctx).name());
        ctx.status(201).json(json(budgets.status(b)));
    }

    static Map<String, Object> json(BudgetStatus s) {
        Budget b = s.budget();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        Map<String, Object> scope = new LinkedHashMap<>();
        b.scope().forEach((f, v) -> scope.put(f.name(), v));
        m.put("scope", scope);
        m.put("period", Map.of("kind", b.period().kind().name().toLowerCase(), "start", s.periodStart().toString(), "end", s.periodEnd().toString()));
        m.put("currency", b.amount().currency());
        m.put("amount", b.amount().plain());
        m.put("asOf", s.asOf().toString());
        m.put("spent", s.spent().plain());
        m.put("percentSpent", s.percentSpent().toPlainString());
        m.put("reserved", s.reserved().plain());
        m.put("forecastAtEnd", s.forecastAtEnd().plain());
        m.put("forecastLow", s.forecastLow().plain());
        m.put("forecastHigh", s.forecastHigh().plain());
        m.put("remaining", s.remaining().plain());
        m.put("burnRatePerDay", s.burnRatePerDay().plain());
        m.put("daysToExhaustion", s.daysToExhaustion() == null ? null : s.daysToExhaustion().toPlainString());
        m.put("tier", b.tier().name().toLowerCase());
        m.put("owners", b.owners());
        m.put("crossedThresholds", s.crossed().stream().map(t -> Map.of("percent", t.percent().toPlainString(),
                "on", t.basis().name().toLowerCase(), "action", t.action().name().toLowerCase())).toList());
        return m;
    }
}

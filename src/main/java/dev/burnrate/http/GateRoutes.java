package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.access.Principal;
import dev.burnrate.access.Role;
import dev.burnrate.audit.AuditLog;
import dev.burnrate.gate.Gate;
import dev.burnrate.gate.GateRequest;
import dev.burnrate.gate.Ticket;
import dev.burnrate.guard.Guard;
import dev.burnrate.guard.Heartbeat;
import dev.burnrate.policy.Policy;
import dev.burnrate.policy.PolicySet;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** /api/v1/gate/requests (decide, approve, reject, start, heartbeats, finish, release), /api/v1/audit, /api/v1/policies. */
final class GateRoutes {
    private final Gate gate;
    private final AuditLog audit;
    private final ObjectMapper json;

    GateRoutes(Gate gate, AuditLog audit, ObjectMapper json) {
        this.gate = gate;
        this.audit = audit;
        this.json = json;
    }

    void register(Javalin app) {
        app.post("/api/v1/gate/requests", this::submit, Access.Scope.TEAM_OBJECT);
        app.get("/api/v1/gate/requests", ctx -> {
            Principal p = Access.principal(ctx);
            String state = ctx.queryParam("state");
            Ticket.State s = state == null ? null : Ticket.State.parse(state);
            int limit = ctx.queryParam("limit") == null ? 100 : Integer.parseInt(ctx.queryParam("limit"));
            ctx.json(Map.of("requests", gate.list(s, Access.teams(ctx), Math.max(1, Math.min(limit, 1000)))));
        }, Access.Scope.TEAM_ROWS);
        app.get("/api/v1/gate/requests/{id}", ctx -> ctx.json(visible(ctx)), Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/gate/requests/{id}/approve", ctx -> approval(ctx, true), Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/gate/requests/{id}/reject", ctx -> approval(ctx, false), Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/gate/requests/{id}/start", ctx -> {
            Ticket t = visible(ctx);
            ctx.json(gate.start(t.id(), Access.principal(ctx).name()));
        }, Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/gate/requests/{id}/release", ctx -> {
            Ticket t = visible(ctx);
            ctx.json(gate.release(t.id(), Access.principal(ctx).name()));
        }, Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/gate/requests/{id}/heartbeats", ctx -> {
            Ticket t = visible(ctx);
            Heartbeat hb = Heartbeat.fromJson(body(ctx));
            Guard.Verdict v = gate.heartbeat(t.id(), hb);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("action", v.action().label());
            out.put("reasons", v.reasons());
            out.put("spend", v.state().spend());
            out.put("elapsedHours", v.state().elapsedHours());
            out.put("reserved", t.reserved());
            ctx.json(out);
        }, Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/gate/requests/{id}/finish", ctx -> {
            Ticket t = visible(ctx);
            JsonNode n = ctx.body().isBlank() ? json.createObjectNode() : body(ctx);
            ctx.json(gate.finish(t.id(), GateRequests.text(n, "status"), GateRequests.decimal(n, "cost"), Access.principal(ctx).name()));
        }, Access.Scope.TEAM_OBJECT);
        app.get("/api/v1/audit", ctx -> {
            // bad paging is a 400 naming the parameter (a negative limit reached the database: 503 "Storage unavailable")
            long from = ApiServer.intParam(ctx, "from", 1, 1, Integer.MAX_VALUE);
            int limit = Math.min(1000, ApiServer.intParam(ctx, "limit", 100, 1, Integer.MAX_VALUE)); // at most 1000, as before
            String subject = ctx.queryParam("subject");
            if (subject != null && ctx.queryParam("from") != null) {
                throw new dev.burnrate.ledger.InvalidParameterException("from", ctx.queryParam("from"), "not with subject, which lists all of a subject's entries");
            }
            if (ctx.queryParam("last") != null && ctx.queryParam("from") != null) {
                throw new dev.burnrate.ledger.InvalidParameterException("from", ctx.queryParam("from"), "not with last, which counts back from the newest entry");
            }
            // last counts back within the subject, when one is given (it ignored it and gave the log's last)
            Integer last = ctx.queryParam("last") == null ? null : Math.min(1000, ApiServer.intParam(ctx, "last", 100, 1, Integer.MAX_VALUE));
            ctx.json(Map.of("events", visibleEvents(ctx, audit.select(subject, last, from, limit))));
        }, Access.Scope.TEAM_ROWS);
        app.get("/api/v1/audit/verify", ctx -> ctx.json(audit.verify()), Access.Scope.PUBLIC); // counts and hashes, no entry
        app.get("/api/v1/policies", ctx -> ctx.json(Map.of("policies", gate.policies().policies())), Access.Scope.PUBLIC); // configuration, every team's rules
        app.post("/api/v1/policies/evaluate", ctx -> {
            JsonNode n = body(ctx);
            String kind = GateRequests.text(n, "appliesTo");
            if (kind == null) throw new IllegalArgumentException("appliesTo is required");
            Policy.AppliesTo a = Policy.AppliesTo.valueOf(kind.toUpperCase(Locale.ROOT));
            @SuppressWarnings("unchecked")
            Map<String, Object> vars = json.convertValue(n.get("input"), Map.class);
            List<PolicySet.Hit> hits = gate.policies().evaluate(a, vars == null ? Map.of() : vars);
            ctx.json(Map.of("hits", hits.stream().map(h -> Map.of("policy", h.policy().name(), "effect", h.effect().label(), "enforced", h.enforced(),
                    "message", h.error() == null ? h.policy().message() : "error: " + h.error())).toList()));
        }, Access.Scope.PUBLIC); // evaluates the caller's own input
    }

    private void submit(Context ctx) {
        Principal p = Access.principal(ctx);
        GateRequest r = GateRequests.parse(body(ctx), Access.tokensEnabled(ctx) ? p.name() : null);
        if (!p.coversTeam(r.team())) {
            ApiServer.problemStatic(ctx, 403, "Forbidden", "token " + p.name() + " may not submit for team " + r.team());
            return;
        }
        boolean existed = r.id() != null && gate.known(r.id());
        if (existed && gate.get(r.id()).filter(prior -> !p.coversTeam(prior.request().team())).isPresent()) {
            throw new Gate.StateException("no request " + r.id(), true); // another team's id: as if it did not exist
        }
        Ticket t = gate.submit(r);
        // bytes straight from Jackson: the hot path of the gate skips the intermediate String of ctx.json
        try {
            ctx.status(existed ? 200 : 201).contentType("application/json").result(json.writeValueAsBytes(t));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write ticket " + t.id() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private void approval(Context ctx, boolean approve) {
        Ticket t = visible(ctx);
        Principal p = Access.principal(ctx);
        JsonNode n = body(ctx);
        String approver = Access.tokensEnabled(ctx) ? p.name() : GateRequests.text(n, "approver");
        if (approver == null) throw new IllegalArgumentException("approver is required (the server runs without tokens, so name yourself)");
        ctx.json(approve ? gate.approve(t.id(), approver, GateRequests.text(n, "reason")) : gate.reject(t.id(), approver, GateRequests.text(n, "reason")));
    }

    /**
     * The events a team-scoped caller may read: those about gate requests of its teams. Other entries (policy changes,
     * tokens, other teams' requests) are left out; an unscoped caller reads them all.
     */
    private List<dev.burnrate.audit.AuditEvent> visibleEvents(Context ctx, List<dev.burnrate.audit.AuditEvent> events) {
        if (Access.teams(ctx) == null) return events;
        Map<String, Boolean> seen = new java.util.HashMap<>();
        // only entries about gate requests (a request id may look like another subject, e.g. "budget:x"), of its teams
        return events.stream().filter(e -> e.subject() != null && e.action().startsWith("gate.") && seen.computeIfAbsent(e.subject(),
                id -> gate.get(id).map(t -> Access.covers(ctx, List.of(t.request().team()))).orElse(false))).toList();
    }

    /** The ticket, if the caller's teams cover it (404 otherwise, so ids of other teams are not disclosed). */
    private Ticket visible(Context ctx) {
        Ticket t = gate.get(ctx.pathParam("id")).orElseThrow(() -> new Gate.StateException("no gate request " + ctx.pathParam("id"), true));
        if (!Access.principal(ctx).coversTeam(t.request().team())) throw new Gate.StateException("no gate request " + t.id(), true);
        return t;
    }

    /** The request body as JSON, parsed from its bytes (no intermediate String on the gate's hot path). */
    private JsonNode body(Context ctx) {
        try {
            return json.readTree(ctx.bodyAsBytes());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("request body is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }
}

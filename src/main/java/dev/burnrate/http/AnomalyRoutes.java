package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.anomaly.AnomalyStore;
import dev.burnrate.anomaly.CostAnomalies;
import dev.burnrate.anomaly.CostAnomaly;
import dev.burnrate.anomaly.Course;
import dev.burnrate.anomaly.Incident;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.InvalidParameterException;
import dev.burnrate.ledger.Money;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** /api/v1/anomalies: list, detect over a window, feedback. */
final class AnomalyRoutes {
    private final CostAnomalies detector;
    private final AnomalyStore store;
    private final Clock clock;

    AnomalyRoutes(CostAnomalies detector, AnomalyStore store, Clock clock) {
        this.detector = detector;
        this.store = store;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/api/v1/anomalies", ctx -> {
            LocalDate listFrom = CostQueryParser.date("from", ctx.queryParam("from"));
            LocalDate listTo = CostQueryParser.date("to", ctx.queryParam("to"));
            CostQueryParser.window(listFrom, listTo);
            // by default one row per incident (its lead, naming the other scopes); ?scopes=all lists every scope's anomaly
            String scopes = ctx.queryParam("scopes");
            if (scopes != null && !scopes.equals("all")) throw new InvalidParameterException("scopes", scopes, "expected all (or leave it out: one row per incident)");
            boolean every = "all".equals(scopes);
            List<CostAnomaly> all = detector.listed(listFrom, listTo, 500).stream().filter(a -> visible(ctx, a)).toList();
            List<Incident> rows = every ? all.stream().map(a -> new Incident(a, List.of())).toList() : Incident.of(all);
            ctx.json(Map.of("anomalies", rows(rows)));
        }, Access.Scope.TEAM_ROWS);
        app.post("/api/v1/anomalies/detect", ctx -> {
            LocalDate to = CostQueryParser.date("to", ctx.queryParam("to"));
            to = to == null ? LocalDate.now(clock) : to;
            LocalDate from = CostQueryParser.date("from", ctx.queryParam("from"));
            from = from == null ? to.minusDays(30) : from;
            if (ctx.queryParam("to") == null && !from.isBefore(to)) {
                // a trial read "to=2026-12-05 must be after from=2026-12-06" for a to it never sent
                throw new InvalidParameterException("from", from.toString(), "must be before to, which is today (" + to + ") when not given");
            }
            CostQueryParser.window(from, to);
            String grain = ctx.queryParam("grain");
            if (grain != null && !grain.equals("day") && !grain.equals("hour")) {
                throw new InvalidParameterException("grain", grain, "expected day or hour");
            }
            List<CostAnomaly> found = "hour".equals(grain)
                    ? detector.detectHourly(from.atStartOfDay(), to.atStartOfDay())
                    : detector.detect(from, to);
            ctx.json(Map.of("anomalies", rows(found.stream().map(a -> new Incident(a, List.of())).toList())));
        }, Access.Scope.ALL_TEAMS);
        app.get("/api/v1/anomalies/{id}", this::get, Access.Scope.TEAM_OBJECT);
        app.post("/api/v1/anomalies/{id}/feedback", this::feedback, Access.Scope.TEAM_OBJECT);
    }

    /** An anomaly belongs to a team when it is the spend of that team; anomalies of other dimensions are for unscoped callers. */
    static boolean visible(Context ctx, CostAnomaly a) {
        return Access.covers(ctx, a.dimension().equals("team") ? List.of(a.value()) : List.of());
    }

    private void feedback(Context ctx) throws Exception {
        JsonNode body = new ObjectMapper().readTree(ctx.body().isBlank() ? "{}" : ctx.body());
        for (java.util.Iterator<String> f = body.fieldNames(); f.hasNext(); ) {
            String k = f.next();
            if (!k.equals("verdict") && !k.equals("note")) throw new InvalidParameterException(k, body.get(k).asText(), "unknown field; expected verdict and note");
        }
        CostAnomaly.Feedback verdict = CostAnomaly.Feedback.parse("verdict", body.path("verdict").asText(""));
        Optional<dev.burnrate.anomaly.CostAnomalies.AlertChange> change = store.find(ctx.pathParam("id")).filter(a -> visible(ctx, a)).isEmpty()
                ? Optional.empty()
                : detector.judge(ctx.pathParam("id"), verdict, body.path("note").asText(null), Access.actor(ctx), a -> visible(ctx, a));
        if (change.isEmpty()) {
            ApiServer.problemStatic(ctx, 404, "Not found", "no anomaly '" + ctx.pathParam("id") + "'");
            return;
        }
        // the anomaly with the other scopes of its incident, as the list shows them (the reply said none), and what
        // the verdict did to the incident's alert
        Map<String, Object> reply = one(ctx, store.find(ctx.pathParam("id")).orElseThrow());
        reply.put("alert", change.get() == dev.burnrate.anomaly.CostAnomalies.AlertChange.NONE ? null : change.get().name().toLowerCase(Locale.ROOT));
        ctx.json(reply);
    }

    private void get(Context ctx) {
        Optional<CostAnomaly> a = store.find(ctx.pathParam("id")).filter(x -> visible(ctx, x));
        if (a.isEmpty()) {
            ApiServer.problemStatic(ctx, 404, "Not found", "no anomaly '" + ctx.pathParam("id") + "'");
            return;
        }
        ctx.json(one(ctx, a.get()));
    }

    /** One anomaly as the list shows it, with the other scopes of its incident that the caller may see. */
    private Map<String, Object> one(Context ctx, CostAnomaly a) {
        String lead = a.incidentId();
        List<CostAnomaly> others = store.incident(lead).stream().filter(x -> visible(ctx, x) && !x.id().equals(a.id())).toList();
        return rows(List.of(Incident.seenAlsoIn(a, others))).get(0);
    }

    /** The rows as JSON, with each one's course and account name looked up once for all of them. */
    private List<Map<String, Object>> rows(List<Incident> rows) {
        List<CostAnomaly> leads = rows.stream().map(Incident::lead).toList();
        Map<String, Course> courses = detector.courses(leads);
        Map<String, String> names = detector.scopeNames(leads);
        return rows.stream().map(i -> json(i.lead(), i.alsoSeenIn(), courses.get(i.lead().id()),
                i.lead().dimension().equals("SubAccountId") ? names.get(i.lead().value()) : null)).toList();
    }

    private Map<String, Object> json(CostAnomaly a, List<CostAnomaly> alsoSeenIn, Course course, String scopeName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("day", a.day().toString());
        m.put("hour", a.hour());
        m.put("grain", a.hour() == null ? "day" : "hour");
        m.put("dimension", a.dimension());
        m.put("value", a.value());
        m.put("scopeName", scopeName);
        m.put("currency", a.currency());
        m.put("actual", Money.plain(a.actual()));
        m.put("expected", Money.plain(a.expected()));
        m.put("expectedLow", Money.plain(a.low()));
        m.put("expectedHigh", Money.plain(a.high()));
        m.put("impact", Money.plain(a.impact()));
        m.put("score", Math.round(a.score() * 1000) / 1000.0);
        m.put("severity", a.severity());
        m.put("rootCause", a.rootCause().stream().map(c -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("dimension", c.dimension());
            r.put("value", c.value());
            r.put("actual", Money.plain(c.actual()));
            r.put("baseline", Money.plain(c.baseline()));
            r.put("delta", Money.plain(c.delta()));
            r.put("share", c.share() == null ? null : c.share().toPlainString());
            return r;
        }).toList());
        m.put("course", Optional.ofNullable(course).map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("from", c.from().toString());
            x.put("through", c.through().toString());
            x.put("days", c.days());
            x.put("impact", Money.plain(c.impact()));
            x.put("ongoing", c.ongoing());
            return x;
        }).orElse(null));
        m.put("incident", a.incidentId()); // an anomaly alone is its own incident (a trial read null as "no incident")
        m.put("changesBefore", detector.changesBefore(a).stream().map(e -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", e.kind().label());
            x.put("model", e.model());
            x.put("variant", e.variant());
            x.put("at", e.at().toString());
            x.put("description", e.description());
            return x;
        }).toList());
        m.put("alsoSeenIn", alsoSeenIn.stream().map(o -> Map.of("id", o.id(), "when", o.when(), "dimension", o.dimension(), "value", o.value(),
                "impact", Money.plain(o.impact()))).toList());
        m.put("feedback", a.feedback());
        m.put("feedbackNote", a.feedbackNote());
        m.put("suppressed", a.suppressed());
        m.put("silencedThrough", Optional.ofNullable(a.silencedThrough()).map(LocalDate::toString).orElse(null));
        return m;
    }

}

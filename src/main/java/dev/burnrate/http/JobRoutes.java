package dev.burnrate.http;

import dev.burnrate.allocation.JobCosts;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ingest.jobs.JobRunJson;
import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.JobRun;
import io.javalin.Javalin;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** POST /api/v1/jobs (a job, an array or NDJSON; upsert by id) and GET /api/v1/jobs with each run's cost. */
final class JobRoutes {
    private final JobRuns jobs;
    private final JobCosts costs;
    private final dev.burnrate.allocation.TrainingEconomics economics;
    private final dev.burnrate.ledger.TelemetryLog log;

    /** {@code log}: where replicas share posted job runs (Kafka), or null: stored here. */
    JobRoutes(JobRuns jobs, JobCosts costs, dev.burnrate.allocation.TrainingEconomics economics, dev.burnrate.ledger.TelemetryLog log) {
        this.jobs = jobs;
        this.costs = costs;
        this.economics = economics;
        this.log = log;
    }

    void register(Javalin app) {
        app.post("/api/v1/jobs", ctx -> {
            List<JobRun> batch;
            try {
                batch = JobRunJson.parse(new StringReader(ctx.body()), "request body");
            } catch (RecordException e) {
                ApiServer.problemStatic(ctx, 400, "Invalid job run", e.getMessage());
                return;
            }
            for (JobRun j : batch) Access.requireTeam(ctx, j.team(), "post job run " + j.id()); // all or nothing
            // a run already stored keeps its owner: replacing it needs the right to its team too
            Map<String, String> stored = jobs.teamsOf(batch.stream().map(JobRun::id).toList());
            for (Map.Entry<String, String> e : stored.entrySet()) Access.requireTeam(ctx, e.getValue(), "replace job run " + e.getKey());
            if (log == null) {
                jobs.upsert(batch);
                ctx.status(202).json(Map.of("received", batch.size()));
            } else {
                byte[] ndjson = dev.burnrate.ingest.jobs.JobRunJson.ndjson(ctx.body()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ApiServer.forward(ctx, log, dev.burnrate.ledger.TelemetryLog.Kind.JOB_RUNS, ndjson, batch.size());
            }
        }, Access.Scope.TEAM_OBJECT);
        if (economics != null) {
            app.get("/api/v1/unit-costs", ctx -> {
                String kind = ctx.queryParam("kind");
                if ("inference".equals(kind)) { // the other parameters go along; kind is not one of inference-costs'
                    StringBuilder rest = new StringBuilder();
                    ctx.queryParamMap().forEach((k, vs) -> {
                        if (k.equals("kind") || k.isBlank()) return;
                        for (String v : vs) {
                            rest.append(rest.isEmpty() ? "?" : "&").append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8))
                                    .append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
                        }
                    });
                    ctx.redirect("/api/v1/inference-costs" + rest);
                    return;
                }
                if (kind != null && !kind.equals("training")) throw new dev.burnrate.ledger.InvalidParameterException("kind", kind, "expected training or inference");
                for (String window : List.of("from", "to")) { // training unit costs cover every run: a window would be ignored
                    String v = ctx.queryParam(window);
                    if (v != null) throw new dev.burnrate.ledger.InvalidParameterException(window, v, "applies with kind=inference only; training unit costs cover every run");
                }
                String by = ctx.queryParam("by") == null ? "model" : ctx.queryParam("by");
                if (!by.equals("model") && !by.equals("team")) throw new dev.burnrate.ledger.InvalidParameterException("by", by, "expected model or team");
                java.util.Set<String> mine = Access.teams(ctx);
                if (mine != null && by.equals("model")) {
                    throw new Access.ForbiddenException("a model's runs span teams; token " + Access.principal(ctx).name() + " may read unit costs by=team only");
                }
                ctx.json(Map.of("training", economics.byOwner(by, 5).stream().filter(l -> mine == null || mine.contains(l.key())).map(l -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put(by, l.key());
                    m.put("currency", l.currency());
                    m.put("runs", l.runs());
                    m.put("estimatedRuns", l.estimatedRuns());
                    m.put("cost", dev.burnrate.ledger.Money.plain(l.cost()));
                    m.put("costPerRun", l.costPerRun() == null ? null : dev.burnrate.ledger.Money.plain(l.costPerRun()));
                    m.put("costPerInstanceHour", l.costPerInstanceHour() == null ? null : dev.burnrate.ledger.Money.plain(l.costPerInstanceHour()));
                    Map<String, String> months = new LinkedHashMap<>();
                    l.retrainingByMonth().forEach((k, v) -> months.put(k.toString(), dev.burnrate.ledger.Money.plain(v)));
                    m.put("retrainingByMonth", months);
                    m.put("meanGpuUtilization", l.meanGpuUtilization());
                    m.put("idleGpuCost", dev.burnrate.ledger.Money.plain(l.idleCost()));
                    return m;
                }).toList()));
            }, Access.Scope.TEAM_ROWS);
        }
        app.get("/api/v1/jobs", ctx -> {
            java.util.Set<String> mine = Access.teams(ctx);
            List<String> teams = CostQueryParser.alternatives("team", ctx.queryParam("team"));
            if (mine != null) {
                for (String t : teams) Access.requireTeam(ctx, t, "read job runs");
                if (teams.isEmpty()) teams = List.copyOf(new java.util.TreeSet<>(mine)); // a scoped token lists its own teams' runs
            }
            ctx.json(Map.of("jobs", costs.costs(jobs.listAny(CostQueryParser.alternatives("model", ctx.queryParam("model")), teams, 1000))
                    .stream().map(JobRoutes::json).toList()));
        }, Access.Scope.TEAM_ROWS);
    }

    static Map<String, Object> json(JobCosts.JobCost c) {
        JobRun j = c.job();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("model", j.model());
        m.put("team", j.team());
        m.put("kind", j.kind());
        m.put("tier", j.tier());
        m.put("status", j.status());
        m.put("instanceType", j.instanceType());
        m.put("instanceCount", j.instanceCount());
        m.put("pricing", j.pricing());
        m.put("start", j.start() == null ? null : j.start().toString());
        m.put("end", j.end() == null ? null : j.end().toString());
        m.put("instanceHours", c.instanceHours().stripTrailingZeros().toPlainString());
        m.put("cost", c.cost() == null ? null : c.cost().plain());
        m.put("currency", c.cost() == null ? null : c.cost().currency());
        m.put("estimated", c.estimated());
        m.put("costPerInstanceHour", c.perInstanceHour() == null ? null : c.perInstanceHour().plain());
        m.put("evictions", j.evictions());
        m.put("evictionOverhead", c.evictionOverhead() == null ? null : c.evictionOverhead().plain());
        m.put("note", c.note());
        return m;
    }
}

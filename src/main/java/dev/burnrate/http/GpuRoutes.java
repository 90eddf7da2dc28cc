package dev.burnrate.http;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ingest.gpu.NdjsonSamples;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.InvalidParameterException;
import dev.burnrate.ledger.Window;
import io.javalin.Javalin;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** POST /api/v1/gpu-samples (NDJSON, all-or-nothing) and GET /api/v1/gpu-usage. */
final class GpuRoutes {
    private final GpuSamples samples;
    private final dev.burnrate.ledger.TelemetryLog log;

    /** {@code log}: where replicas share telemetry (Kafka), or null: stored here. */
    GpuRoutes(GpuSamples samples, dev.burnrate.ledger.TelemetryLog log) {
        this.samples = samples;
        this.log = log;
    }

    void register(Javalin app) {
        app.post("/api/v1/gpu-samples", ctx -> {
            List<GpuSample> batch;
            byte[] body = log == null ? null : ctx.bodyAsBytes();
            try {
                batch = body == null ? NdjsonSamples.parse(new InputStreamReader(ctx.bodyInputStream(), StandardCharsets.UTF_8), "request body")
                        : NdjsonSamples.parse(body, "request body");
            } catch (RecordException e) {
                ApiServer.problemStatic(ctx, 400, "Invalid GPU sample", e.getMessage());
                return;
            }
            if (log == null) {
                long added = samples.append(batch);
                ctx.status(202).json(Map.of("received", batch.size(), "stored", added));
            } else {
                ApiServer.forward(ctx, log, dev.burnrate.ledger.TelemetryLog.Kind.GPU_SAMPLES, body, batch.size());
            }
        }, Access.Scope.ALL_TEAMS); // samples name GPUs, hosts, pods and jobs, no team: collectors use an unscoped token
        app.get("/api/v1/gpu-usage", ctx -> {
            String by = ctx.queryParam("by") == null ? "job" : ctx.queryParam("by");
            GpuSamples.Group g;
            try {
                g = GpuSamples.Group.valueOf(by.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidParameterException("by", by, "expected job, gpu, host, pod or namespace");
            }
            LocalDate from = CostQueryParser.date("from", ctx.queryParam("from"));
            LocalDate to = CostQueryParser.date("to", ctx.queryParam("to"));
            double idle = ctx.queryParam("idleBelow") == null ? 5 : Double.parseDouble(ctx.queryParam("idleBelow"));
            ctx.json(Map.of("usage", samples.usage(g, Window.startOf(from), Window.endOf(to), idle).stream().map(u -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(by, u.key());
                m.put("samples", u.samples());
                m.put("meanUtilization", u.meanUtilization());
                m.put("p95Utilization", u.p95Utilization());
                m.put("gpuHours", u.gpuSeconds() / 3600);
                m.put("idleGpuHours", u.idleGpuSeconds() / 3600);
                m.put("idleWithMemoryHeldGpuHours", u.idleWithMemoryHeldSeconds() / 3600);
                return m;
            }).toList()));
        }, Access.Scope.ALL_TEAMS);
    }
}

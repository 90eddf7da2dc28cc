package dev.burnrate.http;

import dev.burnrate.allocation.InferenceEconomics;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ingest.inference.InferenceUsageReader;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;
import dev.burnrate.ledger.InvalidParameterException;
import dev.burnrate.ledger.Window;
import io.javalin.Javalin;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /api/v1/inference-usage (NDJSON, all-or-nothing) and GET /api/v1/inference-costs. */
final class InferenceRoutes {
    private final InferenceUsages usages;
    private final dev.burnrate.ledger.TelemetryLog log;

    /** {@code log}: where replicas share telemetry (Kafka), or null: stored here. */
    InferenceRoutes(InferenceUsages usages, dev.burnrate.ledger.TelemetryLog log) {
        this.usages = usages;
        this.log = log;
    }

    void register(Javalin app) {
        app.post("/api/v1/inference-usage", ctx -> {
            List<InferenceUsage> batch;
            try {
                batch = InferenceUsageReader.ndjson(new StringReader(ctx.body()), "request body");
            } catch (RecordException e) {
                ApiServer.problemStatic(ctx, 400, "Invalid inference usage", e.getMessage());
                return;
            }
            if (log == null) {
                usages.upsert(batch);
                ctx.status(202).json(Map.of("received", batch.size()));
            } else {
                ApiServer.forward(ctx, log, dev.burnrate.ledger.TelemetryLog.Kind.INFERENCE_USAGE, ctx.bodyAsBytes(), batch.size());
            }
        }, Access.Scope.ALL_TEAMS); // usage is by model, variant, feature and customer, no team
        app.get("/api/v1/inference-costs", ctx -> {
            String by = ctx.queryParam("by") == null ? "model" : ctx.queryParam("by");
            if (!Set.of("model", "variant", "feature", "customer").contains(by)) {
                throw new InvalidParameterException("by", by, "expected model, variant, feature or customer");
            }
            LocalDate from = CostQueryParser.date("from", ctx.queryParam("from"));
            LocalDate to = CostQueryParser.date("to", ctx.queryParam("to"));
            ctx.json(Map.of("inference", new InferenceEconomics(usages).by(by, Window.startOf(from), Window.endOf(to)).stream().map(l -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(by, l.key());
                m.put("requests", l.requests());
                m.put("inputTokens", l.inputTokens());
                m.put("outputTokens", l.outputTokens());
                m.put("currency", l.currency());
                m.put("cost", l.cost() == null ? null : l.cost().toPlainString());
                m.put("perInference", l.perInference() == null ? null : l.perInference().toPlainString());
                m.put("per1kInferences", l.per1kInferences() == null ? null : l.per1kInferences().toPlainString());
                m.put("per1MTokens", l.per1MTokens() == null ? null : l.per1MTokens().toPlainString());
                m.put("costKnown", l.costKnown());
                return m;
            }).toList()));
        }, Access.Scope.ALL_TEAMS);
    }
}

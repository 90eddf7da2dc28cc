package dev.burnrate.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Coverage;
import dev.burnrate.ledger.InvalidParameterException;
import dev.burnrate.ledger.Money;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The REST API: routes translate HTTP to the ledger's read side and back; no business logic here. */
public final class ApiServer {
    private static final String PROBLEM = "application/problem+json";
    private final CostLedger ledger;
    private final java.time.Clock clock;
    private final Metrics metrics = new Metrics();
    private final ObjectMapper json = ApiJson.mapper().registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule());
    private dev.burnrate.gate.Gate gate;
    private dev.burnrate.audit.AuditLog audit;
    private dev.burnrate.access.Tokens tokens;

    /** Adds the gate, guard, approvals, policies and audit routes, and token authentication (before {@link #start}). */
    public ApiServer withGovernance(dev.burnrate.gate.Gate gate, dev.burnrate.audit.AuditLog audit, dev.burnrate.access.Tokens tokens) {
        this.gate = gate;
        this.audit = audit;
        this.tokens = tokens;
        return this;
    }

    private java.util.List<String> allowedHosts = java.util.List.of();

    /** Host names besides the bound address that requests may name in {@code Host} (a proxy or DNS name; before {@link #start}). */
    public ApiServer allowHosts(java.util.Collection<String> hosts) {
        this.allowedHosts = java.util.List.copyOf(hosts);
        return this;
    }

    /** Is the address a loopback one (127.0.0.0/8, ::1, localhost)? */
    public static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve bind address " + bind);
        }
    }
    private Javalin app;

    private final dev.burnrate.budget.Budgets budgets;
    private final dev.burnrate.alert.AlertStore alerts;

    private final Anomalies anomalies;
    private dev.burnrate.ledger.GpuSamples gpuSamples;
    private dev.burnrate.ledger.TelemetryLog telemetryLog;

    private dev.burnrate.allocation.Allocation allocation;

    /** Serves {@code allocate=true} on /api/v1/costs (before {@link #start}). */
    public ApiServer withAllocation(dev.burnrate.allocation.Allocation a) {
        this.allocation = a;
        return this;
    }

    private dev.burnrate.allocation.JobRuns jobs;
    private dev.burnrate.allocation.JobCosts jobCosts;

    private dev.burnrate.ledger.InferenceUsages inference;
    private dev.burnrate.intake.BillImports imports;
    private volatile String localCredential;
    private java.util.function.Supplier<Map<String, String>> readiness;
    private CommandRunner commands;
    private dev.burnrate.ingest.focus.FocusLedger importLog;

    private dev.burnrate.ledger.InstanceSamples instanceSamples;

    /** Adds POST /api/v1/instance-samples (before {@link #start}). */
    public ApiServer withInstanceSamples(dev.burnrate.ledger.InstanceSamples samples) {
        this.instanceSamples = samples;
        return this;
    }

    /** Adds the inference usage routes (before {@link #start}). */
    public ApiServer withInference(dev.burnrate.ledger.InferenceUsages usages) {
        this.inference = usages;
        return this;
    }

    /** Adds the job-run routes (before {@link #start}). */
    public ApiServer withJobs(dev.burnrate.allocation.JobRuns jobs, dev.burnrate.allocation.JobCosts costs) {
        this.jobs = jobs;
        this.jobCosts = costs;
        return this;
    }

    /**
     * Lets the CLI on this machine run its commands here (before {@link #start}): {@code credential} is what it must
     * present, {@code runner} runs a command line against this server's ledger.
     */
    public ApiServer withLocalCommands(String credential, CommandRunner runner) {
        this.localCredential = credential;
        this.commands = runner;
        return this;
    }

    /** What /readyz checks: each problem by name (empty: ready) (before {@link #start}). */
    public ApiServer withReadiness(java.util.function.Supplier<Map<String, String>> checks) {
        this.readiness = checks;
        return this;
    }

    /** Adds the bill import routes (before {@link #start}). */
    public ApiServer withImports(dev.burnrate.intake.BillImports imports, dev.burnrate.ingest.focus.FocusLedger ledger) {
        this.imports = imports;
        this.importLog = ledger;
        return this;
    }

    private dev.burnrate.recommend.Recommendations recommendations;

    /** Adds the savings recommendation routes (before {@link #start}). */
    public ApiServer withRecommendations(dev.burnrate.recommend.Recommendations r) {
        this.recommendations = r;
        return this;
    }

    private dev.burnrate.slo.Slos slos;
    private dev.burnrate.slo.ServiceEvents serviceEvents;

    /** Adds the SLO and service event routes (before {@link #start}). */
    public ApiServer withSlos(dev.burnrate.slo.Slos slos, dev.burnrate.slo.ServiceEvents events) {
        this.slos = slos;
        this.serviceEvents = events;
        return this;
    }

    /** Adds the GPU telemetry routes (before {@link #start}). */
    private final List<java.util.function.Supplier<String>> extraMetrics = new java.util.concurrent.CopyOnWriteArrayList<>();

    private java.util.function.Supplier<Map<String, Object>> health;
    private final List<Class<? extends RuntimeException>> unavailable = new ArrayList<>();

    /** Failures of this type mean a store cannot be reached now (a database, a shared directory): 503 with Retry-After, not 500. */
    public ApiServer unavailableOn(Class<? extends RuntimeException> type) {
        unavailable.add(type);
        return this;
    }

    private Long costRecordsOrNull() {
        try {
            return ledger.recordCount();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** One part's metrics, or none when it cannot be read now: the scrape keeps the others. */
    private static String orNothing(java.util.function.Supplier<String> part) {
        try {
            return part.get();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** More fields for /healthz, from parts of the server the API does not know (where the bill is). */
    public ApiServer withHealth(java.util.function.Supplier<Map<String, Object>> fields) {
        this.health = fields;
        return this;
    }

    /** More Prometheus text for /metrics, from parts of the server the API does not know (the Kafka consumer). */
    public ApiServer withMetrics(java.util.function.Supplier<String> text) {
        extraMetrics.add(text);
        return this;
    }

    public ApiServer withGpuSamples(dev.burnrate.ledger.GpuSamples samples) {
        this.gpuSamples = samples;
        return this;
    }

    /**
     * GPU samples and inference usage posted here go to this shared log (Kafka) instead of this replica's store, so
     * that every replica stores them (before {@link #start}).
     */
    public ApiServer withTelemetryLog(dev.burnrate.ledger.TelemetryLog log) {
        this.telemetryLog = log;
        return this;
    }

    /** Answers a telemetry request whose records went to the shared log: 202 with the topic, or 503 when the log did not take them. */
    static void forward(io.javalin.http.Context ctx, dev.burnrate.ledger.TelemetryLog log, dev.burnrate.ledger.TelemetryLog.Kind kind, byte[] body, int received) {
        dev.burnrate.ledger.TelemetryLog.Appended a;
        try {
            a = log.append(kind, body);
        } catch (dev.burnrate.ledger.TelemetryLog.Unavailable e) {
            ctx.header("Retry-After", "5");
            problemStatic(ctx, 503, "Telemetry log unavailable", e.getMessage() + "; send the request again (records the log already took are stored once)");
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("received", received);
        m.put("published", a.topic());
        m.put("records", a.records());
        ctx.status(202).json(m);
    }

    /** Cost anomaly detection and its store, served together. */
    public record Anomalies(dev.burnrate.anomaly.CostAnomalies detector, dev.burnrate.anomaly.AnomalyStore store) {
    }

    public ApiServer(CostLedger ledger, java.time.Clock clock) {
        this(ledger, clock, null, null, null);
    }

    /** With budgets, alerts and anomalies (null leaves those routes out). */
    public ApiServer(CostLedger ledger, java.time.Clock clock, dev.burnrate.budget.Budgets budgets, dev.burnrate.alert.AlertStore alerts,
                     Anomalies anomalies) {
        this.ledger = ledger;
        this.clock = clock;
        this.budgets = budgets;
        this.alerts = alerts;
        this.anomalies = anomalies;
    }

    private final QueryParameters queryParameters = QueryParameters.of(openApi());

    /** The dashboard loads only from this server: scripts and styles from files, no inline script. */
    private static final String DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** Starts on the address and port (0 = any free port); returns the port. */
    public int start(String bind, int port) {
        if (!isLoopback(bind) && (tokens == null || !tokens.enabled())) {
            throw new IllegalStateException("refusing to listen on " + bind + " without API tokens: create one with "
                    + "'burnrate tokens create --name NAME --role admin', or bind to 127.0.0.1");
        }
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.http.defaultContentType = "application/json";
            // Javalin copies each response through a buffer of this size, allocated per response (default 32 KiB: half of
            // all the memory a gate decision allocated); Jetty's own output buffer still aggregates larger responses
            cfg.http.responseBufferSize = 8192;
            // the dashboard: static files from the jar (a client of this API) and ECharts from its WebJar; nothing from the network
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = io.javalin.http.staticfiles.Location.CLASSPATH;
                sf.headers = Map.of("Content-Security-Policy", DASHBOARD_CSP, "X-Content-Type-Options", "nosniff", "Cache-Control", "no-cache");
                // the dashboard's files are UTF-8; without a charset here Jetty answered "text/html;charset=null"
                sf.mimeTypes.add("text/html; charset=utf-8", "html");
                sf.mimeTypes.add("text/javascript; charset=utf-8", "js");
                sf.mimeTypes.add("text/css; charset=utf-8", "css");
            });
            cfg.staticFiles.enableWebjars();
            cfg.events(e -> e.handlerAdded(h -> routes.add(new Route(h.getHttpMethod().name(), h.getPath(), h.getRoles()))));
        });
        SameOrigin sameOrigin = SameOrigin.forBind(bind, allowedHosts);
        app.before(ctx -> {
            ctx.attribute("t0", System.nanoTime());
            if (!sameOrigin.check(ctx) || !Access.check(ctx, tokens, localCredential)) ctx.skipRemainingHandlers();
        });
        app.beforeMatched(ctx -> {
            if (!Access.checkScope(ctx)) {
                ctx.skipRemainingHandlers();
                return;
            }
            String unknown = queryParameters.unknown(ctx);
            if (unknown != null) {
                problem(ctx, 400, "Unknown query parameter", "'" + unknown + "' is not a parameter of " + ctx.method().name() + " "
                        + ctx.endpointHandlerPath() + "; it takes " + describe(queryParameters.of(ctx.method().name(), ctx.endpointHandlerPath()))
                        + " (see /api/openapi.json)", unknown);
                ctx.skipRemainingHandlers();
            }
        });
        app.after(ctx -> {
            Long t0 = ctx.attribute("t0");
            String route = ctx.endpointHandlerPath();
            metrics.record(ctx.method() == HandlerType.GET ? "GET" : ctx.method().name(), route == null || route.isEmpty() ? "unmatched" : route,
                    ctx.statusCode(), t0 == null ? 0 : System.nanoTime() - t0);
        });
        // liveness: the process answers, even when its ledger cannot be read (that is /readyz's to say: a restart would not mend a share)
        app.get("/healthz", ctx -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", "ok");
            m.put("costRecords", costRecordsOrNull());
            m.put("now", clock.instant().toString());
            if (health != null) {
                try {
                    m.putAll(health.get());
                } catch (RuntimeException e) {
                    m.put("ledger", Map.of("problem", String.valueOf(e.getMessage())));
                }
            }
            ctx.json(m);
        });
        app.get("/readyz", ctx -> {
            Map<String, String> problems = readiness == null ? Map.of() : readiness.get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ready", problems.isEmpty());
            m.put("problems", problems);
            ctx.status(problems.isEmpty() ? 200 : 503).json(m);
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.render(costRecordsOrNull())
                + (budgets == null ? "" : Metrics.budgets(budgets.lastEvaluation()))
                + (slos == null ? "" : Metrics.slos(slos.lastEvaluation()))
                + extraMetrics.stream().map(ApiServer::orNothing).collect(java.util.stream.Collectors.joining())));
        app.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
        app.get("/api/v1/costs", this::costs, Access.Scope.TEAM_ROWS);
        app.get("/api/v1/coverage", this::coverage, Access.Scope.ALL_TEAMS);
        app.get("/api/v1/forecast", this::forecast, Access.Scope.TEAM_ROWS);
        if (budgets != null) new BudgetRoutes(budgets).register(app);
        if (gate != null) new GateRoutes(gate, audit, json).register(app);
        app.exception(dev.burnrate.gate.Gate.StateException.class, (e, ctx) ->
                problem(ctx, e.notFound() ? 404 : 409, e.notFound() ? "Not found" : "Conflict", e.getMessage(), null));
        // who acknowledged or resolved an alert is in the audit log, where the server keeps one
        if (alerts != null) new AlertRoutes(alerts, clock, audit == null ? dev.burnrate.alert.AlertChanges.Recorder.NONE
                : (actor, action, subject) -> audit.append(actor, action, subject, "{}")).register(app);
        if (anomalies != null) new AnomalyRoutes(anomalies.detector(), anomalies.store(), clock).register(app);
        if (gpuSamples != null) new GpuRoutes(gpuSamples, telemetryLog).register(app);
        if (instanceSamples != null) {
            app.post("/api/v1/instance-samples", ctx -> { // CSV as `burnrate import instances` reads it, all-or-nothing
                java.util.List<dev.burnrate.ledger.InstanceSample> batch;
                byte[] body = telemetryLog == null ? null : ctx.bodyAsBytes(); // kept whole only when it goes on to Kafka
                try {
                    batch = dev.burnrate.ingest.instance.InstanceSampleCsv.parse(new java.io.InputStreamReader(body == null ? ctx.bodyInputStream()
                            : new java.io.ByteArrayInputStream(body), java.nio.charset.StandardCharsets.UTF_8), "request body");
                } catch (dev.burnrate.ingest.RecordException e) {
                    problemStatic(ctx, 400, "Invalid instance sample", e.getMessage());
                    return;
                }
                if (telemetryLog != null) {
                    forward(ctx, telemetryLog, dev.burnrate.ledger.TelemetryLog.Kind.INSTANCE_SAMPLES, body, batch.size());
                    return;
                }
                long added = instanceSamples.append(batch);
                ctx.status(202).json(Map.of("received", batch.size(), "stored", added));
            }, Access.Scope.ALL_TEAMS); // samples name instances, no team: collectors use an unscoped token
        }
        if (inference != null) new InferenceRoutes(inference, telemetryLog).register(app);
        if (slos != null) new SloRoutes(slos, serviceEvents).register(app);
        if (imports != null) new ImportRoutes(imports, importLog).register(app);
        if (recommendations != null) new RecommendationRoutes(recommendations).register(app);
        new CliRoutes(commands).register(app); // without a runner (no local credential) every call is refused
        if (jobs != null) new JobRoutes(jobs, jobCosts, gpuSamples == null ? null
                : new dev.burnrate.allocation.TrainingEconomics(jobs, jobCosts, gpuSamples), telemetryLog).register(app);
        app.exception(dev.burnrate.audit.AuditLog.BrokenChainException.class, (e, ctx) -> problem(ctx, 503, "Audit chain broken", e.getMessage(), null));
        app.exception(Access.ForbiddenException.class, (e, ctx) -> problem(ctx, 403, "Forbidden", e.getMessage(), null));
        app.exception(IllegalArgumentException.class, (e, ctx) -> problem(ctx, 400, "Invalid request", e.getMessage(), null));
        // a body that is not JSON is the caller's mistake, whichever route parsed it
        app.exception(com.fasterxml.jackson.core.JsonProcessingException.class, (e, ctx) ->
                problem(ctx, 400, "Invalid request", "request body is not JSON: " + e.getOriginalMessage(), null));
        app.exception(InvalidParameterException.class, (e, ctx) -> problem(ctx, 400, "Invalid parameter", e.getMessage(), e.parameter()));
        for (Class<? extends RuntimeException> type : unavailable) {
            app.exception(type, (e, ctx) -> {
                ctx.header("Retry-After", "30");
                problem(ctx, 503, "Storage unavailable", String.valueOf(e.getMessage()), null);
            });
        }
        app.exception(Exception.class, (e, ctx) -> problem(ctx, 500, "Internal error", String.valueOf(e.getMessage()), null));
        app.error(404, ctx -> {
            // a route's own 404 (no anomaly 'x') stands; the response's type carries a charset, so it is matched by its start
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith(PROBLEM)) problem(ctx, 404, "Not found", "no such resource: " + ctx.path(), null);
        });
        app.start(bind, port);
        return app.port();
    }

    /** A registered endpoint with its roles (the {@link Access.Scope} among them). */
    record Route(String method, String path, java.util.Set<io.javalin.security.RouteRole> roles) {
    }

    private final List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The endpoints registered by {@link #start}. */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    public void stop() {
        if (app != null) app.stop();
    }

    private void costs(Context ctx) {
        CostQuery q = teamScoped(ctx, CostQueryParser.parse(ctx.queryParam("groupBy"), ctx.queryParam("from"), ctx.queryParam("to"),
                ctx.queryParam("granularity"), ctx.queryParam("basis"), ctx.queryParams("filter")));
        if ("true".equals(ctx.queryParam("allocate"))) {
            allocated(ctx, q);
            return;
        }
        CostReport r = ledger.costs(q);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CostReport.Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (row.period() != null) m.put("period", row.period().toString());
            for (int i = 0; i < q.groupBy().size(); i++) m.put(q.groupBy().get(i).name(), row.keys().get(i));
            m.put("currency", row.cost().currency());
            m.put("cost", row.cost().plain());
            m.put("records", row.records());
            rows.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("basis", q.basis().name().toLowerCase());
        body.put("granularity", q.granularity().name().toLowerCase());
        body.put("groupBy", q.groupBy().stream().map(f -> f.name()).toList());
        body.put("from", q.from() == null ? null : q.from().toString());
        body.put("to", q.to() == null ? null : q.to().toString());
        body.put("rows", rows);
        body.put("totals", plain(r.totals()));
        ctx.json(body);
    }

    private void forecast(Context ctx) {
        CostQuery q = teamScoped(ctx, CostQueryParser.parse(ctx.queryParam("groupBy"), null, null, null, ctx.queryParam("basis"), ctx.queryParams("filter")));
        int horizon = intParam(ctx, "horizon", 30, 1, 366);
        double coverage = ctx.queryParam("coverage") == null ? 0.8 : doubleParam(ctx, "coverage", 0.5, 0.95);
        java.time.LocalDate asOf = CostQueryParser.date("asOf", ctx.queryParam("asOf"));
        // the days anomaly detection found to be incidents are taken at what was expected of them
        dev.burnrate.forecast.KnownIncidents known = anomalies == null ? dev.burnrate.forecast.KnownIncidents.none()
                : anomalies.detector().knownIncidents();
        List<dev.burnrate.forecast.SpendForecast.ScopeForecast> fs = new dev.burnrate.forecast.SpendForecast(ledger, known)
                .forecast(q.groupBy(), q.filters(), q.basis(), asOf == null ? java.time.LocalDate.now(clock) : asOf, horizon, coverage);
        List<Map<String, Object>> scopes = new ArrayList<>();
        for (var f : fs) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < q.groupBy().size(); i++) m.put(q.groupBy().get(i).name(), f.keys().get(i));
            m.put("currency", f.currency());
            m.put("last30Days", f.last30Days().plain());
            m.put("total", f.total().plain());
            m.put("totalLow", f.totalLow().plain());
            m.put("totalHigh", f.totalHigh().plain());
            List<Map<String, String>> days = new ArrayList<>();
            for (var d : f.days()) {
                days.add(Map.of("date", d.date().toString(), "expected", d.expected().plain(), "low", d.low().plain(), "high", d.high().plain()));
            }
            m.put("days", days);
            scopes.add(m);
        }
        ctx.json(Map.of("horizonDays", horizon, "coverage", coverage, "scopes", scopes));
    }

    /**
     * The query narrowed to the caller's teams: without a team filter, the caller's teams become the filter; a team filter
     * naming another team is refused (403).
     */
    private static CostQuery teamScoped(Context ctx, CostQuery q) {
        java.util.Set<String> mine = Access.teams(ctx);
        if (mine == null) return q;
        dev.burnrate.ledger.Field team = dev.burnrate.ledger.Field.parse("team").orElseThrow();
        List<String> asked = q.filters().get(team);
        if (asked != null && !mine.containsAll(asked)) {
            throw new Access.ForbiddenException("token " + Access.principal(ctx).name() + " may read teams " + new java.util.TreeSet<>(mine) + " only, not " + asked);
        }
        List<String> allowed = asked != null ? asked : List.copyOf(new java.util.TreeSet<>(mine));
        Map<dev.burnrate.ledger.Field, List<String>> filters = new LinkedHashMap<>(q.filters());
        filters.put(team, allowed);
        return new CostQuery(q.groupBy(), q.from(), q.to(), q.granularity(), q.basis(), filters);
    }

    static int intParam(Context ctx, String name, int def, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return def;
        try {
            int i = Integer.parseInt(v.endsWith("d") ? v.substring(0, v.length() - 1) : v);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(name, v, "expected a whole number from " + min + " to " + max);
        }
    }

    private static double doubleParam(Context ctx, String name, double min, double max) {
        String v = ctx.queryParam(name);
        try {
            double d = Double.parseDouble(v);
            if (d < min || d > max) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(name, v, "expected a number from " + min + " to " + max);
        }
    }

    private void allocated(Context ctx, CostQuery q) {
        if (allocation == null) throw new InvalidParameterException("allocate", "true", "allocation is not available on this server");
        if (q.groupBy().size() != 1) throw new InvalidParameterException("groupBy", ctx.queryParam("groupBy"), "allocate=true needs exactly one owner dimension, e.g. groupBy=team");
        java.util.Set<String> mine = Access.teams(ctx);
        if (mine != null && !q.groupBy().get(0).name().equals("team")) {
            throw new InvalidParameterException("groupBy", ctx.queryParam("groupBy"), "a token scoped to teams may allocate by team only");
        }
        // shared costs are split over every owner first, then the caller sees its own teams' lines: the filter must not shrink the split
        Map<dev.burnrate.ledger.Field, List<String>> unscoped = new LinkedHashMap<>(q.filters());
        if (mine != null) unscoped.remove(q.groupBy().get(0));
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, BigDecimal> totals = new java.util.TreeMap<>();
        for (dev.burnrate.allocation.Allocation.Line l : allocation.allocate(q.groupBy().get(0), q.from(), q.to(), q.granularity(), q.basis(),
                mine == null ? q.filters() : unscoped, "true".equals(ctx.queryParam("idle")))) {
            if (mine != null && !q.filters().get(q.groupBy().get(0)).contains(l.owner())) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            if (l.period() != null) m.put("period", l.period().toString());
            m.put(q.groupBy().get(0).name(), l.owner());
            m.put("currency", l.currency());
            m.put("direct", plain(l.direct()));
            Map<String, String> shared = new java.util.TreeMap<>();
            l.shared().forEach((k, v) -> shared.put(k, plain(v)));
            m.put("shared", shared);
            m.put("total", plain(l.total()));
            rows.add(m);
            totals.merge(l.currency(), l.total(), BigDecimal::add);
        }
        ctx.json(Map.of("basis", q.basis().name().toLowerCase(), "allocated", true, "rows", rows, "totals", plain(totals)));
    }

    private void coverage(Context ctx) {
        Coverage c = ledger.coverage(CostQueryParser.date("from", ctx.queryParam("from")), CostQueryParser.date("to", ctx.queryParam("to")));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Coverage.Line l : c.lines()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dimension", l.dimension());
            m.put("currency", l.currency());
            m.put("taggedEffectiveCost", plain(l.tagged()));
            m.put("totalEffectiveCost", plain(l.total()));
            m.put("percent", l.percent() == null ? null : l.percent().toPlainString());
            lines.add(m);
        }
        ctx.json(Map.of("coverage", lines));
    }

    private static Map<String, String> plain(Map<String, BigDecimal> amounts) {
        Map<String, String> out = new LinkedHashMap<>();
        amounts.forEach((k, v) -> out.put(k, plain(v)));
        return out;
    }

    private static String plain(BigDecimal v) {
        return Money.plain(v);
    }

    static void problemStatic(Context ctx, int status, String title, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        p.put("instance", ctx.path());
        try {
            ctx.status(status).contentType(PROBLEM).result(new ObjectMapper().writeValueAsString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void problem(Context ctx, int status, String title, String detail, String parameter) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        if (parameter != null) p.put("parameter", parameter);
        p.put("instance", ctx.path());
        try {
            ctx.status(status).contentType(PROBLEM).result(json.writeValueAsString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(java.util.Set<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String openApi() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

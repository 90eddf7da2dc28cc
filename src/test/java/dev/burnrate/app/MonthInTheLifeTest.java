package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.burnrate.alert.Alert;
import dev.burnrate.cli.LocalServer;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A month in the life of an AI company, driven through a running server on a virtual clock, the way the company would
 * use it: each morning AWS Data Exports delivers the month-to-date bill into the server's source folder; pipelines ask
 * the gate and run real child processes under {@code burnrate run} with heartbeats; GPU telemetry and inference usage
 * are posted; a retrain runs away on the 20th; an untagged GPU cluster appears on the 24th; the search budget crosses
 * 80%. What a user would see is asserted: the runaway stopped by the guard; both incidents alerted, with the right root
 * cause, by the first bill that carries them, and delivered to the team's webhook; the budget alert once; approve → run
 * working; the month's showback adding up to the bill exactly; the audit chain intact; the CLI (beside the server) and
 * the dashboard's API agreeing; an idle GPU notebook recommended for stopping (and ticketed), accepted, stopped, and
 * its realised saving measured from the bills that follow; the ranker's latency SLO paging the team, through the outbox,
 * after a release slows it (the deploy named as the first suspect), and resolving once it is rolled back; the training
 * pool's GPU utilisation SLO reading the posted samples (and paging nobody); the second replica listing the same alerts
 * from the shared outbox, with nothing left for its dispatcher and no alert delivered twice. Extend it when
 * a feature joins the loop.
 */
class MonthInTheLifeTest {
    static final LocalDate OCT = LocalDate.of(2026, 10, 1);
    static final LocalDate NOV = LocalDate.of(2026, 11, 1);
    static final LocalDate RUNAWAY_DAY = LocalDate.of(2026, 11, 20);
    static final LocalDate CLUSTER_FROM = LocalDate.of(2026, 11, 24);
    static final String EXPORT = "focus/acme";
    /** vision's GPU notebook: 120 a day since September with its GPUs idle, stopped at 06:00 on the 16th (30 that day); its volume bills 2 a day after. */
    static final LocalDate NOTEBOOK_FOUND = LocalDate.of(2026, 11, 15);
    static final LocalDate NOTEBOOK_STOPPED = LocalDate.of(2026, 11, 16);
    static final String NOTEBOOK_TAGS = "{\"team\": \"vision\", \"model\": \"notebook\", \"job_id\": \"vision-notebook\"}";
    /** The ranker's release v4, deployed at 06:30, slows its P95 from 120 to 900 ms until it is rolled back at 06:45. */
    static final LocalDate RANKER_RELEASE = LocalDate.of(2026, 11, 27);

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T06:00:00Z"));
    final ObjectMapper json = new ObjectMapper();
    final List<String> serverLog = new CopyOnWriteArrayList<>();
    final List<String> webhook = new CopyOnWriteArrayList<>();
    String db;
    String base;
    dev.burnrate.testing.ApiClient api;
    dev.burnrate.testing.ApiClient replicaB;
    dev.burnrate.testing.PostgresServer pg;
    dev.burnrate.testing.KafkaBroker broker;

    /** The company's spend on one day, as the bill has it: every row, so the test's own sum is independent of Burnrate. */
    static DailyBill day(DailyBill bill, LocalDate d, Map<String, BigDecimal> totalByTeam) {
        charge(bill, d, "Amazon SageMaker", "i-search-endpoint", "search", "ranker", new BigDecimal("250.00"), totalByTeam);
        charge(bill, d, "Amazon EC2", "i-ml-train", "ml", "churn", new BigDecimal("200.00"), totalByTeam);
        // the fraud retrain that ran away on the 20th bills 1,600 that day
        charge(bill, d, "Amazon EC2", "i-fraud-train", "fraud", "fraud-detector",
                d.equals(RUNAWAY_DAY) ? new BigDecimal("1600.00") : new BigDecimal("100.00"), totalByTeam);
        BigDecimal notebook = d.isBefore(NOTEBOOK_STOPPED) ? new BigDecimal("120.00") : d.equals(NOTEBOOK_STOPPED) ? new BigDecimal("30.00") : null;
        if (notebook != null) bill.add(d, "Amazon EC2", "ml-training", "i-vision-notebook", NOTEBOOK_TAGS, notebook);
        else bill.add(d, "Amazon EBS", "ml-training", "vol-vision-notebook", NOTEBOOK_TAGS, new BigDecimal("2.00"));
        totalByTeam.merge("vision", notebook != null ? notebook : new BigDecimal("2.00"), BigDecimal::add);
        if (!d.isBefore(CLUSTER_FROM)) {
            bill.add(d, "Amazon EC2", "ml-training", "i-untagged-gpu-cluster", null, new BigDecimal("1200.00"));
            totalByTeam.merge("(untagged)", new BigDecimal("1200.00"), BigDecimal::add);
        }
        return bill;
    }

    static void charge(DailyBill bill, LocalDate d, String service, String resource, String team, String model, BigDecimal amount,
                       Map<String, BigDecimal> totalByTeam) {
        bill.add(d, service, "ml-training", resource, "{\"team\": \"" + team + "\", \"model\": \"" + model + "\"}", amount);
        totalByTeam.merge(team, amount, BigDecimal::add);
    }

    /** AWS delivers the month to date (the ended days) as one part file and then its manifest. */
    Map<String, BigDecimal> deliver(LocalDate month, LocalDate until) throws Exception {
        Map<String, BigDecimal> byTeam = new TreeMap<>();
        DailyBill bill = new DailyBill();
        for (LocalDate d = month; d.isBefore(until); d = d.plusDays(1)) day(bill, d, byTeam);
        String period = "BILLING_PERIOD=" + month.toString().substring(0, 7);
        Path data = Files.createDirectories(dir.resolve("bills/" + EXPORT + "/data/" + period));
        bill.write(data.resolve("acme-00001.csv"));
        Path meta = Files.createDirectories(dir.resolve("bills/" + EXPORT + "/metadata/" + period));
        Files.writeString(meta.resolve("acme-Manifest.json"), "{\"executionId\":\"" + until + "\",\"dataFiles\":[\"s3://acme-billing/"
                + EXPORT + "/data/" + period + "/acme-00001.csv\"]}");
        return byTeam;
    }

    record Cli(int code, String out, String err) {
    }

    /** A command as a person types it on the server's machine: it runs inside the server that owns the ledger. */
    Cli cli(Clock at, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--db";
        all[1] = db;
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true), at, name -> null);
        return new Cli(code, out.toString(), err.toString());
    }

    Cli cli(String... args) {
        return cli(clock, args);
    }

    JsonNode api(String method, String path, String body) throws Exception {
        JsonNode r = api.ok(api.send(method, path, null, body));
        if (r.has("published")) { // telemetry goes through Kafka: on with the day once both replicas stored it
            long records = published.merge(r.path("published").asText(), r.path("records").asLong(), Long::sum);
            for (dev.burnrate.stream.KafkaTelemetry k : consumers) {
                dev.burnrate.testing.PrometheusServer.await(() -> k.count(r.path("published").asText(), "stored") >= records, Duration.ofSeconds(60),
                        "both replicas to store what " + path + " published");
            }
        }
        return r;
    }

    /** Records produced to each topic by the API so far, and the two replicas' Kafka consumers. */
    final Map<String, Long> published = new java.util.concurrent.ConcurrentHashMap<>();
    final List<dev.burnrate.stream.KafkaTelemetry> consumers = new ArrayList<>();

    /** A morning: the clock moves to 06:00, the day's delivery lands, and the server's loop runs for half an hour. */
    void morning(ServerLoop loop, LocalDate d) throws Exception {
        clock.set(d.atTime(6, 0).toInstant(ZoneOffset.UTC));
        loop.tick();
        deliver(d.withDayOfMonth(1).equals(d) ? d.minusMonths(1) : d.withDayOfMonth(1), d);
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofMinutes(5));
            loop.tick();
        }
    }

    List<Alert> alerts(String source) {
        return serverWiring.alerts().list(null, 500).stream().filter(a -> a.source().equals(source)).toList();
    }

    Wiring serverWiring;
    /** The second replica: it shares the state (and the alert outbox) but runs no loop of its own until the month's end. */
    Wiring secondWiring;

    @Test
    void aMonth_billsFlowIn_incidentsAreCaughtAndStopped_andEveryNumberAgrees() throws Exception {
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            webhook.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        // the gate's book, the audit chain and tokens are shared in PostgreSQL by two replicas: the server that imports the
        // bills and runs the loop, and a second one that approvers use
        pg = new dev.burnrate.testing.PostgresServer();
        // telemetry through Kafka: both replicas store every GPU sample, usage record and job run, whichever took it
        broker = new dev.burnrate.testing.KafkaBroker();
        broker.createTopics(3, "burnrate.gpu-samples", "burnrate.inference-usage", "burnrate.heartbeats", "burnrate.job-runs", "burnrate.instance-samples");
        Files.writeString(dir.resolve("burnrate.yaml"), """
                state: %s
                kafka:
                  bootstrapServers: %s
                  replica: a
                  properties: {session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}
                sources:
                  - {name: aws, type: folder, path: bills, every: 5m, staleAfter: 36h}
                channels:
                  team: {type: webhook, url: "http://127.0.0.1:%d/hook", secret: month-in-the-life}
                alerting:
                  routes: {page: [team], ticket: [team], info: [team]}
                budgets:
                  - {id: search, scope: {team: search}, period: monthly, amount: 6000, currency: USD,
                     thresholds: [{percent: 80, on: actual, action: ticket}]}
                  - {id: ml, scope: {team: ml}, period: monthly, amount: 20000, currency: USD}
                  - {id: fraud, scope: {team: fraud}, period: monthly, amount: 8000, currency: USD}
                slos:
                  - {id: ranker-p95, scope: {model: ranker}, sli: latency_p95, objective: {threshold: 300, unit: ms}, target: 99,
                     window: 28d, team: search}
                  - {id: training-gpu, scope: {pool: ml-training}, sli: gpu_utilisation, objective: {threshold: 60, unit: "%%"}, target: 90,
                     window: 28d, team: ml}
                prices:
                  - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, source: test}
                gate:
                  autoApproveLimit: 1000
                guard:
                  spendFactor: 1.0
                  ladder: [{action: notify, after: 0m}, {action: checkpoint, after: 0m}, {action: stop, after: 0m}]
                """.formatted(pg.newDatabase(), broker.bootstrap(), hook.getAddress().getPort()));
        Files.writeString(dir.resolve("burnrate-b.yaml"), Files.readString(dir.resolve("burnrate.yaml")).replace("replica: a", "replica: b"));
        db = dir.resolve("ledger.duckdb").toString();
        // September and October are already in the source folder when the server first starts: a backfill pages nobody
        deliver(LocalDate.of(2026, 9, 1), OCT);
        Map<String, BigDecimal> october = deliver(OCT, NOV);

        try (Wiring w = Wiring.open(Path.of(db), dir.resolve("burnrate.yaml"), clock);
             LocalServer served = LocalServer.serve(w, Main.factory(clock), clock, "127.0.0.1", 0, null);
             Wiring second = Wiring.open(dir.resolve("replica-b.duckdb"), dir.resolve("burnrate-b.yaml"), clock)) {
            serverWiring = w;
            secondWiring = second;
            base = "http://127.0.0.1:" + served.port();
            api = new dev.burnrate.testing.ApiClient(base);
            replicaB = new dev.burnrate.testing.ApiClient("http://127.0.0.1:" + second.api().start("127.0.0.1", 0));
            consumers.add(w.kafkaTelemetry(serverLog::add).start());
            consumers.add(second.kafkaTelemetry(l -> { }).start());
            try (ServerLoop loop = w.loop(serverLog::add)) {
                morning(loop, NOV); // the 1st: October's final bill
                assertThat(serverLog).anyMatch(l -> l.startsWith("import: ") && l.contains("BILLING_PERIOD=2026-10/acme-00001.csv imported (124 rows)"));
                assertThat(alerts("anomaly")).as("a backfill and a quiet October page nobody").isEmpty();

                for (LocalDate d = NOV.plusDays(1); d.isBefore(NOV.plusMonths(1)); d = d.plusDays(1)) {
                    morning(loop, d);
                    if (d.getDayOfMonth() == 5) approveThenRun(d);
                    if (d.getDayOfMonth() == 12) telemetry(d);
                    if (d.equals(RUNAWAY_DAY)) runaway(d);
                    if (d.equals(NOTEBOOK_FOUND)) idleNotebookFound(loop, d);
                    if (d.equals(NOTEBOOK_STOPPED)) idleNotebookStopped(d);
                    if (d.equals(RANKER_RELEASE)) rankerRelease(loop, d);
                    if (d.equals(RUNAWAY_DAY.plusDays(1))) {
                        assertThat(anomalyAlerts()).as("the runaway's day, by the first bill that carries it").anyMatch(a -> a.contains("fraud"));
                    }
                    if (d.equals(CLUSTER_FROM.plusDays(1))) {
                        assertThat(anomalyAlerts()).as("the untagged cluster, by the first bill that carries it").anyMatch(a -> a.contains("untagged"));
                    }
                    if (d.isBefore(RUNAWAY_DAY.plusDays(1))) {
                        assertThat(anomalyAlerts()).as("quiet days before the incidents, on " + d).isEmpty();
                    }
                }
                // the loop judges its last days again each morning (late bills): each incident was paged once, not once a morning
                assertThat(alerts("anomaly")).isNotEmpty().allSatisfy(a -> assertThat(a.occurrences()).as(a.title()).isEqualTo(1));
                // on-call's list of the last three days shows the cluster found on the 25th, still costing
                JsonNode lately = api("GET", "/api/v1/anomalies?from=" + NOV.plusDays(27), null).get("anomalies");
                assertThat(lately).as(lately.toString()).anySatisfy(a -> {
                    assertThat(LocalDate.parse(a.get("day").asText())).isBefore(NOV.plusDays(27)).isAfterOrEqualTo(CLUSTER_FROM);
                    assertThat(a.get("course").get("ongoing").asBoolean()).isTrue();
                });
                Map<String, BigDecimal> november = new TreeMap<>();
                morning(loop, NOV.plusMonths(1)); // December 1st: November's final bill
                for (LocalDate d = NOV; d.isBefore(NOV.plusMonths(1)); d = d.plusDays(1)) day(new DailyBill(), d, november);

                endOfMonth(november, october);
            } finally {
                consumers.forEach(dev.burnrate.stream.KafkaTelemetry::close);
                w.api().stop();
                second.api().stop();
                hook.stop(0);
            }
        } finally {
            pg.close();
            broker.close();
        }
    }

    List<String> anomalyAlerts() {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts("anomaly")) out.add(a.title() + " | " + a.summary() + " | " + a.details());
        return out;
    }

    /** A retrain above the auto-approval limit waits for a person; once approved, the same run command runs it. */
    void approveThenRun(LocalDate d) throws Exception {
        Path marker = dir.resolve("trained");
        String[] run = {"run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "60", "--id", "churn-retrain-" + d,
                "--heartbeat", "50ms", "--", "sh", "-c", "echo trained > " + marker};
        Cli waiting = cli(run);
        assertThat(waiting.code()).as(waiting.out() + waiting.err()).isEqualTo(10);
        assertThat(marker).doesNotExist();
        // the lead approves through the other replica: one book, so the pipeline's server sees it at once
        JsonNode approved = replicaB.ok(replicaB.send("POST", "/api/v1/gate/requests/churn-retrain-" + d + "/approve", null,
                "{\"approver\": \"lead\", \"reason\": \"monthly retrain\"}"));
        assertThat(approved.path("state").asText()).isEqualTo("approved");
        Cli ran = cli(run);
        assertThat(ran.code()).as(ran.out() + ran.err()).isZero();
        assertThat(Files.readString(marker).strip()).isEqualTo("trained");
        assertThat(api("GET", "/api/v1/gate/requests/churn-retrain-" + d, null).path("state").asText()).isEqualTo("finished");
    }

    /**
     * GPU samples from the training hosts and the ranker's inference usage arrive over HTTP and show in the reports; the
     * training pool's GPU utilisation SLO reads the same samples: one hour at (50 × 95 + 10 × 2) / 60 = 79.5%, above its
     * 60% floor.
     */
    void telemetry(LocalDate d) throws Exception {
        StringBuilder samples = new StringBuilder();
        for (int s = 0; s < 60; s++) {
            samples.append("{\"time\":\"").append(d.atTime(1, s).toInstant(ZoneOffset.UTC)).append("\",\"gpu\":\"GPU-0\",\"job\":\"churn-retrain\",")
                    .append("\"namespace\":\"ml-training\",\"util\":").append(s < 50 ? 95 : 2).append(",\"memUsedMiB\":30000}\n");
        }
        assertThat(api("POST", "/api/v1/gpu-samples", samples.toString()).path("received").asLong()).isEqualTo(60);
        String usage = "{\"start\":\"" + d.minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "\",\"end\":\"" + d.atStartOfDay().toInstant(ZoneOffset.UTC)
                + "\",\"model\":\"ranker\",\"variant\":\"v3\",\"feature\":\"search\",\"endpoint\":\"search-prod\",\"requests\":250000,"
                + "\"inputTokens\":0,\"outputTokens\":0,\"latencyP50Ms\":40,\"latencyP95Ms\":120,\"latencyP99Ms\":300,\"errors\":12}\n";
        assertThat(api("POST", "/api/v1/inference-usage", usage).path("received").asLong()).isEqualTo(1);
        JsonNode gpu = api("GET", "/api/v1/gpu-usage?by=job", null).path("usage");
        assertThat(gpu).hasSize(1);
        assertThat(gpu.get(0).path("samples").asLong()).isEqualTo(60);
        JsonNode pool = api("GET", "/api/v1/gpu-usage?by=namespace&from=" + d, null).path("usage").get(0);
        assertThat(pool.path("namespace").asText()).isEqualTo("ml-training");
        assertThat(pool.path("meanUtilization").asDouble()).isEqualTo(79.5);
        JsonNode gpuSlo = api("GET", "/api/v1/slos/training-gpu", null);
        assertThat(gpuSlo.path("objective").path("comparison").asText()).isEqualTo(">=");
        assertThat(new BigDecimal(gpuSlo.path("sliValue").asText())).as("the pool's mean, as On-call shows it").isEqualByComparingTo("79.5");
        assertThat(new BigDecimal(gpuSlo.path("goodPercent").asText())).isEqualByComparingTo("100");
        assertThat(gpuSlo.path("burnRates").path("1h").isNull()).as("no samples since 02:00: the last hour is no observation").isTrue();
        assertThat(gpuSlo.path("state").asText()).isEqualTo("ok");
        // the other replica took the same samples from Kafka: the same usage and the same SLO reading
        assertThat(replicaB.ok(replicaB.send("GET", "/api/v1/gpu-usage?by=namespace&from=" + d, null, null))).isEqualTo(api("GET", "/api/v1/gpu-usage?by=namespace&from=" + d, null));
        assertThat(replicaB.ok(replicaB.send("GET", "/api/v1/slos/training-gpu", null, null)).path("sliValue")).isEqualTo(gpuSlo.path("sliValue"));
        JsonNode inference = api("GET", "/api/v1/inference-costs?by=model&from=" + d.minusDays(1) + "&to=" + d, null).path("inference");
        assertThat(inference.toString()).contains("ranker");
    }

    /** One 5-minute interval of the ranker's usage on search-prod, as its collector posts it. */
    static String rankerInterval(Instant start, String variant, int p95) {
        return "{\"start\":\"" + start + "\",\"end\":\"" + start.plus(Duration.ofMinutes(5)) + "\",\"model\":\"ranker\",\"variant\":\"" + variant
                + "\",\"feature\":\"search\",\"endpoint\":\"search-prod\",\"requests\":900,\"inputTokens\":0,\"outputTokens\":0,"
                + "\"latencyP50Ms\":40,\"latencyP95Ms\":" + p95 + ",\"latencyP99Ms\":" + (p95 * 2) + ",\"errors\":0}\n";
    }

    /**
     * The ranker's SLO (P95 ≤ 300 ms in 99% of intervals, 1% budget) through a bad release: 3 days of good 5-minute
     * intervals, the pipeline's deploy of v4 at 06:30, then 900 ms. The loop evaluates every 5 minutes: at 06:35 1 bad of
     * the hour's 12 intervals burns 8.33x (under 14.4x); at 06:40 2 of 12 burn 16.67x and the last 5 minutes 100x, so it
     * pages; the outbox delivers the page to the team's webhook on the next tick, with the deploy as the first suspect.
     * The team rolls back at 06:45; the next good interval stops the 5-minute burn and the page resolves.
     */
    void rankerRelease(ServerLoop loop, LocalDate d) throws Exception {
        Instant deploy = d.atTime(6, 30).toInstant(ZoneOffset.UTC);
        assertThat(clock.instant()).isEqualTo(deploy);
        StringBuilder good = new StringBuilder();
        for (Instant t = deploy.minus(Duration.ofDays(3)); t.isBefore(deploy); t = t.plus(Duration.ofMinutes(5))) good.append(rankerInterval(t, "v3", 120));
        assertThat(api("POST", "/api/v1/inference-usage", good.toString()).path("received").asLong()).isEqualTo(3 * 288);
        api("POST", "/api/v1/events", "{\"kind\":\"deploy\",\"model\":\"ranker\",\"variant\":\"v4\",\"at\":\"" + deploy + "\",\"description\":\"ranker v4\"}");
        for (int i = 0; i < 3; i++) {
            api("POST", "/api/v1/inference-usage", rankerInterval(clock.instant(), "v4", 900));
            clock.advance(Duration.ofMinutes(5));
            loop.tick();
            if (i == 0) assertThat(alerts("slo")).as("1 bad interval of 12 burns 8.33x: under the 14.4x page").isEmpty();
        }
        assertThat(alerts("slo")).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Alert.Severity.PAGE);
            assertThat(a.dedupKey()).isEqualTo("slo:ranker-p95:page:" + deploy.plus(Duration.ofMinutes(10)));
            assertThat(a.occurrences()).isEqualTo(2);
        });
        String page = webhook.stream().filter(b -> b.contains("ranker-p95")).findFirst().orElseThrow();
        JsonNode details = json.readTree(page).path("details");
        assertThat(details.path("burn rate 1h").asText()).isEqualTo("16.67x (threshold 14.40x)");
        assertThat(details.path("burn rate 5m").asText()).isEqualTo("100.00x (threshold 14.40x)");
        assertThat(details.path("team").asText()).isEqualTo("search");
        assertThat(details.path("recent changes").asText()).startsWith("deploy ranker/v4 at " + deploy).endsWith(": ranker v4");
        JsonNode slo = api("GET", "/api/v1/slos", null).path("slos").get(0);
        assertThat(slo.path("id").asText()).isEqualTo("ranker-p95");
        assertThat(slo.path("state").asText()).isEqualTo("page");
        assertThat(new BigDecimal(slo.path("burnRates").path("1h").asText())).isEqualByComparingTo("25"); // 3 of 12

        api("POST", "/api/v1/events", "{\"kind\":\"rollback\",\"model\":\"ranker\",\"variant\":\"v3\",\"at\":\"" + clock.instant() + "\"}");
        api("POST", "/api/v1/inference-usage", rankerInterval(clock.instant(), "v3", 120));
        clock.advance(Duration.ofMinutes(5));
        loop.tick();
        assertThat(alerts("slo")).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(Alert.State.RESOLVED));
        assertThat(api("GET", "/api/v1/slos/ranker-p95", null).path("state").asText()).as("3 bad of 72 over 6h: 4.17x, under 6x").isEqualTo("ok");
    }

    /** The fraud retrain that runs away: the guard notifies, asks it to checkpoint, then stops it. */
    void runaway(LocalDate d) throws Exception {
        Path checkpoint = dir.resolve("fraud-checkpoint");
        String script = "trap 'echo saved > " + checkpoint + "' USR1; while true; do sleep 0.05; done";
        Cli run = cli(MutableClock.stepping(clock.instant(), Duration.ofMinutes(30)), /* each reading of the pipeline's clock 30 min later */ "run", "--model", "fraud-detector", "--team", "fraud", "--instance", "p4d.24xlarge", "--hours", "2",
                "--id", "fraud-retrain-" + d, "--heartbeat", "50ms", "--grace", "5s", "--", "sh", "-c", script);
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.out()).contains("guard notify", "guard checkpoint", "guard stop", "finished stopped");
        assertThat(Files.readString(checkpoint).strip()).isEqualTo("saved");
        assertThat(api("GET", "/api/v1/gate/requests/fraud-retrain-" + d, null).path("state").asText()).isEqualTo("finished");
    }

    String notebookRecommendation;

    /**
     * The notebook is registered as a running job and its GPU telemetry arrives: p95 utilisation 1% over the 3 days the
     * bills reach (12th–14th, 3 × 120 = 360 billed), so the API recommends stopping it for 360 × 10 = 3600 a month; the
     * loop's next hourly pass tickets it (over the 500 default), and the team accepts it.
     */
    void idleNotebookFound(ServerLoop loop, LocalDate d) throws Exception {
        api("POST", "/api/v1/jobs", "[{\"id\":\"vision-notebook\",\"model\":\"notebook\",\"team\":\"vision\",\"kind\":\"experiment\",\"provider\":\"AWS\","
                + "\"region\":\"us-east-1\",\"instanceType\":\"g5.12xlarge\",\"instanceCount\":1,\"pricing\":\"on_demand\",\"start\":\"2026-09-01T00:00:00Z\","
                + "\"status\":\"running\"}]");
        StringBuilder samples = new StringBuilder();
        for (Instant t = d.minusDays(3).atStartOfDay().toInstant(ZoneOffset.UTC); t.isBefore(d.atStartOfDay().toInstant(ZoneOffset.UTC)); t = t.plus(Duration.ofHours(1))) {
            samples.append("{\"time\":\"").append(t).append("\",\"gpu\":\"GPU-nb\",\"job\":\"vision-notebook\",\"util\":1,\"memUsedMiB\":900}\n");
        }
        assertThat(api("POST", "/api/v1/gpu-samples", samples.toString()).path("received").asLong()).isEqualTo(72);
        JsonNode idle = api("GET", "/api/v1/recommendations?kind=idle", null).path("recommendations");
        assertThat(idle).hasSize(1);
        JsonNode r = idle.get(0);
        assertThat(r.path("target").asText()).isEqualTo("job vision-notebook");
        assertThat(r.path("team").asText()).isEqualTo("vision");
        assertThat(new BigDecimal(r.path("monthlySaving").asText())).isEqualByComparingTo("3600");
        assertThat(r.path("evidence").path("numbers").path("billed_effective").asText()).isEqualTo("360");
        notebookRecommendation = r.path("id").asText();

        clock.advance(Duration.ofHours(1));
        loop.tick(); // the hourly pass
        assertThat(alerts("recommend")).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Alert.Severity.TICKET);
            assertThat(a.dedupKey()).isEqualTo("recommendation:" + notebookRecommendation);
            assertThat(a.details()).containsEntry("team", "vision").containsEntry("monthly saving", "3600.00 USD");
        });
        clock.advance(Duration.ofSeconds(15));
        loop.tick(); // the outbox delivers the ticket to the team
        assertThat(webhook).anyMatch(b -> b.contains("vision-notebook") && b.contains("3600.00"));
        clock.advance(Duration.ofMinutes(30));
        JsonNode accepted = api("POST", "/api/v1/recommendations/" + notebookRecommendation + "/accept", null);
        assertThat(accepted.path("state").path("status").asText()).isEqualTo("accepted");
        // accepted: its ticket is resolved at once, not at the next hourly pass
        assertThat(alerts("recommend")).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(Alert.State.RESOLVED));
    }

    /** The next morning the team stops the notebook and says so; nothing is measured until bills after it arrive. */
    void idleNotebookStopped(LocalDate d) throws Exception {
        api("POST", "/api/v1/jobs", "[{\"id\":\"vision-notebook\",\"model\":\"notebook\",\"team\":\"vision\",\"kind\":\"experiment\",\"provider\":\"AWS\","
                + "\"region\":\"us-east-1\",\"instanceType\":\"g5.12xlarge\",\"instanceCount\":1,\"pricing\":\"on_demand\",\"start\":\"2026-09-01T00:00:00Z\","
                + "\"end\":\"" + d.atTime(6, 0).toInstant(ZoneOffset.UTC) + "\",\"status\":\"stopped\"}]");
        JsonNode done = api("POST", "/api/v1/recommendations/" + notebookRecommendation + "/implemented", null);
        assertThat(done.path("realisedSaving").isNull()).isTrue();
        assertThat(done.path("note").asText()).startsWith("not measured yet");
        assertThat(alerts("recommend")).singleElement().satisfies(a -> assertThat(a.state()).as("resolved once accepted").isEqualTo(Alert.State.RESOLVED));
    }

    void endOfMonth(Map<String, BigDecimal> november, Map<String, BigDecimal> october) throws Exception {
        // the notebook's realised saving from November's final bill: before acceptance [10-16, 11-15) = 30 × 120 = 3600 per 30 days;
        // after [11-17, 12-01) = 14 days of its volume at 2 = 28, so 28 × 30 / 14 = 60 per 30 days; realised 3600 − 60 = 3540
        JsonNode listing = api("GET", "/api/v1/recommendations", null);
        assertThat(listing.path("recommendations").toString()).as("stopped: no longer recommended").doesNotContain("vision-notebook");
        JsonNode realised = listing.path("realised");
        assertThat(realised).hasSize(1);
        assertThat(realised.get(0).path("id").asText()).isEqualTo(notebookRecommendation);
        assertThat(new BigDecimal(realised.get(0).path("beforePerMonth").asText())).isEqualByComparingTo("3600");
        assertThat(realised.get(0).path("afterDays").asLong()).isEqualTo(14);
        assertThat(new BigDecimal(realised.get(0).path("afterPerMonth").asText())).isEqualByComparingTo("60");
        assertThat(new BigDecimal(realised.get(0).path("realisedSaving").asText())).isEqualByComparingTo("3540");
        Cli recommend = cli("recommend");
        assertThat(recommend.code()).as(recommend.err()).isZero();
        assertThat(recommend.out()).contains("realised " + notebookRecommendation + " (job vision-notebook").contains("3540.00 USD a month (expected 3600.00)");
        assertThat(webhook).anyMatch(b -> b.contains("vision-notebook") && b.contains("3600.00"));

        BigDecimal billTotal = november.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);

        // showback for the month adds up to the bill exactly, team by team, from the CLI and from the API
        Cli showback = cli("showback", "--month", "2026-11", "--basis", "billed", "--format", "json");
        assertThat(showback.code()).as(showback.err()).isZero();
        Map<String, BigDecimal> shown = new TreeMap<>();
        for (JsonNode row : json.readTree(showback.out())) {
            shown.merge(row.path("team").asText(), new BigDecimal(row.path("total").asText()), BigDecimal::add);
        }
        assertThat(shown.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(billTotal);
        JsonNode costs = api("GET", "/api/v1/costs?groupBy=team&basis=billed&from=2026-11-01&to=2026-12-01", null);
        Map<String, BigDecimal> api = new TreeMap<>();
        for (JsonNode row : costs.path("rows")) api.put(row.path("team").asText(), new BigDecimal(row.path("cost").asText()));
        for (String team : List.of("search", "ml", "fraud")) {
            assertThat(api.get(team)).as(team).isEqualByComparingTo(november.get(team));
            assertThat(shown.get(team)).as(team).isEqualByComparingTo(november.get(team));
        }

        // the search budget crossed 80% once, and said so once; the CLI and the API show the same spend
        List<Alert> budget = alerts("budget").stream().filter(a -> a.title().contains("search")).toList();
        assertThat(budget).as(budget.toString()).hasSize(1);
        assertThat(webhook.stream().filter(b -> b.contains(budget.get(0).id()))).as("delivered once, though evaluated again and again").hasSize(1);
        JsonNode status = api("GET", "/api/v1/budgets/search/status", null);
        Cli budgets = cli("budgets", "--format", "json");
        assertThat(budgets.code()).as(budgets.err()).isZero();
        assertThat(budgets.out()).contains(status.path("spent").asText());

        // one outbox for both replicas: the second lists the same alerts, and its dispatcher finds nothing left to send;
        // no alert reached the team's channel twice
        List<String> ids = new ArrayList<>();
        for (JsonNode a : api("GET", "/api/v1/alerts", null).path("alerts")) ids.add(a.path("id").asText());
        List<String> idsOnB = new ArrayList<>();
        for (JsonNode a : replicaB.ok(replicaB.send("GET", "/api/v1/alerts", null, null)).path("alerts")) idsOnB.add(a.path("id").asText());
        assertThat(idsOnB).isNotEmpty().isEqualTo(ids);
        int sent = webhook.size();
        assertThat(secondWiring.dispatcher().runOnce()).isZero();
        assertThat(webhook).hasSize(sent);
        List<String> paged = new ArrayList<>();
        for (String b : webhook) paged.add(json.readTree(b).path("id").asText());
        assertThat(paged).doesNotHaveDuplicates();

        // both incidents were delivered to the team's channel
        assertThat(webhook).anyMatch(b -> b.contains("fraud") && b.contains("anomal"));
        assertThat(webhook).anyMatch(b -> b.contains("untagged"));
        assertThat(webhook).anyMatch(b -> b.contains("search") && b.contains("80"));

        // the audit chain is intact, from the CLI beside the server and from the API
        Cli verify = cli("audit", "verify");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(api("GET", "/api/v1/audit/verify", null).toString()).contains("true");
        // the second replica verifies the same one chain, and reads the runaway's ticket as the guard left it
        JsonNode chain = replicaB.ok(replicaB.send("GET", "/api/v1/audit/verify", null, null));
        assertThat(chain.toString()).contains("true");
        assertThat(chain.toString()).isEqualTo(api("GET", "/api/v1/audit/verify", null).toString());
        assertThat(replicaB.ok(replicaB.send("GET", "/api/v1/gate/requests/fraud-retrain-" + RUNAWAY_DAY, null, null)).path("state").asText())
                .isEqualTo(api("GET", "/api/v1/gate/requests/fraud-retrain-" + RUNAWAY_DAY, null).path("state").asText());
        // the telemetry the replicas took from Kafka agrees: the ranker's SLO reads the same, and the notebook's run is known to both
        assertThat(replicaB.ok(replicaB.send("GET", "/api/v1/slos/ranker-p95", null, null)).path("sliValue"))
                .isEqualTo(api("GET", "/api/v1/slos/ranker-p95", null).path("sliValue"));
        assertThat(replicaB.ok(replicaB.send("GET", "/api/v1/jobs", null, null)).toString()).contains("vision-notebook");
        // the server's log says what it did, one line each: imports, decisions, deliveries
        assertThat(serverLog).noneMatch(l -> l.contains("failed") || l.contains("not delivered"));
        assertThat(serverLog).anyMatch(l -> l.equals("audit: gate.guard.stop fraud-retrain-" + RUNAWAY_DAY + " by guard"));
        // the approval was made on the other replica: not in this server's log, but in the one chain both write
        assertThat(serverLog).noneMatch(l -> l.startsWith("audit: gate.approval.approved"));
        assertThat(api("GET", "/api/v1/audit?subject=churn-retrain-2026-11-05", null).toString()).contains("gate.approval.approved", "\"lead\"");
        assertThat(serverLog).anyMatch(l -> l.startsWith("alert ") && l.contains("delivered to team"));
        assertThat(october).isNotEmpty();
    }
}

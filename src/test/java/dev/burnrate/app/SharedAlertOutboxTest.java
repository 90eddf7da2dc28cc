package dev.burnrate.app;

import com.sun.net.httpserver.HttpServer;
import dev.burnrate.alert.Alert;
import dev.burnrate.alert.AlertStore;
import dev.burnrate.alert.Alerts;
import dev.burnrate.alert.Channel;
import dev.burnrate.alert.Dispatcher;
import dev.burnrate.store.PgAlertStore;
import dev.burnrate.store.PgState;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert outbox shared by three replicas (three Wirings, as three `burnrate serve` would wire them) on one real
 * PostgreSQL: an incident every replica sees is one alert, each delivery is POSTed once to a real HTTP receiver, and a
 * delivery claimed by a replica that died is sent by another once its lease ends on the (virtual) clock.
 */
class SharedAlertOutboxTest {
    static PostgresServer pg;

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-09-10T08:00:00Z"));
    final List<Wiring> replicas = new ArrayList<>();
    /** What the webhook receiver got: path and idempotency key of each POST. */
    final List<String> received = new CopyOnWriteArrayList<>();
    HttpServer receiver;
    String url;
    ExecutorService receiverThreads;

    @BeforeAll
    static void start() throws Exception {
        pg = new PostgresServer();
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    @BeforeEach
    void receiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiverThreads = Executors.newFixedThreadPool(6);
        receiver.setExecutor(receiverThreads);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            received.add(ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Idempotency-Key"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        url = pg.newDatabase();
    }

    @AfterEach
    void close() {
        replicas.forEach(Wiring::close);
        receiver.stop(0);
        receiverThreads.shutdownNow();
    }

    /** burnrate.yaml of the replicas: the shared state and two webhook channels on the test's receiver. */
    private Path config() throws Exception {
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        return Files.writeString(dir.resolve("burnrate.yaml"), """
                state: %s
                channels:
                  ops:    {type: webhook, url: %s/ops, secret: s3cret}
                  oncall: {type: webhook, url: %s/oncall, secret: s3cret}
                """.formatted(url, base, base));
    }

    private List<Wiring> replicas(int n) throws Exception {
        Path yaml = config();
        for (int i = 0; i < n; i++) replicas.add(Wiring.open(dir.resolve("replica-" + i + ".duckdb"), yaml, clock));
        return replicas;
    }

    /** What a replica's budget evaluation does on crossing a threshold: raise into its outbox, to both channels. */
    private boolean raise(Wiring replica, String key) {
        return new Alerts(replica.alerts(), clock, Map.of(), Duration.ZERO, null).raise("budget", Alert.Severity.PAGE, key,
                "Budget ml-monthly: 80% actual threshold crossed", "Scope team=ml", Map.of("spent", "4100.00 USD"), "/budgets?id=ml-monthly",
                null, List.of("ops", "oncall"));
    }

    @Test
    void threeReplicasRaisingOneIncidentFromFiftyThreadsEach_storeOneAlertCountingEveryRaise_withOneDeliveryPerChannel() throws Exception {
        List<Wiring> rs = replicas(3);
        ExecutorService pool = Executors.newFixedThreadPool(150);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> raised = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Wiring r = rs.get(i % 3);
            raised.add(pool.submit(() -> {
                go.await();
                return raise(r, "budget:ml-monthly:2026-09:80:actual");
            }));
        }
        go.countDown();
        int firsts = 0;
        for (Future<Boolean> f : raised) if (f.get()) firsts++;
        pool.shutdown();

        assertThat(firsts).as("raises that stored a new alert").isEqualTo(1);
        for (Wiring r : rs) {
            assertThat(r.alerts().list(null, 10)).singleElement().satisfies(a -> {
                assertThat(a.occurrences()).isEqualTo(150);
                assertThat(r.alerts().deliveries(a.id())).extracting(AlertStore.Delivery::channel).containsExactly("oncall", "ops");
            });
        }
        assertThat(rs.get(0).alerts().pending()).isEqualTo(2);
    }

    @Test
    void threeDispatchersRunningAtOnce_postEachDeliveryExactlyOnce() throws Exception {
        List<Wiring> rs = replicas(3);
        // every replica sees each of 150 incidents (as each evaluates the same budgets): 300 deliveries, more than one pass claims
        for (int i = 0; i < 150; i++) for (Wiring r : rs) raise(r, "incident-" + i);
        assertThat(rs.get(0).alerts().pending()).isEqualTo(300);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> sent = new ArrayList<>();
        for (Wiring r : rs) {
            sent.add(pool.submit(() -> {
                go.await();
                return r.dispatcher().runOnce() + r.dispatcher().runOnce();
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> f : sent) total += f.get();
        pool.shutdown();

        assertThat(total).isEqualTo(300);
        assertThat(received).hasSize(300).doesNotHaveDuplicates();
        Map<String, Integer> byChannel = new HashMap<>();
        for (String r : received) byChannel.merge(r.substring(0, r.indexOf(' ')), 1, Integer::sum);
        assertThat(byChannel).containsEntry("/ops", 150).containsEntry("/oncall", 150);
        assertThat(rs.get(1).alerts().pending()).isZero();
    }

    @Test
    void aDeliveryClaimedByADispatcherThatDied_isSentByAnotherOnlyOnceTheLeaseHasPassed() throws Exception {
        List<Wiring> rs = replicas(2);
        raise(rs.get(0), "budget:ml-monthly:2026-09:80:actual");
        // replica 0 claims both deliveries, then dies before sending them (nothing marks them)
        assertThat(rs.get(0).alerts().due(clock.instant(), 200)).hasSize(2)
                .allSatisfy(d -> assertThat(d.claimedUntil()).isEqualTo(clock.instant().plus(PgAlertStore.LEASE)));
        Dispatcher other = rs.get(1).dispatcher();

        assertThat(other.runOnce()).isZero();
        clock.advance(PgAlertStore.LEASE.minusSeconds(1));
        assertThat(other.runOnce()).isZero();
        assertThat(received).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(other.runOnce()).isEqualTo(2);
        assertThat(received).hasSize(2);
        assertThat(other.runOnce()).isZero();
        assertThat(rs.get(0).alerts().pending()).isZero();
    }

    @Test
    void aPassWhoseClaimIsRunningOut_stopsBeforeSending_andTheRestGoOutAfterTheLease() throws Exception {
        List<Wiring> rs = replicas(1);
        raise(rs.get(0), "slow-channel");
        // a channel that takes 100 s of the (virtual) clock to answer: after it, the pass's 2-minute claim has 20 s left
        List<String> slowSends = new CopyOnWriteArrayList<>();
        Channel slow = new Channel() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public void send(Alert alert, String key) {
                clock.advance(Duration.ofSeconds(100));
                slowSends.add(key);
            }
        };
        Dispatcher d = new Dispatcher(rs.get(0).alerts(), Map.of("oncall", slow, "ops", slow), clock, null);
        assertThat(d.runOnce()).isEqualTo(1);
        assertThat(slowSends).hasSize(1).allSatisfy(k -> assertThat(k).endsWith(":oncall"));
        // the second is still claimed: not sent by this pass nor due for another until the lease ends
        assertThat(d.runOnce()).isZero();
        clock.advance(Duration.ofSeconds(20));
        assertThat(d.runOnce()).isEqualTo(1);
        assertThat(slowSends).hasSize(2).last().satisfies(k -> assertThat(k).endsWith(":ops"));
    }

    @Test
    void anAlertAcknowledgedOnOneReplica_isAcknowledgedOnAnother_andResolvedOnAThirdItIsNotSent() throws Exception {
        List<Wiring> rs = replicas(3);
        raise(rs.get(0), "budget:ml-monthly:2026-09:80:actual");
        String id = rs.get(0).alerts().list(null, 10).get(0).id();

        assertThat(rs.get(1).alerts().setState(id, Alert.State.ACKNOWLEDGED, clock.instant(), "alice")).isTrue();
        assertThat(rs.get(0).alerts().find(id)).get().extracting(Alert::state).isEqualTo(Alert.State.ACKNOWLEDGED);
        assertThat(rs.get(2).alerts().list(Alert.State.ACKNOWLEDGED, 10)).extracting(Alert::id).containsExactly(id);

        // the gate and the SLOs resolve by dedup key: once, whichever replica asks first
        assertThat(rs.get(2).alerts().resolve("budget:ml-monthly:2026-09:80:actual", clock.instant(), "gate")).isTrue();
        assertThat(rs.get(0).alerts().resolve("budget:ml-monthly:2026-09:80:actual", clock.instant(), "gate")).isFalse();
        assertThat(rs.get(1).alerts().find(id)).get().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
        // resolved otherwise than by a verdict, it is not opened by one taken back
        assertThat(rs.get(0).alerts().reopen("budget:ml-monthly:2026-09:80:actual", clock.instant(), "bob")).isFalse();
        // nor by people: a resolved alert is not acknowledged or opened again by hand
        assertThat(rs.get(0).alerts().setState(id, Alert.State.ACKNOWLEDGED, clock.instant(), "carol")).isFalse();
        assertThat(rs.get(1).alerts().setState(id, Alert.State.OPEN, clock.instant(), "carol")).isFalse();
        assertThat(rs.get(2).alerts().find(id)).get().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
        // resolved by a verdict, a verdict taken back opens it again, once, whichever replica asks
        raise(rs.get(0), "anomaly:team=fraud|USD|2026-09-16");
        String other = rs.get(0).alerts().list(Alert.State.OPEN, 10).get(0).id();
        assertThat(rs.get(1).alerts().resolve("anomaly:team=fraud|USD|2026-09-16", clock.instant(), AlertStore.BY_VERDICT + "alice")).isTrue();
        assertThat(rs.get(0).alerts().reopen("anomaly:team=fraud|USD|2026-09-16", clock.instant(), "bob")).isTrue();
        assertThat(rs.get(2).alerts().reopen("anomaly:team=fraud|USD|2026-09-16", clock.instant(), "bob")).isFalse();
        assertThat(rs.get(1).alerts().find(other)).get().extracting(Alert::state).isEqualTo(Alert.State.OPEN);
        assertThat(rs.get(2).alerts().resolve("anomaly:team=fraud|USD|2026-09-16", clock.instant(), "gate")).isTrue();
        // resolved by a verdict and then by a person: the person's, once, and a verdict taken back leaves it resolved
        raise(rs.get(0), "anomaly:team=fraud|USD|2026-09-17");
        String third = rs.get(0).alerts().list(Alert.State.OPEN, 10).get(0).id();
        assertThat(rs.get(1).alerts().resolve("anomaly:team=fraud|USD|2026-09-17", clock.instant(), AlertStore.BY_VERDICT + "alice")).isTrue();
        assertThat(rs.get(2).alerts().resolveByHand(third, clock.instant(), "bob")).isTrue();
        assertThat(rs.get(0).alerts().resolveByHand(third, clock.instant(), "carol")).isFalse();
        assertThat(rs.get(0).alerts().reopen("anomaly:team=fraud|USD|2026-09-17", clock.instant(), "alice")).isFalse();
        assertThat(rs.get(1).alerts().find(third)).get().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
        assertThat(rs.get(2).alerts().findByKey("anomaly:team=fraud|USD|2026-09-17")).get().extracting(Alert::id).isEqualTo(third);
        // a resolved alert's deliveries are closed without a POST
        assertThat(rs.get(1).dispatcher().runOnce()).isZero();
        assertThat(received).isEmpty();
        assertThat(rs.get(0).alerts().pending()).isZero();
    }

    @Test
    void anAlertReleasedOnOneReplica_isResolved_andTheSameKeyRaisedOnAnotherIsANewAlertSentAgain() throws Exception {
        List<Wiring> rs = replicas(2);
        assertThat(raise(rs.get(0), "anomaly:service=EC2|USD|2026-09-09")).isTrue();
        String first = rs.get(0).alerts().list(null, 10).get(0).id();
        assertThat(rs.get(0).dispatcher().runOnce()).isEqualTo(2);

        // a rescan no longer finds the anomaly; a later one finds it again
        assertThat(rs.get(1).alerts().release("anomaly:service=EC2|USD|2026-09-09", clock.instant(), "rescan")).isTrue();
        assertThat(rs.get(0).alerts().find(first)).get().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.RESOLVED);
            assertThat(a.dedupKey()).isEqualTo("anomaly:service=EC2|USD|2026-09-09#" + first);
        });
        assertThat(raise(rs.get(0), "anomaly:service=EC2|USD|2026-09-09")).isTrue();
        assertThat(rs.get(1).alerts().list(Alert.State.OPEN, 10)).singleElement().satisfies(a -> assertThat(a.id()).isNotEqualTo(first));
        assertThat(rs.get(1).dispatcher().runOnce()).isEqualTo(2);
        assertThat(received).hasSize(4).extracting(k -> k.split(" ")[1]).doesNotHaveDuplicates(); // new idempotency keys: receivers do not drop it
    }

    /** A database as an older release left it: today's tables, taken back by {@code statements}; its JDBC URL. */
    String olderDatabase(String... statements) throws Exception {
        PgState.open(url).close();
        String jdbc = "jdbc:" + url.replace("burnrate@", "");
        try (Connection c = DriverManager.getConnection(jdbc, "burnrate", ""); Statement s = c.createStatement()) {
            for (String q : statements) s.execute(q);
        }
        return jdbc;
    }

    /**
     * A version 3 database kept anomalies' actual amount and impact in cents and no day of a verdict: at start its
     * anomaly table keeps its rows and takes the bill's exact amounts and the verdict's day from then on.
     */
    @Test
    void aVersionThreeDatabase_keepsItsAnomalies_andTakesExactAmountsAndTheVerdictsDay() throws Exception {
        olderDatabase("DROP TABLE anomaly", """
                CREATE TABLE anomaly (
                    id TEXT PRIMARY KEY, day DATE NOT NULL, hour INT, dimension TEXT NOT NULL, value TEXT NOT NULL, currency TEXT NOT NULL,
                    actual NUMERIC(38,2), expected NUMERIC(38,2), low NUMERIC(38,2), high NUMERIC(38,2), impact NUMERIC(38,2),
                    score DOUBLE PRECISION, severity TEXT, root_cause TEXT, feedback TEXT, feedback_note TEXT, suppressed BOOLEAN,
                    incident TEXT)""",
                "INSERT INTO anomaly VALUES ('old', '2026-09-01', NULL, 'team', 'ml', 'USD', 900.20, 300, 250, 350, 600.20, 0.9, 'page', '[]', "
                        + "NULL, NULL, false, NULL)",
                "UPDATE burnrate_schema SET version = 3");
        Wiring w = replicas(1).get(0);
        assertThat(w.anomalies().find("old")).hasValueSatisfying(a -> assertThat(a.actual()).isEqualByComparingTo("900.20"));
        w.anomalies().save(new dev.burnrate.anomaly.CostAnomaly("new", java.time.LocalDate.parse("2026-09-02"), null, "team", "ml", "USD",
                new java.math.BigDecimal("900.0012345"), new java.math.BigDecimal("300.00"), new java.math.BigDecimal("250.00"),
                new java.math.BigDecimal("350.00"), new java.math.BigDecimal("600.0012345"), 0.9, "page", List.of(), null, false, null));
        assertThat(w.anomalies().feedback("new", dev.burnrate.anomaly.CostAnomaly.Feedback.EXPECTED, null, java.time.LocalDate.parse("2026-09-20"))).isTrue();
        assertThat(w.anomalies().find("new")).hasValueSatisfying(a -> {
            assertThat(a.actual()).isEqualByComparingTo("900.0012345");
            assertThat(a.impact()).isEqualByComparingTo("600.0012345");
            assertThat(a.silencedThrough()).isEqualTo(java.time.LocalDate.parse("2026-09-27"));
        });
    }

    @Test
    void aVersionOneDatabase_gainsTheOutboxAndLaterTablesAtStart_andKeepsWhatItHeld() throws Exception {
        // a database as the first shared-state release left it: its tables and a token, no outbox, no version 3 tables, version 1
        String jdbc = olderDatabase("DROP TABLE alert_delivery", "DROP TABLE alert", "DROP TABLE recommendation_state", "DROP TABLE anomaly",
                "DROP TABLE service_event", "UPDATE burnrate_schema SET version = 1",
                "INSERT INTO api_token VALUES ('t1', 'ops', 'hash-1', 'admin', '', now(), NULL)");
        Wiring w = replicas(1).get(0);

        assertThat(raise(w, "after-upgrade")).isTrue();
        assertThat(w.alerts().pending()).isEqualTo(2);
        try (Connection c = DriverManager.getConnection(jdbc, "burnrate", ""); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT max(version) FROM burnrate_schema), (SELECT count(*) FROM burnrate_schema), "
                     + "(SELECT count(*) FROM api_token WHERE name = 'ops'), "
                     + "(SELECT count(*) FROM information_schema.tables WHERE table_name IN ('recommendation_state', 'anomaly', 'service_event'))")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(5);
            assertThat(r.getInt(4)).as("the version 3 tables").isEqualTo(3);
            assertThat(r.getInt(2)).isEqualTo(1);
            assertThat(r.getInt(3)).isEqualTo(1);
        }
    }
}

package dev.burnrate.app;

import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;
import dev.burnrate.budget.Budget;
import dev.burnrate.gate.Gate;
import dev.burnrate.gate.GateRequest;
import dev.burnrate.gate.Ticket;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three replicas (three Wirings, as three `burnrate serve` would wire, each with its own ledger file) sharing one real
 * PostgreSQL through {@code state:}: the gate's tickets, the money they hold and the audit chain are one across them.
 */
class SharedStateReplicasTest {
    static PostgresServer pg;

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(Instant.parse("2026-09-10T08:00:00Z"));
    final List<Wiring> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        pg = new PostgresServer();
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    @AfterEach
    void close() {
        replicas.forEach(Wiring::close);
    }

    /** burnrate.yaml of the replicas: the shared state, a budget that fits 50 runs of 100 (10 h on spot at 8 × 1.25), auto-approve to 150. */
    static String config(String url) {
        return """
                state: %s
                prices:
                  - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: test}
                budgets:
                  - {id: ml-monthly, scope: {team: ml}, period: monthly, amount: 5000, currency: USD}
                gate:
                  autoApproveLimit: 150
                  approvalTtl: 24h
                  startWithin: 12h
                """.formatted(url);
    }

    private Wiring replica(Path yaml, String name) {
        Wiring w = Wiring.open(dir.resolve(name + ".duckdb"), yaml, clock);
        replicas.add(w);
        return w;
    }

    private static GateRequest run(String id, String team, String hours) {
        return new GateRequest(id, "ranker", team, GateRequest.Kind.FULL, new GateRequest.Trigger("schedule", null, null), "AWS", "p4d.24xlarge", 1,
                PriceCatalog.Pricing.SPOT, "us-east-1", new BigDecimal(hours), null, Map.of(), "pipeline", Map.of());
    }

    @Test
    void twoHundredConcurrentRequestsOverThreeReplicas_holdExactlyWhatTheBudgetFits_andOneAuditChainVerifies() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), config(pg.newDatabase()));
        List<Gate> gates = List.of(replica(yaml, "a").gate(), replica(yaml, "b").gate(), replica(yaml, "c").gate());
        // a probe outside the budget's scope gives the p90 each request holds: the budget fits k of them
        BigDecimal p90 = gates.get(0).submit(run("probe", "other", "10")).planEstimate().p90().amount();
        int k = new BigDecimal("5000").divide(p90, 0, RoundingMode.FLOOR).intValueExact();
        assertThat(k).isBetween(2, 100);

        ExecutorService pool = Executors.newFixedThreadPool(24);
        List<Future<Ticket>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Gate g = gates.get(i % 3);
            String id = "burst-" + i;
            answers.add(pool.submit(() -> g.submit(run(id, "ml", "10"))));
        }
        Map<Ticket.Decision, Integer> decisions = new HashMap<>();
        for (Future<Ticket> f : answers) decisions.merge(f.get().decision(), 1, Integer::sum);
        pool.shutdown();

        // exactly k hold money (below the auto-approve limit they are approved); the others wait for next month
        assertThat(decisions).containsEntry(Ticket.Decision.APPROVED, k).containsEntry(Ticket.Decision.DEFERRED, 200 - k).hasSize(2);
        Budget b = replicas.get(0).budgets().find("ml-monthly").orElseThrow();
        BigDecimal held = p90.multiply(BigDecimal.valueOf(k));
        for (Gate g : gates) assertThat(g.reserved(b, LocalDate.of(2026, 9, 1)).amount()).isEqualByComparingTo(held);
        // every replica sees every ticket, whichever decided it
        for (Gate g : gates) {
            assertThat(g.get("burst-0")).isPresent();
            assertThat(g.get("burst-199")).isPresent();
            assertThat(g.list(Ticket.State.APPROVED, List.of("ml"), 500).size()).isEqualTo(k);
        }
        // one chain: every decision once, in one order, verified from any replica
        AuditLog audit = replicas.get(1).audit();
        AuditLog.Verification v = audit.verify();
        assertThat(v.intact()).as(v.reason()).isTrue();
        List<String> decided = new ArrayList<>();
        for (AuditEvent e : audit.read(1, 10_000)) if (e.action().startsWith("gate.") && e.subject().startsWith("burst-")) decided.add(e.subject());
        assertThat(decided).hasSize(200).doesNotHaveDuplicates();
    }

    /**
     * A decision and its audit entry commit together: while the audit chain's lock is held elsewhere (another replica
     * appending), a decision waits inside its transaction, so no other connection sees its ticket or the money it holds
     * without the entry; a replica killed at that moment leaves neither. (When the entry was appended after the commit,
     * the ticket and its hold were visible here, unrecorded.) Once the lock is free, the ticket and its entry are there.
     */
    /** Polls until a session waits for an advisory lock (the audit chain's), or gives up: false. */
    private static boolean blockedOnALock(java.sql.Connection reader) throws java.sql.SQLException {
        for (int i = 0; i < 100_000; i++) {
            try (java.sql.Statement st = reader.createStatement();
                 java.sql.ResultSet r = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
                r.next();
                if (r.getLong(1) > 0) return true;
            }
        }
        return false;
    }

    @Test
    void aDecisionOrAGuardStepWaitingForTheAuditChain_isInvisibleUntilItsEntryCommitsWithIt() throws Exception {
        String url = pg.newDatabase();
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), config(url));
        Gate gate = replica(yaml, "a").gate();
        gate.submit(run("first", "ml", "10")); // tables made, the chain started
        String jdbc = "jdbc:" + url.replace("burnrate@", "");
        try (java.sql.Connection holder = java.sql.DriverManager.getConnection(jdbc, "burnrate", "");
             java.sql.Connection reader = java.sql.DriverManager.getConnection(jdbc, "burnrate", "")) {
            holder.setAutoCommit(false);
            try (java.sql.Statement st = holder.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7366002)"); // the chain's lock, as an appending replica holds it
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<Ticket> decided = pool.submit(() -> gate.submit(run("waiting", "ml", "10")));
            assertThat(blockedOnALock(reader)).as("the decision reached the audit chain's lock").isTrue();
            try (java.sql.Statement st = reader.createStatement();
                 java.sql.ResultSet r = st.executeQuery("SELECT count(*) FROM gate_ticket WHERE id = 'waiting'")) {
                r.next();
                assertThat(r.getLong(1)).as("the ticket is not visible before its audit entry").isZero();
            }
            holder.commit();
            assertThat(decided.get().decision()).isEqualTo(Ticket.Decision.APPROVED);
            pool.shutdown();
            try (java.sql.Statement st = reader.createStatement();
                 java.sql.ResultSet r = st.executeQuery("SELECT (SELECT count(*) FROM gate_ticket WHERE id = 'waiting'), "
                         + "(SELECT count(*) FROM audit_log WHERE subject = 'waiting' AND action = 'gate.approved')")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(1);
                assertThat(r.getLong(2)).isEqualTo(1);
            }
            // the guard's step on a heartbeat commits with its entry too: blocked on the chain, the ticket is as it was
            gate.start("waiting", "pipeline");
            java.util.function.Supplier<String> body = () -> {
                try (java.sql.Statement st = reader.createStatement();
                     java.sql.ResultSet r = st.executeQuery("SELECT body FROM gate_ticket WHERE id = 'waiting'")) {
                    r.next();
                    return r.getString(1);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
            String started = body.get();
            try (java.sql.Statement st = holder.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7366002)");
            }
            pool = Executors.newSingleThreadExecutor();
            Future<dev.burnrate.guard.Guard.Verdict> beat = pool.submit(() -> gate.heartbeat("waiting",
                    new dev.burnrate.guard.Heartbeat(7200, new BigDecimal("5000.00"), null, new BigDecimal("90"))));
            assertThat(blockedOnALock(reader)).as("the guard's step reached the audit chain's lock").isTrue();
            assertThat(body.get()).as("the guard's state is not visible before its audit entry").isEqualTo(started);
            holder.commit();
            String action = beat.get().action().label();
            assertThat(action).isNotEqualTo("none");
            pool.shutdown();
            assertThat(body.get()).isNotEqualTo(started);
            try (java.sql.Statement st = reader.createStatement();
                 java.sql.ResultSet r = st.executeQuery("SELECT count(*) FROM audit_log WHERE subject = 'waiting' AND action = 'gate.guard." + action + "'")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(1);
            }
        }
        AuditLog.Verification v = replicas.get(0).audit().verify();
        assertThat(v.intact()).as(v.reason()).isTrue();
    }

    @Test
    void aRequestDecidedOnOneReplica_isApprovedOnAnother_startedOnAThird_andSurvivesARestart() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), config(pg.newDatabase()));
        Wiring a = replica(yaml, "a");
        Wiring b = replica(yaml, "b");
        Wiring c = replica(yaml, "c");
        Ticket pending = a.gate().submit(run("big", "ml", "40")); // p90 above the auto-approve limit of 150
        assertThat(pending.decision()).isEqualTo(Ticket.Decision.PENDING_APPROVAL);
        Ticket approved = b.gate().approve("big", "lead", "worth it");
        assertThat(approved.state()).isEqualTo(Ticket.State.APPROVED);
        // the same approval on a third replica is refused: the ticket moved on
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.gate().approve("big", "lead", "again"))
                .isInstanceOf(Gate.StateException.class).hasMessageContaining("is approved, not pending approval");
        assertThat(c.gate().start("big", "pipeline").state()).isEqualTo(Ticket.State.RUNNING);

        Budget budget = a.budgets().find("ml-monthly").orElseThrow();
        BigDecimal held = a.gate().reserved(budget, LocalDate.of(2026, 9, 1)).amount();
        assertThat(held).isEqualByComparingTo(pending.planEstimate().p90().amount());
        a.close();
        replicas.remove(a);
        Wiring again = replica(yaml, "a");
        assertThat(again.gate().get("big").orElseThrow().state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(again.gate().reserved(budget, LocalDate.of(2026, 9, 1)).amount()).isEqualByComparingTo(held);
        // the budget's status on any replica reports what the shared book holds
        assertThat(again.budgets().status(budget).reserved().amount()).isEqualByComparingTo(held);
        AuditLog.Verification v = again.audit().verify();
        assertThat(v.intact()).as(v.reason()).isTrue();
    }

    @Test
    void aBudgetCreatedThroughOneReplica_bindsTheGateOfAnother_atItsNextDecision_andAnSloAddedThereIsListedEverywhere() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), config(pg.newDatabase()));
        Wiring a = replica(yaml, "a");
        Wiring b = replica(yaml, "b");
        assertThat(b.gate().submit(run("nlp-1", "nlp", "10")).decision()).isEqualTo(Ticket.Decision.APPROVED); // no budget covers nlp yet
        a.budgets().put("{id: nlp-monthly, scope: {team: nlp}, period: monthly, amount: 150, currency: USD}", "finops");
        // b's cached view of the budgets reloads: 100 fits the 150, a second 100 does not
        Ticket first = b.gate().submit(run("nlp-2", "nlp", "10"));
        assertThat(first.decision()).isEqualTo(Ticket.Decision.APPROVED);
        assertThat(first.reservations()).extracting(Ticket.Reservation::budgetId).containsExactly("nlp-monthly");
        assertThat(b.gate().submit(run("nlp-3", "nlp", "10")).decision()).isEqualTo(Ticket.Decision.DEFERRED);
        assertThat(b.budgets().find("nlp-monthly")).isPresent();
        a.budgets().delete("nlp-monthly", "finops");
        assertThat(b.gate().submit(run("nlp-4", "nlp", "10")).decision()).isEqualTo(Ticket.Decision.APPROVED);

        a.slos().put("{id: ranker-errors, scope: {model: ranker}, sli: error_rate, objective: {threshold: 0.5, unit: '%'}, window: 28d}", "request body");
        assertThat(b.slos().find("ranker-errors")).isPresent();
    }

    @Test
    void aTokenIssuedOnOneReplica_worksOnAnother_andARevocationReachesItWithinTheRefresh() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), config(pg.newDatabase()));
        Wiring a = replica(yaml, "a");
        Wiring b = replica(yaml, "b");
        String secret = a.tokens().create("ml-pipeline", dev.burnrate.access.Role.SUBMITTER, java.util.Set.of("ml")).secret();
        assertThat(b.tokens().authenticate(secret)).get().satisfies(p -> assertThat(p.teams()).containsExactly("ml"));
        assertThat(a.tokens().revoke("ml-pipeline")).isTrue();
        clock.advance(java.time.Duration.ofSeconds(31)); // tokens are re-read every 30 s
        assertThat(b.tokens().authenticate(secret)).isEmpty();
    }

    @Test
    void aRecommendationDismissedOnOneReplica_isDismissedOnAnother_andAnomalyFeedbackAndDeploysThereReachEveryReplica() throws Exception {
        // both replicas read one bill (the ledger directory) and share the state: two unused commitments, 600 and 500 a month
        Path ledger = Files.createDirectories(dir.resolve("ledger"));
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), "ledger: " + ledger + "\n" + config(pg.newDatabase()));
        LocalDate day = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC).minusDays(2);
        Path bill = Files.writeString(dir.resolve("bill.csv"), dev.burnrate.testing.SavingsBill.HEADER
                + dev.burnrate.testing.SavingsBill.row(day, "600", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-big", "Unused", null)
                + dev.burnrate.testing.SavingsBill.row(day, "500", "0", "Usage", "Committed", "Savings Plans for AWS Compute usage", "Compute", "us-east-1", "sp-even", "Unused", null));
        Wiring a = replica(yaml, "a");
        Wiring b = replica(yaml, "b");
        a.imports().importFiles(List.of(bill));
        java.util.function.Function<Wiring, Map<String, String>> statuses = w -> {
            Map<String, String> out = new java.util.TreeMap<>();
            for (dev.burnrate.recommend.Recommendation r : w.recommendations().list(dev.burnrate.recommend.Recommendations.Filter.ALL).recommendations()) {
                out.put(r.target().contains("sp-big") ? "sp-big" : "sp-even", r.state().status().label());
            }
            return out;
        };
        assertThat(statuses.apply(b)).containsExactly(Map.entry("sp-big", "open"), Map.entry("sp-even", "open"));
        String big = a.recommendations().list(dev.burnrate.recommend.Recommendations.Filter.ALL).recommendations().stream()
                .filter(r -> r.target().contains("sp-big")).findFirst().orElseThrow().id();
        a.recommendations().dismiss(big, "moving to GCP", "alice");
        // before: b kept its own states in its ledger file and recommended the dismissed one again
        assertThat(statuses.apply(b)).containsExactly(Map.entry("sp-big", "dismissed"), Map.entry("sp-even", "open"));
        assertThat(b.recommendations().find(big).orElseThrow().state().reason()).isEqualTo("moving to GCP");

        // an anomaly both replicas' loops detect and save; feedback through b is kept when a saves it again, and suppresses on a
        dev.burnrate.anomaly.CostAnomaly spike = new dev.burnrate.anomaly.CostAnomaly("a-1", day, null, "team", "ml", "USD", new BigDecimal("900.0012345"),
                new BigDecimal("300.00"), new BigDecimal("250.00"), new BigDecimal("350.00"), new BigDecimal("600.0012345"), 0.93, "high",
                List.of(new dev.burnrate.anomaly.CostAnomaly.Contributor("model", "ranker", new BigDecimal("900.00"), new BigDecimal("300.00"),
                        new BigDecimal("600.00"), BigDecimal.ONE)), null, false, null);
        a.anomalies().save(spike);
        b.anomalies().save(spike);
        assertThat(b.anomalies().feedback("a-1", dev.burnrate.anomaly.CostAnomaly.Feedback.EXPECTED, "a planned backfill", day)).isTrue();
        a.anomalies().save(spike);
        assertThat(a.anomalies().find("a-1").orElseThrow()).satisfies(x -> {
            assertThat(x.feedback()).isEqualTo("expected");
            assertThat(x.actual()).isEqualByComparingTo("900.0012345"); // the bill's sum, not cents
            assertThat(x.impact()).isEqualByComparingTo("600.0012345");
            assertThat(x.rootCause()).singleElement().satisfies(c -> assertThat(c.value()).isEqualTo("ranker"));
        });
        assertThat(a.anomalies().list(day, day.plusDays(1), 10)).extracting(dev.burnrate.anomaly.CostAnomaly::id).containsExactly("a-1");
        assertThat(a.anomalies().dismissedRecently("team", "ml", day.minusDays(7), day.plusDays(1))).isTrue();
        assertThat(a.anomalies().dismissedRecently("team", "nlp", day.minusDays(7), day.plusDays(1))).isFalse();

        // a deploy posted to b is among the recent changes a's SLO pages and anomalies name
        b.serviceEvents().append(dev.burnrate.slo.ServiceEvents.parse("{\"kind\":\"deploy\",\"model\":\"ranker\",\"variant\":\"v7\","
                + "\"at\":\"" + clock.instant().minusSeconds(600) + "\",\"description\":\"ranker v7 rollout\"}", "request body", "ci"));
        assertThat(a.serviceEvents().between(clock.instant().minusSeconds(3600), clock.instant())).singleElement().satisfies(e -> {
            assertThat(e.description()).isEqualTo("ranker v7 rollout");
            assertThat(e.actor()).isEqualTo("ci");
            assertThat(e.at()).isEqualTo(clock.instant().minusSeconds(600));
        });
    }
}

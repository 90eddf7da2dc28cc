package dev.burnrate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.access.Role;
import dev.burnrate.audit.AuditLog;
import dev.burnrate.budget.Budget;
import dev.burnrate.gate.Ticket;
import dev.burnrate.testing.ApiClient;
import dev.burnrate.testing.PostgresServer;
import dev.burnrate.testing.PrometheusServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three `burnrate serve` processes on one PostgreSQL, one of them killed with SIGKILL in the middle of a burst of gate
 * requests: every answered ticket is there, with its decision, for the replicas that live on; the money held is
 * exactly that of the tickets that hold it; the budget is not overcommitted; the audit chain verifies.
 */
class ReplicaKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    PostgresServer pg;
    final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Process::destroyForcibly);
        if (pg != null) pg.close();
    }

    private static int freePort() throws Exception {
        return dev.burnrate.testing.ServeProcess.freePort();
    }

    private Process serve(Path db, Path yaml, int port) throws Exception {
        Process p = dev.burnrate.testing.ServeProcess.start(db, yaml, port, dir.resolve(db.getFileName() + ".log"));
        servers.add(p);
        return p;
    }

    @Test
    void replicaKilledMidBurst_losesNoAnsweredTicket_leavesNoHoldWithoutItsTicket_andTheChainVerifies() throws Exception {
        pg = new PostgresServer();
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), SharedStateReplicasTest.config(pg.newDatabase()));
        // each replica has its own ledger file; the API token, issued once, is shared state like the tickets
        String secret;
        try (Wiring w = Wiring.open(dir.resolve("a.duckdb"), yaml, Clock.systemUTC())) {
            secret = w.tokens().create("pipeline", Role.SUBMITTER, Set.of("ml")).secret();
        }
        List<String> secrets = List.of(secret, secret, secret);
        List<ApiClient> clients = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            Path db = dir.resolve(name + ".duckdb");
            int port = freePort();
            serve(db, yaml, port);
            ports.add(port);
            clients.add(new ApiClient("http://127.0.0.1:" + port));
        }
        for (int port : ports) dev.burnrate.testing.ServeProcess.awaitHealthy(port, Duration.ofSeconds(60));

        Map<String, String> answered = new ConcurrentHashMap<>(); // id -> decision, for every request that got an answer
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int r = i % 3;
            String id = "burst-" + i;
            String body = """
                    {"id":"%s","model":"ranker","team":"ml","kind":"full","instanceType":"p4d.24xlarge","count":1,"pricing":"spot",
                     "region":"us-east-1","expectedHours":10,"trigger":{"type":"schedule"}}""".formatted(id);
            futures.add(pool.submit(() -> {
                try {
                    HttpResponse<String> resp = clients.get(r).send("POST", "/api/v1/gate/requests", secrets.get(r), body);
                    if (resp.statusCode() / 100 == 2) answered.put(id, JSON.readTree(resp.body()).path("decision").asText());
                    else unanswered.incrementAndGet();
                } catch (Exception e) {
                    unanswered.incrementAndGet(); // the killed replica: no answer
                }
                done.incrementAndGet();
                return null;
            }));
        }
        PrometheusServer.await(() -> done.get() >= 60, Duration.ofSeconds(120), "60 answers before the kill");
        servers.get(1).destroyForcibly(); // SIGKILL: no shutdown hook, no drain
        servers.get(1).waitFor();
        for (Future<?> f : futures) f.get();
        pool.shutdown();

        assertThat(answered.size() + unanswered.get()).isEqualTo(200);
        assertThat(unanswered.get()).isPositive(); // the kill landed inside the burst
        // what lives on sees every answered ticket with the decision its caller got
        for (Map.Entry<String, String> e : answered.entrySet()) {
            JsonNode t = JSON.readTree(clients.get(0).send("GET", "/api/v1/gate/requests/" + e.getKey(), secrets.get(0), null).body());
            assertThat(t.path("decision").asText()).as(e.getKey()).isEqualTo(e.getValue());
        }
        // a fourth replica, opened after the fact on its own ledger, reads the shared state
        try (Wiring d = Wiring.open(dir.resolve("d.duckdb"), yaml, Clock.systemUTC())) {
            Budget b = d.budgets().find("ml-monthly").orElseThrow();
            LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
            List<Ticket> holding = d.gate().list(Ticket.State.APPROVED, List.of("ml"), 1000);
            BigDecimal held = d.gate().reserved(b, month).amount();
            // never overcommitted, and exactly the money of the tickets that hold it (none left without its ticket)
            assertThat(holding.size()).isBetween(1, 50);
            assertThat(held).isEqualByComparingTo(holding.stream().map(t -> t.reserved().amount()).reduce(BigDecimal.ZERO, BigDecimal::add));
            assertThat(held).isLessThanOrEqualTo(new BigDecimal("5000"));
            long answeredApproved = answered.values().stream().filter("approved"::equals).count();
            assertThat((long) holding.size()).isGreaterThanOrEqualTo(answeredApproved);
            if (answered.values().stream().anyMatch("deferred"::equals)) assertThat(holding).hasSize(50); // full before anyone waited
            AuditLog.Verification v = d.audit().verify();
            assertThat(v.intact()).as(v.reason()).isTrue();
            // every ticket that holds money is in the chain: a decision and its entry commit together, so the kill left none unrecorded
            java.util.Set<String> recorded = new java.util.HashSet<>();
            for (dev.burnrate.audit.AuditEvent e : d.audit().read(1, 100_000)) if (e.action().startsWith("gate.")) recorded.add(e.subject());
            assertThat(holding).allSatisfy(t -> assertThat(recorded).as("audit entry of " + t.id()).contains(t.id()));
            System.out.printf("answered %d (approved %d), unanswered %d, holding %d, held %s, audit entries %d%n", answered.size(), answeredApproved,
                    unanswered.get(), holding.size(), held.toPlainString(), v.entries());
        }
    }
}

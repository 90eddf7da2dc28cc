import dev.burnrate.app.Wiring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Gate decisions over HTTP on loopback, 32 concurrent clients, against a real server and ledger file (every decision
 * is journalled in the hash-chained audit log before it is answered).
 * 1. reference: GET /api/v1/policies (routing, JSON, no work) closed-loop, same clients, same run;
 * 2. POST /api/v1/gate/requests closed-loop: throughput and latency;
 * 3. the same at a fixed 3,000 requests/s (open loop; latency from the scheduled send time);
 * 4. overcommit: 200 concurrent requests against a budget that fits exactly 50.
 * Usage: java -cp "target/classes:target/lib/*" bench/GateBench.java [SECONDS]
 */
public class GateBench {
    static final int CLIENTS = 32;
    static final AtomicLong IDS = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Files.createTempDirectory("gatebench");
        Files.writeString(dir.resolve("burnrate.yaml"), """
                prices:
                  - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: bench}
                budgets:
                  - {id: ml, scope: {team: ml}, period: monthly, amount: 1000000000000, currency: USD}
                  - {id: tight, scope: {team: tight}, period: monthly, amount: 505, currency: USD}
                gate:
                  autoApproveLimit: 1000
                """);
        Wiring w = Wiring.open(dir.resolve("bench.duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC());
        String base = "http://127.0.0.1:" + w.api().start("127.0.0.1", 0);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(4)).build();
        try {
            closedLoop(pool, http, base, false, 3); // warm-up
            closedLoop(pool, http, base, true, 3);
            Result ref = closedLoop(pool, http, base, false, seconds);
            Result gate = closedLoop(pool, http, base, true, seconds);
            Result fixed = openLoop(pool, http, base, 3000, seconds);
            System.out.printf("reference GET /api/v1/policies : %,.0f req/s  p50 %.2f ms  p99 %.2f ms%n", ref.rate(), ref.p(0.5), ref.p(0.99));
            System.out.printf("gate decisions, closed loop     : %,.0f decisions/s  p50 %.2f ms  p99 %.2f ms  (%.2f of the reference rate)%n",
                    gate.rate(), gate.p(0.5), gate.p(0.99), gate.rate() / ref.rate());
            System.out.printf("gate decisions at 3,000/s target: %,.0f decisions/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms%n",
                    fixed.rate(), fixed.p(0.5), fixed.p(0.99), fixed.p(1.0));
            overcommit(pool, http, base, w);
            var v = w.audit().verify();
            System.out.printf("audit log: %,d entries, intact %s%n", v.entries(), v.intact());
        } finally {
            pool.shutdownNow();
            w.api().stop();
            w.close();
        }
    }

    record Result(long count, double seconds, double[] latMs) {
        double rate() {
            return count / seconds;
        }

        double p(double q) {
            if (latMs.length == 0) return 0;
            return latMs[Math.min(latMs.length - 1, (int) Math.ceil(q * latMs.length) - 1 < 0 ? 0 : (int) Math.ceil(q * latMs.length) - 1)];
        }
    }

    static HttpRequest request(String base, boolean gate, String team) {
        if (!gate) return HttpRequest.newBuilder(URI.create(base + "/api/v1/policies")).GET().build();
        String body = "{\"id\":\"b-" + IDS.incrementAndGet() + "\",\"model\":\"bench\",\"team\":\"" + team + "\",\"kind\":\"full\","
                + "\"instanceType\":\"p4d.24xlarge\",\"pricing\":\"spot\",\"expectedHours\":1,\"trigger\":{\"type\":\"schedule\"},\"requester\":\"bench\"}";
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/gate/requests")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static Result closedLoop(ExecutorService pool, HttpClient http, String base, boolean gate, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<List<Long>>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            fs.add(pool.submit(() -> {
                List<Long> lat = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    HttpResponse<String> r = http.send(request(base, gate, "ml"), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 != 2) throw new IllegalStateException(r.statusCode() + " " + r.body());
                    lat.add(System.nanoTime() - s);
                }
                return lat;
            }));
        }
        return collect(fs, t0);
    }

    static Result openLoop(ExecutorService pool, HttpClient http, String base, int perSecond, int seconds) throws Exception {
        long interval = 1_000_000_000L * CLIENTS / perSecond;
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        List<Future<List<Long>>> fs = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            long offset = interval * c / CLIENTS;
            fs.add(pool.submit(() -> {
                List<Long> lat = new ArrayList<>();
                for (long due = t0 + offset; due < end; due += interval) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    HttpResponse<String> r = http.send(request(base, true, "ml"), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 != 2) throw new IllegalStateException(r.statusCode() + " " + r.body());
                    lat.add(System.nanoTime() - due);
                }
                return lat;
            }));
        }
        return collect(fs, t0);
    }

    static Result collect(List<Future<List<Long>>> fs, long t0) throws Exception {
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : fs) all.addAll(f.get());
        double secs = (System.nanoTime() - t0) / 1e9;
        double[] ms = all.stream().mapToDouble(n -> n / 1e6).toArray();
        Arrays.sort(ms);
        return new Result(all.size(), secs, ms);
    }

    static void overcommit(ExecutorService pool, HttpClient http, String base, Wiring w) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> fs = new ArrayList<>();
        ExecutorService many = Executors.newFixedThreadPool(200);
        for (int i = 0; i < 200; i++) {
            fs.add(many.submit(() -> {
                go.await();
                return http.send(request(base, true, "tight"), HttpResponse.BodyHandlers.ofString()).body();
            }));
        }
        go.countDown();
        int approved = 0;
        for (Future<String> f : fs) if (f.get().contains("\"decision\":\"approved\"")) approved++;
        many.shutdown();
        var b = w.budgets().find("tight").orElseThrow();
        System.out.printf("overcommit: 200 concurrent requests of p90 10.00 USD against a 505 USD budget: %d approved (exactly 50 fit), reserved %s USD%n",
                approved, w.gate().reserved(b, java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1)).amount().toPlainString());
    }
}

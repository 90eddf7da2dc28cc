import com.sun.net.httpserver.HttpServer;
import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.app.Wiring;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alert outbox embedded (one process, DuckDB) or shared on PostgreSQL by REPLICAS in-process replicas (each its own
 * Wiring and ledger file): THREADS threads raise ALERTS distinct alerts (two webhook channels each) round-robin over the
 * replicas, then raise ONE incident ALERTS times (every raise counts on the same row: the hot case), then every
 * replica's dispatcher delivers at once to a local HTTP receiver until nothing is pending. Prints raises/s and
 * deliveries/s, and checks each delivery arrived once.
 * Usage: java -cp "target/classes:target/lib/*" bench/OutboxBench.java STATE|embedded REPLICAS THREADS ALERTS
 */
public class OutboxBench {
    public static void main(String[] a) throws Exception {
        String state = a[0];
        int replicas = Integer.parseInt(a[1]);
        int threads = Integer.parseInt(a[2]);
        int alerts = Integer.parseInt(a[3]);
        AtomicInteger received = new AtomicInteger();
        java.util.Set<String> keys = java.util.concurrent.ConcurrentHashMap.newKeySet();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            received.incrementAndGet();
            keys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Path dir = Files.createTempDirectory("ob");
        Files.writeString(dir.resolve("burnrate.yaml"), (state.equals("embedded") ? "" : "state: " + state + "\n") + """
                channels:
                  ops:    {type: webhook, url: %s/ops, secret: bench}
                  oncall: {type: webhook, url: %s/oncall, secret: bench}
                """.formatted(hook, hook));
        List<Wiring> ws = new ArrayList<>();
        for (int r = 0; r < replicas; r++) ws.add(Wiring.open(dir.resolve("r" + r + ".duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC()));
        List<Alerts> raisers = ws.stream().map(w -> new Alerts(w.alerts(), Clock.systemUTC(), Map.of(), Duration.ZERO, null)).toList();
        String label = (state.equals("embedded") ? "embedded" : "postgresql") + ", " + replicas + " replica(s), " + threads + " threads";
        String run = Long.toString(System.nanoTime());

        double distinct = raise(raisers, threads, alerts, i -> run + "-" + i);
        double same = raise(raisers, threads, alerts, i -> run + "-hot");
        long pending = ws.get(0).alerts().pending();

        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        AtomicLong sent = new AtomicLong();
        List<Future<?>> fs = new ArrayList<>();
        for (Wiring w : ws) {
            fs.add(pool.submit(() -> {
                while (w.alerts().pending() > 0) sent.addAndGet(w.dispatcher().runOnce());
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        double deliverSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: raise %.0f distinct alerts/s, %.0f repeats of one/s; deliver %d in %.2f s = %.0f/s (POSTs %d, distinct keys %d)%n",
                label, distinct, same, pending, deliverSeconds, pending / deliverSeconds, received.get(), keys.size());
        if (received.get() != pending || keys.size() != pending || sent.get() != pending) {
            System.out.println("MISMATCH: sent " + sent.get() + ", received " + received.get() + ", distinct " + keys.size() + " of " + pending);
        }
        ws.forEach(Wiring::close);
        receiver.stop(0);
        System.exit(0);
    }

    /** Raises n alerts over the replicas from {@code threads} threads; returns raises per second. */
    private static double raise(List<Alerts> raisers, int threads, int n, java.util.function.IntFunction<String> key) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    raisers.get(i % raisers.size()).raise("bench", Alert.Severity.PAGE, key.apply(i), "Bench alert " + i, "summary",
                            Map.of("spent", "4100.00 USD"), "/alerts", null, List.of("ops", "oncall"));
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}

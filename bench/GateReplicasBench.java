import dev.burnrate.app.Wiring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gate decisions per second with the state embedded (one process, memory book) or shared on PostgreSQL by REPLICAS
 * in-process replicas (each its own Wiring and ledger file, as separate servers would be): THREADS threads submit
 * round-robin to the replicas, all against ONE budget (every decision locks the same budget row: the worst case).
 * Two rounds of 10 s; the second is warm.
 * Usage: java -cp "target/classes:target/lib/*" bench/GateReplicasBench.java STATE|embedded REPLICAS THREADS
 */
public class GateReplicasBench {
    public static void main(String[] a) throws Exception {
        String state = a[0];
        int replicas = Integer.parseInt(a[1]);
        int threads = Integer.parseInt(a[2]);
        Path dir = Files.createTempDirectory("gr");
        Files.writeString(dir.resolve("burnrate.yaml"), (state.equals("embedded") ? "" : "state: " + state + "\n") + """
                prices:
                  - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: bench}
                budgets:
                  - {id: ml, scope: {team: ml}, period: monthly, amount: 1000000000000, currency: USD}
                gate:
                  autoApproveLimit: 1000
                """);
        List<Wiring> ws = new ArrayList<>();
        for (int r = 0; r < replicas; r++) ws.add(Wiring.open(dir.resolve("r" + r + ".duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC()));
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        AtomicLong ids = new AtomicLong();
        AtomicLong n = new AtomicLong();
        ConcurrentLinkedQueue<Long> lat = new ConcurrentLinkedQueue<>();
        String run = System.nanoTime() + "-";
        for (int round = 0; round < 2; round++) {
            long end = System.nanoTime() + 10_000_000_000L;
            long t0 = System.nanoTime();
            n.set(0);
            lat.clear();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int i = 0; i < threads; i++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long id = ids.incrementAndGet();
                        String body = "{\"id\":\"b-" + run + id + "\",\"model\":\"bench\",\"team\":\"ml\",\"kind\":\"full\",\"instanceType\":\"p4d.24xlarge\","
                                + "\"pricing\":\"spot\",\"expectedHours\":1,\"trigger\":{\"type\":\"schedule\"},\"requester\":\"bench\"}";
                        try {
                            long s0 = System.nanoTime();
                            ws.get((int) (id % replicas)).gate().submit(dev.burnrate.http.GateRequests.parse(om.readTree(body), "bench"));
                            lat.add(System.nanoTime() - s0);
                            n.incrementAndGet();
                        } catch (Exception e) {
                            e.printStackTrace();
                            System.exit(1);
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
            long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%s, %d replica(s), %d threads: %.0f decisions/s  p50 %.2f ms  p99 %.2f ms%n", state.equals("embedded") ? "embedded" : "postgresql",
                    replicas, threads, n.get() / ((System.nanoTime() - t0) / 1e9), l[l.length / 2] / 1e6, l[(int) (l.length * 0.99)] / 1e6);
        }
        ws.forEach(Wiring::close);
    }
}

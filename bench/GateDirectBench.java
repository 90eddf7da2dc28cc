import dev.burnrate.app.Wiring;
import dev.burnrate.gate.*;
import java.nio.file.*;
import java.time.Clock;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
/**
 * The gate without HTTP: 32 threads parse a request and call Gate.submit in the same process, against a real ledger
 * file (every decision journalled before it returns). Two rounds of 10 s; the second is warm. Says what the gate itself
 * can do, next to bench/GateBench.java (the same over HTTP).
 * Usage: java --enable-native-access=ALL-UNNAMED -cp "target/classes:target/lib/*" bench/GateDirectBench.java [THREADS]
 */
public class GateDirectBench {
  public static void main(String[] a) throws Exception {
    Path dir = Files.createTempDirectory("gd");
    Files.writeString(dir.resolve("burnrate.yaml"), """
        prices:
          - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: bench}
        budgets:
          - {id: ml, scope: {team: ml}, period: monthly, amount: 1000000000000, currency: USD}
        gate:
          autoApproveLimit: 1000
        """);
    Wiring w = Wiring.open(dir.resolve("b.duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC());
    var om = new com.fasterxml.jackson.databind.ObjectMapper();
    int threads = a.length > 0 ? Integer.parseInt(a[0]) : 32;
    AtomicLong ids = new AtomicLong(); AtomicLong n = new AtomicLong();
    java.util.concurrent.ConcurrentLinkedQueue<Long> lat = new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int round = 0; round < 2; round++) {
      long end = System.nanoTime() + 10_000_000_000L; long t0 = System.nanoTime();
      n.set(0);
      lat.clear();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) pool.submit(() -> { while (System.nanoTime() < end) {
        String body = "{\"id\":\"b-" + ids.incrementAndGet() + "\",\"model\":\"bench\",\"team\":\"ml\",\"kind\":\"full\",\"instanceType\":\"p4d.24xlarge\",\"pricing\":\"spot\",\"expectedHours\":1,\"trigger\":{\"type\":\"schedule\"},\"requester\":\"bench\"}";
        try { long s0 = System.nanoTime(); var req = dev.burnrate.http.GateRequests.parse(om.readTree(body), "bench"); w.gate().submit(req); lat.add(System.nanoTime() - s0); n.incrementAndGet(); } catch (Exception e) { e.printStackTrace(); System.exit(1);} } return null; });
      pool.shutdown(); pool.awaitTermination(1, TimeUnit.MINUTES);
      long[] l = lat.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("threads %d: %.0f decisions/s  p50 %.2f ms  p99 %.2f ms  max %.1f ms%n", threads, n.get() / ((System.nanoTime() - t0) / 1e9),
          l[l.length / 2] / 1e6, l[(int) (l.length * 0.99)] / 1e6, l[l.length - 1] / 1e6);
    }
    w.close();
  }
}

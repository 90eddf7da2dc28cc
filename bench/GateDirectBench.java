import dev.burnrate.app.Wiring;
import dev.burnrate.gate.*;
import java.nio.file.*;
import java.time.Clock;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
/**
 * The gate without HTTP: 32 threads parse a request and call Gate.submit in the same process, against a real ledger
 * file (every decision journalled before it returns). Two rounds of 5 s; the second is warm. Says what the gate itself
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
    for (int round = 0; round < 2; round++) {
      long end = System.nanoTime() + 5_000_000_000L; long t0 = System.nanoTime();
      n.set(0);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) pool.submit(() -> { while (System.nanoTime() < end) {
        String body = "{\"id\":\"b-" + ids.incrementAndGet() + "\",\"model\":\"bench\",\"team\":\"ml\",\"kind\":\"full\",\"instanceType\":\"p4d.24xlarge\",\"pricing\":\"spot\",\"expectedHours\":1,\"trigger\":{\"type\":\"schedule\"},\"requester\":\"bench\"}";
        try { var req = dev.burnrate.http.GateRequests.parse(om.readTree(body), "bench"); w.gate().submit(req); n.incrementAndGet(); } catch (Exception e) { e.printStackTrace(); System.exit(1);} } return null; });
      pool.shutdown(); pool.awaitTermination(1, TimeUnit.MINUTES);
      System.out.printf("threads %d: %.0f decisions/s%n", threads, n.get() / ((System.nanoTime() - t0) / 1e9));
    }
    w.close();
  }
}

import dev.burnrate.app.Wiring;
import dev.burnrate.ingest.gpu.NdjsonSamples;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.store.Database;
import dev.burnrate.store.DuckGpuSamples;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sustained GPU-sample ingest over HTTP: batches of 10,000 NDJSON samples (64 GPUs, one sample a second each) posted
 * by 4 client threads to a real server on loopback for BATCHES batches. Reference in the same run: the same batches
 * parsed and appended straight to the store, without HTTP.
 */
public class GpuIngestBench {
    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int perBatch = 10_000;
        List<String> bodies = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        long n = 0;
        for (int b = 0; b < batches; b++) {
            StringBuilder sb = new StringBuilder(perBatch * 140);
            for (int i = 0; i < perBatch; i++, n++) {
                long gpu = n % 64;
                Instant t = t0.plusSeconds(n / 64);
                sb.append("{\"time\":\"").append(t).append("\",\"gpu\":\"GPU-").append(gpu).append("\",\"index\":").append(gpu % 8)
                        .append(",\"host\":\"node-").append(gpu / 8).append("\",\"job\":\"job-").append(gpu / 16)
                        .append("\",\"util\":").append((n * 37) % 101).append(",\"memUsedMiB\":").append(20000 + gpu)
                        .append(",\"memTotalMiB\":81559}\n");
            }
            bodies.add(sb.toString());
        }
        Path dir = Files.createTempDirectory("gpu-bench");
        // reference: parse + append in process
        long r0 = System.nanoTime();
        try (Database db = Database.open(dir.resolve("ref.duckdb"))) {
            DuckGpuSamples store = new DuckGpuSamples(db);
            for (String body : bodies) store.append(NdjsonSamples.parse(new StringReader(body), "ref"));
        }
        double ref = (System.nanoTime() - r0) / 1e9;
        // over HTTP
        Wiring w = Wiring.open(dir.resolve("http.duckdb"), null, Clock.systemUTC());
        int port = w.api().start("127.0.0.1", 0);
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/gpu-samples");
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long h0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            fs.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)))
                            .header("Content-Type", "application/x-ndjson").build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 202) throw new IllegalStateException(r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        double viaHttp = (System.nanoTime() - h0) / 1e9;
        pool.shutdown();
        long stored = w.gpuSamples().usage(dev.burnrate.ledger.GpuSamples.Group.GPU, Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), 5)
                .stream().mapToLong(u -> u.samples()).sum();
        w.api().stop();
        w.close();
        long total = (long) batches * perBatch;
        System.out.printf("%d samples in %d batches: HTTP %.2f s = %.0f samples/s (stored %d); reference (parse + append, no HTTP) %.2f s = %.0f samples/s; ratio %.2fx%n",
                total, batches, viaHttp, total / viaHttp, stored, ref, total / ref, viaHttp / ref);
    }
}

import dev.burnrate.app.Wiring;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.stream.KafkaTelemetry;
import dev.burnrate.testing.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GPU samples per second into the store through Kafka, next to HTTP, in one run. The same N samples (64 GPUs, one a
 * second each, as NDJSON lines):
 * <ul>
 *   <li>HTTP (the reference): posted in batches of 10,000 by 4 client threads to {@code POST /api/v1/gpu-samples}.</li>
 *   <li>Kafka: produced one sample a record (key: the host) to a 3-partition topic of a real broker (KRaft, its own
 *   JVM), then consumed by the server's consumer ({@code kafka:} in burnrate.yaml): parsed, appended, de-duplicated
 *   and committed; timed from the consumer's start to the last committed poll (a backlog drained).</li>
 * </ul>
 * Each path writes to a fresh ledger file.
 */
public class KafkaIngestBench {
    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int perBatch = 10_000;
        List<String> lines = new ArrayList<>(total);
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        for (long n = 0; n < total; n++) {
            long gpu = n % 64;
            lines.add("{\"time\":\"" + t0.plusSeconds(n / 64) + "\",\"gpu\":\"GPU-" + gpu + "\",\"index\":" + gpu % 8 + ",\"host\":\"node-" + gpu / 8
                    + "\",\"job\":\"job-" + gpu / 16 + "\",\"util\":" + (n * 37) % 101 + ",\"memUsedMiB\":" + (20000 + gpu) + ",\"memTotalMiB\":81559}");
        }
        Path dir = Files.createTempDirectory("kafka-bench");

        // HTTP, the reference
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < total; i += perBatch) bodies.add(String.join("\n", lines.subList(i, Math.min(total, i + perBatch))) + "\n");
        double http;
        long httpStored;
        try (Wiring w = Wiring.open(dir.resolve("http.duckdb"), null, Clock.systemUTC())) {
            int port = w.api().start("127.0.0.1", 0);
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/gpu-samples");
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            long h0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                fs.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)))
                                .header("Content-Type", "application/x-ndjson").build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 202) throw new IllegalStateException(r.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            http = (System.nanoTime() - h0) / 1e9;
            pool.shutdown();
            httpStored = stored(w.gpuSamples());
            w.api().stop();
        }

        // Kafka
        try (KafkaBroker broker = new KafkaBroker()) {
            String topic = "burnrate.gpu-samples";
            broker.createTopics(3, topic, "burnrate.inference-usage", "burnrate.heartbeats", "burnrate.job-runs", "burnrate.instance-samples");
            long p0 = System.nanoTime();
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                for (long n = 0; n < total; n++) p.send(new ProducerRecord<>(topic, "node-" + (n % 64) / 8, lines.get((int) n)));
                p.flush();
            }
            double produce = (System.nanoTime() - p0) / 1e9;
            Files.writeString(dir.resolve("burnrate.yaml"), "kafka:\n  bootstrapServers: " + broker.bootstrap() + "\n");
            try (Wiring w = Wiring.open(dir.resolve("kafka.duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC())) {
                long c0 = System.nanoTime();
                double consume;
                String commits;
                double steady;
                long afterFirst;
                try (KafkaTelemetry k = w.kafkaTelemetry(l -> { }).start()) {
                    long first;
                    while ((first = k.count(topic, "stored")) == 0) Thread.sleep(1);
                    long f0 = System.nanoTime(); // the group joined and the first poll committed
                    while (k.count(topic, "stored") < total) Thread.sleep(1);
                    consume = (System.nanoTime() - c0) / 1e9;
                    steady = (System.nanoTime() - f0) / 1e9;
                    afterFirst = total - first;
                    commits = k.metrics().lines().filter(l -> l.startsWith("burnrate_kafka_commits_total ")).findFirst().orElse("?").split(" ")[1];
                }
                long kafkaStored = stored(w.gpuSamples());
                System.out.printf("%d samples (64 GPUs)%n", total);
                System.out.printf("  HTTP (reference), 4 clients x %d-sample batches: %.2f s = %,.0f samples/s (stored %d)%n", perBatch, http, total / http, httpStored);
                System.out.printf("  Kafka produce, one sample a record, acks=all, lz4: %.2f s = %,.0f samples/s%n", produce, total / produce);
                System.out.printf("  Kafka consume (3 partitions, one consumer; parse, append, commit): %.2f s = %,.0f samples/s (stored %d, %s polls committed)%n",
                        consume, total / consume, kafkaStored, commits);
                System.out.printf("    of which after the first committed poll (group joined): %,d samples in %.2f s = %,.0f samples/s%n",
                        afterFirst, steady, afterFirst / steady);
                System.out.printf("  Kafka consume / HTTP rate: %.2fx (after the first poll: %.2fx)%n", http / consume, (afterFirst / steady) / (total / http));
            }
        }
        delete(dir); // the two ledger files
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static long stored(GpuSamples s) {
        return s.usage(GpuSamples.Group.GPU, Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), 5).stream().mapToLong(GpuSamples.Usage::samples).sum();
    }
}

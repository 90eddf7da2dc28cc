package dev.burnrate.stream;

import dev.burnrate.ledger.TelemetryLog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Telemetry taken over HTTP, produced to the topics the replicas consume ({@link KafkaSettings}): a request's NDJSON
 * is cut at line ends into records of at most {@link #RECORD_BYTES} (under the brokers' default 1 MB message limit;
 * a line longer than that is a record of its own), sent with acks from all in-sync replicas, and the request is
 * answered once every record is acknowledged.
 */
public final class KafkaTelemetryLog implements TelemetryLog, AutoCloseable {
    /** The most bytes of NDJSON in one record. */
    static final int RECORD_BYTES = 512 * 1024;
    private static final long WAIT_SECONDS = 25;
    /** Kafka says "not present in metadata" both for a topic that does not exist and for brokers it cannot reach. */
    private static final String HINT = " (are the brokers reachable, and does the topic exist? Burnrate does not create topics)";

    private final KafkaSettings settings;
    private KafkaProducer<String, byte[]> producer;

    /** Connects at the first request, not before (a CLI command that never takes telemetry never connects). */
    public KafkaTelemetryLog(KafkaSettings settings) {
        this.settings = settings;
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            // a request waits at most ~20 s for Kafka (the client's defaults block 60 s, then retry for 2 min), unless
            // kafka.properties say otherwise: a collector gets its 503 before its own timeout
            java.util.Map<String, Object> p = settings.producer("burnrate-http-telemetry");
            p.putIfAbsent(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            p.putIfAbsent(org.apache.kafka.clients.producer.ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            p.putIfAbsent(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    @Override
    public Appended append(Kind kind, byte[] body) {
        String topic = switch (kind) {
            case GPU_SAMPLES -> settings.topics().gpuSamples();
            case INFERENCE_USAGE -> settings.topics().inferenceUsage();
            case JOB_RUNS -> settings.topics().jobRuns();
            case INSTANCE_SAMPLES -> settings.topics().instanceSamples();
        };
        List<byte[]> records = kind == Kind.INSTANCE_SAMPLES ? csvRecords(body, RECORD_BYTES) : records(body, RECORD_BYTES);
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try {
            KafkaProducer<String, byte[]> producer = producer();
            for (byte[] r : records) acks.add(producer.send(new ProducerRecord<>(topic, r)));
            for (Future<RecordMetadata> f : acks) f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while writing to Kafka topic " + topic, e);
        } catch (ExecutionException e) {
            throw new Unavailable("Kafka did not take the records for " + topic + ": " + e.getCause().getMessage() + HINT, e);
        } catch (TimeoutException e) {
            throw new Unavailable("Kafka did not acknowledge the records for " + topic + " within " + WAIT_SECONDS + " s" + HINT, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new Unavailable("cannot write to Kafka topic " + topic + ": " + e.getMessage() + HINT, e);
        }
        return new Appended(topic, records.size());
    }

    /** NDJSON cut after a line end into pieces of at most {@code max} bytes (a longer line is a piece of its own); blank pieces left out. */
    static List<byte[]> records(byte[] ndjson, int max) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        while (start < ndjson.length) {
            int end = Math.min(ndjson.length, start + max);
            if (end < ndjson.length) {
                int cut = end;
                while (cut > start && ndjson[cut - 1] != '\n') cut--;
                if (cut == start) { // one line longer than max: the whole line
                    cut = end;
                    while (cut < ndjson.length && ndjson[cut - 1] != '\n') cut++;
                }
                end = cut;
            }
            byte[] piece = Arrays.copyOfRange(ndjson, start, end);
            if (!new String(piece, java.nio.charset.StandardCharsets.UTF_8).isBlank()) out.add(piece);
            start = end;
        }
        return out;
    }

    /** CSV cut as {@link #records}, each piece after the first headed by the first line (the header) again. */
    static List<byte[]> csvRecords(byte[] csv, int max) {
        int eol = 0;
        while (eol < csv.length && csv[eol] != '\n') eol++;
        byte[] header = Arrays.copyOfRange(csv, 0, Math.min(csv.length, eol + 1));
        List<byte[]> out = new ArrayList<>();
        for (byte[] rows : records(Arrays.copyOfRange(csv, header.length, csv.length), Math.max(1, max - header.length))) {
            byte[] piece = Arrays.copyOf(header, header.length + rows.length);
            System.arraycopy(rows, 0, piece, header.length, rows.length);
            out.add(piece);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (producer != null) producer.close(java.time.Duration.ofSeconds(10));
        producer = null;
    }
}

package dev.burnrate.stream;

import dev.burnrate.gate.Gate;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.InferenceUsages;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Telemetry through Kafka, by two consumers ({@link KafkaSettings}): one reads every partition of the GPU-sample and
 * inference-usage topics in this replica's own group (each replica's store holds all of it), the other the heartbeat
 * topic in the group the replicas share (each heartbeat acts on the shared gate once). Each poll is stored through
 * {@link TelemetryIntake} (the parsers and store writes of HTTP), and only then are its offsets committed: at least
 * once. A replica that dies between the write and the commit reads its records again when it comes back under its name;
 * a heartbeat's partition goes to another member of the group at once. Either write of them again changes nothing
 * (the writes are idempotent by the telemetry's natural key).
 * <p>
 * A record that cannot be read does not hold its partition up: it is logged with its topic, partition, offset and
 * reason, counted, reported (an alert, through {@link Reporter}) and, when a dead-letter topic is configured, copied
 * there with that position and reason in headers before its offset is committed, so the record itself is kept for a fix
 * and a replay (the way Kafka Connect's dead-letter queues work). A failing store or gate is not the record's fault:
 * nothing is committed, and the same records are read again after a pause (1 s, doubling to 30 s).
 */
public final class KafkaTelemetry implements AutoCloseable {
    /** Told of each rejected record once its offset is committed (the server raises an alert). */
    @FunctionalInterface
    public interface Reporter {
        void rejected(Rejection r);
    }

    /** A record that could not be stored: where it is, its key, why, and where a copy went (null: no dead-letter topic). */
    public record Rejection(String topic, int partition, long offset, String key, String reason, String deadLetter) {
        public String position() {
            return topic + "/" + partition + "@" + offset;
        }
    }

    /** Dead-letter headers: where the record was, and why it was not stored. */
    public static final String HEADER_TOPIC = "burnrate.error.topic";
    public static final String HEADER_PARTITION = "burnrate.error.partition";
    public static final String HEADER_OFFSET = "burnrate.error.offset";
    public static final String HEADER_REASON = "burnrate.error.reason";

    private static final int REJECTIONS_KEPT = 100;
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KafkaSettings settings;
    private final TelemetryIntake intake;
    private final Consumer<String> log;
    private final Reporter reporter;
    private final java.time.Clock clock;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder storeFailures = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final AtomicLong lastCommit = new AtomicLong();
    private final List<Rejection> recent = new ArrayList<>();
    private volatile boolean running;
    private final List<Part> parts = new ArrayList<>();
    /** Where both consumers copy rejected records (a producer is thread-safe), or null: no dead-letter topic. */
    private KafkaProducer<String, byte[]> dead;
    /** How far behind this replica's own store may be before it says it is not ready (records not yet stored). */
    public static final long MAX_LAG = 10_000;
    /** What the consumer of each group last saw, after each poll: read by /readyz, /metrics and the loop. */
    private final Map<String, Health> health = new ConcurrentHashMap<>();

    /** A consumer's view after its last poll: partitions assigned, records behind (-1: unknown), broker connections. */
    private record Health(int assigned, long lag, long connections) {
    }

    /** One consumer and the thread that polls it. */
    private record Part(KafkaConsumer<String, byte[]> consumer, Thread thread) {
    }

    public KafkaTelemetry(KafkaSettings settings, GpuSamples gpu, InferenceUsages usage, dev.burnrate.allocation.JobRuns jobs,
                          dev.burnrate.ledger.InstanceSamples instances, Gate gate, Consumer<String> log, Reporter reporter, java.time.Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.intake = new TelemetryIntake(settings.topics(), gpu, usage, jobs, instances, gate);
        this.log = log;
        this.reporter = reporter;
    }

    /** Joins the groups and consumes on threads of their own until closed. */
    public synchronized KafkaTelemetry start() {
        if (!parts.isEmpty()) throw new IllegalStateException("already started");
        running = true;
        dead = settings.deadLetterTopic() == null ? null : new KafkaProducer<>(settings.producer("burnrate-dead-letter"));
        KafkaSettings.Topics t = settings.topics();
        start(settings.replicaGroup(), t.everyReplica(), "burnrate-telemetry");
        start(settings.groupId(), List.of(t.heartbeats()), "burnrate-heartbeats");
        log.accept("kafka: consuming " + String.join(", ", t.everyReplica()) + " as group " + settings.replicaGroup()
                + " (this replica stores all of them) and " + t.heartbeats() + " as group " + settings.groupId() + " (shared by the replicas) from "
                + String.join(",", settings.bootstrapServers()) + (settings.deadLetterTopic() == null ? "" : "; rejected records to " + settings.deadLetterTopic()));
        return this;
    }

    private void start(String group, List<String> topics, String clientId) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(settings.consumer(group, clientId));
        Thread th = new Thread(() -> run(c, group, topics), clientId);
        th.setDaemon(true);
        parts.add(new Part(c, th));
        th.start();
    }

    private void run(KafkaConsumer<String, byte[]> c, String group, List<String> topics) {
        Duration backoff = Duration.ofSeconds(1);
        org.apache.kafka.common.Metric connections = null; // the consumer's connection count, found once it is registered
        try {
            c.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) log.accept("kafka: partitions revoked " + partitions + " in group " + group);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) log.accept("kafka: partitions assigned " + partitions + " in group " + group);
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> polled;
                try {
                    polled = c.poll(POLL);
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) { // authorisation, a topic that cannot be read: told, and tried again
                    log.accept("kafka: poll failed: " + e.getMessage() + "; retrying in " + backoff.toSeconds() + " s");
                    if (!pause(c, backoff)) break;
                    backoff = next(backoff);
                    continue;
                }
                if (connections == null) connections = connectionCount(c);
                observe(c, connections, group, topics);
                if (polled.isEmpty()) continue;
                List<TelemetryIntake.Incoming> batch = new ArrayList<>(polled.count());
                for (ConsumerRecord<String, byte[]> r : polled) batch.add(new TelemetryIntake.Incoming(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
                TelemetryIntake.Result result;
                List<Rejection> rejections;
                try {
                    result = intake.apply(batch);
                    rejections = deadLetter(polled, result.rejected());
                } catch (RuntimeException e) {
                    // the store, the gate or the dead-letter topic failed: nothing is committed, the same records come again
                    storeFailures.increment();
                    log.accept("kafka: " + polled.count() + " records not stored (" + e.getMessage() + "); reading them again in " + backoff.toSeconds() + " s");
                    rewind(c, polled);
                    if (!pause(c, backoff)) break;
                    backoff = next(backoff);
                    continue;
                }
                backoff = Duration.ofSeconds(1);
                if (commit(c, polled)) counted(result, rejections);
            }
        } catch (RuntimeException e) {
            log.accept("kafka: consumer stopped: " + e);
        } finally {
            try {
                c.close(Duration.ofSeconds(10)); // leaves the group: its partitions go to the others at once
            } catch (RuntimeException e) {
                log.accept("kafka: closing the consumer: " + e.getMessage());
            }
        }
    }

    /** After a poll (on the consumer's thread: a consumer is not thread-safe): what is assigned, how far behind, connected or not. */
    private void observe(KafkaConsumer<String, byte[]> c, org.apache.kafka.common.Metric connectionCount, String group, List<String> topics) {
        long lag = 0;
        for (TopicPartition tp : c.assignment()) {
            java.util.OptionalLong l = c.currentLag(tp);
            if (l.isEmpty()) {
                lag = -1;
                break;
            }
            lag += l.getAsLong();
        }
        long connections = connectionCount != null && connectionCount.metricValue() instanceof Number n ? n.longValue() : 0;
        Health now = new Health(c.assignment().size(), lag, connections);
        Health before = health.put(group, now);
        String was = before == null ? null : problem(group, topics, before);
        String is = problem(group, topics, now);
        if (is != null && !is.equals(was)) log.accept(is);
        else if (is == null && was != null) log.accept("kafka: group " + group + " caught up (" + now.assigned() + " partitions, " + now.lag() + " records behind)");
    }

    /** The consumer's count of open broker connections, or null while it has not registered it. */
    private static org.apache.kafka.common.Metric connectionCount(KafkaConsumer<String, byte[]> c) {
        for (var m : c.metrics().entrySet()) {
            if (m.getKey().name().equals("connection-count") && m.getKey().group().equals("consumer-metrics")) return m.getValue();
        }
        return null;
    }

    private String problem(String group, List<String> topics, Health h) {
        if (h.connections() == 0) return "kafka: not connected to " + String.join(",", settings.bootstrapServers()) + " (group " + group + ")";
        if (h.assigned() == 0) return "kafka: no partition of " + String.join(", ", topics) + " assigned to group " + group
                + " yet (joining, or the topics do not exist: create them)";
        if (h.lag() < 0) return "kafka: group " + group + " does not know its lag yet";
        if (h.lag() > MAX_LAG) return "kafka: group " + group + " is " + h.lag() + " records behind on " + String.join(", ", topics);
        return null;
    }

    /**
     * Why this replica's store is not (yet) a full copy of the telemetry every replica reads, or null when it is: not
     * connected, no partition assigned, or more than {@link #MAX_LAG} records behind. Until it is, this replica is not
     * ready and its loop does not judge SLOs or recommendations from partial telemetry.
     */
    public String telemetryProblem() {
        if (!running) return null;
        Health h = health.get(settings.replicaGroup());
        if (h == null) return "kafka: group " + settings.replicaGroup() + " has not polled yet";
        return problem(settings.replicaGroup(), settings.topics().everyReplica(), h);
    }

    /** Copies rejected records to the dead-letter topic and waits for the brokers' acknowledgement. */
    private List<Rejection> deadLetter(ConsumerRecords<String, byte[]> polled, List<TelemetryIntake.Rejected> rejected) {
        List<Rejection> out = new ArrayList<>();
        if (rejected.isEmpty()) return out;
        Map<TelemetryIntake.Rejected, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        if (dead != null) {
            Map<String, ConsumerRecord<String, byte[]>> byPosition = new LinkedHashMap<>();
            for (ConsumerRecord<String, byte[]> r : polled) byPosition.put(r.topic() + "/" + r.partition() + "@" + r.offset(), r);
            for (TelemetryIntake.Rejected x : rejected) {
                ConsumerRecord<String, byte[]> r = byPosition.get(x.record().position());
                RecordHeaders h = new RecordHeaders(r.headers().toArray());
                h.add(HEADER_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8));
                h.add(HEADER_PARTITION, String.valueOf(r.partition()).getBytes(StandardCharsets.UTF_8));
                h.add(HEADER_OFFSET, String.valueOf(r.offset()).getBytes(StandardCharsets.UTF_8));
                h.add(HEADER_REASON, x.reason().getBytes(StandardCharsets.UTF_8));
                sent.put(x, dead.send(new ProducerRecord<>(settings.deadLetterTopic(), null, r.key(), r.value(), h)));
            }
        }
        for (TelemetryIntake.Rejected x : rejected) {
            String copy = null;
            Future<RecordMetadata> f = sent.get(x);
            if (f != null) {
                try {
                    RecordMetadata m = f.get();
                    copy = m.topic() + "/" + m.partition() + "@" + m.offset();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while copying to the dead-letter topic", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("cannot copy to the dead-letter topic " + settings.deadLetterTopic() + ": " + e.getCause().getMessage(), e);
                }
            }
            TelemetryIntake.Incoming r = x.record();
            out.add(new Rejection(r.topic(), r.partition(), r.offset(), r.key(), x.reason(), copy));
        }
        return out;
    }

    /** Commits the offsets after the poll; false when the group moved the partitions meanwhile (their new owner reads them again). */
    private boolean commit(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> polled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<String, byte[]>> rs = polled.records(tp);
            offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        for (int attempt = 0; ; attempt++) {
            try {
                c.commitSync(offsets);
                commits.increment();
                lastCommit.set(clock.instant().getEpochSecond());
                return true;
            } catch (WakeupException e) {
                if (attempt > 0) throw e; // closing: the write is done, so commit it before leaving (a wakeup is one-shot)
            } catch (CommitFailedException | RebalanceInProgressException e) {
                log.accept("kafka: " + polled.count() + " records stored but their offsets not committed (" + e.getMessage().split("\n")[0]
                        + "); the partitions' next owner reads them again, which changes nothing");
                return false;
            }
        }
    }

    private void counted(TelemetryIntake.Result r, List<Rejection> rejections) {
        add(settings.topics().gpuSamples(), "stored", r.gpuRecords());
        add(settings.topics().inferenceUsage(), "stored", r.usageRecords());
        add(settings.topics().jobRuns(), "stored", r.jobRecords());
        add(settings.topics().instanceSamples(), "stored", r.instanceRecords());
        add(settings.topics().heartbeats(), "stored", r.heartbeats() - r.heartbeatsSeen());
        add(settings.topics().heartbeats(), "duplicate", r.heartbeatsSeen());
        add(settings.topics().heartbeats(), "late", r.late().size());
        for (String l : r.late()) log.accept("kafka: heartbeat too late, skipped: " + l);
        for (Rejection x : rejections) {
            add(x.topic(), "rejected", 1);
            log.accept("kafka: rejected " + x.position() + (x.key() == null ? "" : " (key " + x.key() + ")") + ": " + x.reason()
                    + (x.deadLetter() == null ? "" : "; copied to " + x.deadLetter()));
            synchronized (recent) {
                recent.add(x);
                if (recent.size() > REJECTIONS_KEPT) recent.remove(0);
            }
            try {
                reporter.rejected(x);
            } catch (RuntimeException e) {
                log.accept("kafka: cannot report the rejection of " + x.position() + ": " + e.getMessage());
            }
        }
    }

    private void add(String topic, String outcome, long n) {
        if (n > 0) counts.computeIfAbsent(topic + "\u0000" + outcome, k -> new LongAdder()).add(n);
    }

    /** Goes back to the first record of the poll on each of its partitions. */
    private static void rewind(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> polled) {
        for (TopicPartition tp : polled.partitions()) {
            if (c.assignment().contains(tp)) c.seek(tp, polled.records(tp).get(0).offset());
        }
    }

    /** Waits without reading, still a member of the group (its heartbeats go on); false when closing. */
    private boolean pause(KafkaConsumer<String, byte[]> c, Duration d) {
        c.pause(c.assignment());
        try {
            long until = System.nanoTime() + d.toNanos();
            while (running && System.nanoTime() < until) c.poll(Duration.ofMillis(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000))));
        } catch (WakeupException e) {
            return false;
        } finally {
            c.resume(c.assignment());
        }
        return running;
    }

    private static Duration next(Duration d) {
        Duration n = d.multipliedBy(2);
        return n.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : n;
    }

    /** Records committed per topic and outcome ({@code stored}, {@code duplicate}, {@code late}, {@code rejected}). */
    public long count(String topic, String outcome) {
        LongAdder a = counts.get(topic + "\u0000" + outcome);
        return a == null ? 0 : a.sum();
    }

    /** The last rejected records (at most 100), oldest first. */
    public List<Rejection> rejections() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** Prometheus text: records per topic and outcome, failed store writes, commits and the time of the last one. */
    public String metrics() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP burnrate_kafka_records_total Telemetry records consumed from Kafka and committed, by topic and outcome.\n");
        sb.append("# TYPE burnrate_kafka_records_total counter\n");
        new java.util.TreeMap<>(counts).forEach((k, v) -> {
            String[] p = k.split("\u0000");
            sb.append("burnrate_kafka_records_total{topic=\"").append(p[0]).append("\",outcome=\"").append(p[1]).append("\"} ").append(v.sum()).append('\n');
        });
        sb.append("# HELP burnrate_kafka_store_failures_total Polls whose records could not be stored (read again after a pause).\n");
        sb.append("# TYPE burnrate_kafka_store_failures_total counter\nburnrate_kafka_store_failures_total ").append(storeFailures.sum()).append('\n');
        sb.append("# HELP burnrate_kafka_commits_total Offset commits after a stored poll.\n");
        sb.append("# TYPE burnrate_kafka_commits_total counter\nburnrate_kafka_commits_total ").append(commits.sum()).append('\n');
        gauge(sb, "burnrate_kafka_lag_records", "Records not yet stored, per consumer group (-1: not known yet).", Health::lag);
        gauge(sb, "burnrate_kafka_assigned_partitions", "Partitions assigned, per consumer group.", Health::assigned);
        gauge(sb, "burnrate_kafka_connections", "Connections to the brokers, per consumer group (0: Kafka unreachable).", Health::connections);
        sb.append("# HELP burnrate_kafka_last_commit_timestamp_seconds When offsets were last committed.\n");
        sb.append("# TYPE burnrate_kafka_last_commit_timestamp_seconds gauge\nburnrate_kafka_last_commit_timestamp_seconds ").append(lastCommit.get()).append('\n');
        return sb.toString();
    }

    /** One gauge of the consumers' health, a line per group. */
    private void gauge(StringBuilder sb, String name, String help, java.util.function.ToLongFunction<Health> value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n");
        new java.util.TreeMap<>(health).forEach((group, h) -> sb.append(name).append("{group=\"").append(group).append("\"} ").append(value.applyAsLong(h)).append('\n'));
    }

    /** Stops consuming: a poll being stored is finished and committed, then the consumers leave their groups. */
    @Override
    public void close() {
        List<Part> started;
        synchronized (this) {
            if (parts.isEmpty() || !running) return;
            running = false;
            started = List.copyOf(parts);
        }
        for (Part p : started) p.consumer().wakeup();
        for (Part p : started) {
            try {
                p.thread().join(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dead != null) dead.close(Duration.ofSeconds(10));
    }
}

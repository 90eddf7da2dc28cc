package dev.burnrate.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker in KRaft mode (broker and controller in one process, as {@code kafka_2.13} from Maven
 * Central ships it, the version the client uses) on a free loopback port: its storage formatted with
 * {@code kafka.tools.StorageTool} in a fresh temporary directory, run in a JVM of its own from the test classpath
 * (the way {@code kafka-server-start} runs it), stopped and deleted when closed.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;

    public KafkaBroker() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("burnrate-kafka");
        port = freePort();
        int controller = freePort();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=1000",
                "log.flush.interval.messages=1000000",
                "") );
        run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", props.toString()), dir.resolve("format.log"));
        process = java(List.of("kafka.Kafka", props.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
        PrometheusServer.await(this::ready, Duration.ofSeconds(60), "the Kafka broker to serve (log: " + dir.resolve("broker.log") + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A JVM on this test's classpath (surefire's manifest jar names every jar), with a small heap. */
    private static ProcessBuilder java(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms64m", "-Xmx384m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.apache.logging.log4j.level=WARN", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd);
    }

    private static void run(List<String> mainAndArgs, Path log) throws IOException, InterruptedException {
        Process p = java(mainAndArgs).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", mainAndArgs) + " failed: " + Files.readString(log));
        }
    }

    private boolean ready() {
        if (!process.isAlive()) throw new IllegalStateException("the Kafka broker exited: " + tail());
        try (Admin a = admin()) {
            return !a.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private String tail() {
        try {
            String log = Files.readString(dir.resolve("broker.log"));
            return log.substring(Math.max(0, log.length() - 4000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /** Creates topics of {@code partitions} partitions each, and waits until they exist. */
    public void createTopics(int partitions, String... names) {
        try (Admin a = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) topics.add(new NewTopic(n, partitions, (short) 1));
            a.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            // created is not yet served: wait until every partition has its leader, or a first send may wait on it
            PrometheusServer.await(() -> {
                try {
                    return a.describeTopics(List.of(names)).allTopicNames().get(5, TimeUnit.SECONDS).values().stream()
                            .allMatch(d -> d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "leaders of " + List.of(names));
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + List.of(names) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A producer of string keys and values, acknowledged by the broker; patient (2 minutes a batch), as the broker shares
     * two cores with the build (a 20,000-record backlog once expired after 30 s in a full run).
     */
    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** Sends each (key, value) to the topic and waits for every acknowledgement. */
    public void produce(String topic, List<Map.Entry<String, String>> records) {
        try (KafkaProducer<String, String> p = producer()) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (Map.Entry<String, String> r : records) acks.add(p.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
            for (var f : acks) f.get(150, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot produce to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The records a topic holds: its partitions' end offsets, summed. */
    public long endOffsets(String topic) {
        try (Admin a = admin()) {
            var partitions = a.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (var p : partitions) latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
            return a.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The offsets a consumer group has committed, summed over a topic's partitions (0 when none). */
    public long committed(String group, String topic) {
        try (Admin a = admin()) {
            return a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of group " + group + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        PrometheusServer.stop(process);
        try { // the broker's own account, for a failure to be looked into after its directory is gone
            Path keep = Path.of("target", "kafka-broker.log");
            if (Files.isDirectory(keep.getParent())) Files.copy(dir.resolve("broker.log"), keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // no log to keep
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is no failure of the test
        }
    }
}

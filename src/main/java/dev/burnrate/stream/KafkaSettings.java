package dev.burnrate.stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where telemetry arrives through Kafka ({@code kafka:} in burnrate.yaml): the brokers, the consumer group the
 * replicas share, this replica's name, a topic per kind, an optional dead-letter topic for records that cannot be stored,
 * and further Kafka client properties (TLS, SASL, timeouts) passed as they are.
 * <p>
 * GPU samples and inference usage are what each replica's own store answers from (dashboards, recommendations, the
 * gate's history), so <em>every</em> replica reads every partition of those topics, in a group of its own,
 * {@link #replicaGroup()} (as each replica of a Prometheus HA pair scrapes every target): a replica that dies resumes
 * from its last commit under the same name, and the others never missed anything. Heartbeats act on the gate's shared
 * state, so the replicas share the partitions of that topic in {@link #groupId()}: each heartbeat is acted on once.
 *
 * @param bootstrapServers {@code host:port} of one or more brokers
 * @param replica          this replica's name, stable across its restarts ({@code [a-zA-Z0-9._-]}): its group for the
 *                         telemetry every replica stores is {@code groupId.replica}
 * @param deadLetterTopic  where a record that cannot be stored goes, with its position and reason in headers; null: none
 * @param properties       Kafka client properties; those Burnrate sets itself ({@link #OWNED}) are refused
 */
public record KafkaSettings(List<String> bootstrapServers, String groupId, String replica, Topics topics, String deadLetterTopic,
                            Map<String, String> properties) {
    /** One topic per kind of telemetry. */
    public record Topics(String gpuSamples, String inferenceUsage, String heartbeats, String jobRuns, String instanceSamples) {
        public static Topics defaults() {
            return new Topics("burnrate.gpu-samples", "burnrate.inference-usage", "burnrate.heartbeats", "burnrate.job-runs", "burnrate.instance-samples");
        }

        public List<String> all() {
            return List.of(gpuSamples, inferenceUsage, heartbeats, jobRuns, instanceSamples);
        }

        /** What every replica stores for itself (read in {@link #replicaGroup()}). */
        public List<String> everyReplica() {
            return List.of(gpuSamples, inferenceUsage, jobRuns, instanceSamples);
        }
    }

    public static final String DEFAULT_GROUP = "burnrate";

    /** What Burnrate sets itself: its delivery guarantee rests on them (offsets committed only after the store write). */
    public static final Set<String> OWNED = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);

    public KafkaSettings {
        bootstrapServers = List.copyOf(bootstrapServers);
        properties = Map.copyOf(properties);
        if (bootstrapServers.isEmpty()) throw new IllegalArgumentException("bootstrapServers: at least one host:port is required");
        for (String s : bootstrapServers) checkServer(s);
        if (groupId == null || groupId.isBlank()) throw new IllegalArgumentException("groupId must not be blank");
        checkReplica(replica);
        for (String t : topics.all()) checkTopic(t);
        if (new TreeSet<>(topics.all()).size() != topics.all().size()) throw new IllegalArgumentException("topics: each kind needs its own topic, got " + topics.all());
        if (deadLetterTopic != null) {
            checkTopic(deadLetterTopic);
            if (topics.all().contains(deadLetterTopic)) throw new IllegalArgumentException("deadLetterTopic '" + deadLetterTopic + "' is also a telemetry topic");
        }
        for (String k : properties.keySet()) checkProperty(k);
        try { // the values, by the client's own definitions (types, ranges), without connecting
            new ConsumerConfig(consumer(bootstrapServers, groupId, properties));
            if (deadLetterTopic != null) new ProducerConfig(producer(bootstrapServers, properties));
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new IllegalArgumentException("properties: " + e.getMessage());
        }
    }

    /** The group in which this replica alone reads the GPU-sample and inference-usage topics: {@code groupId.replica}. */
    public String replicaGroup() {
        return groupId + "." + replica;
    }

    /** A replica name: 1-100 of {@code [a-zA-Z0-9._-]} (it becomes part of a consumer group's name). */
    public static void checkReplica(String r) {
        if (r == null || r.isEmpty() || r.length() > 100 || !r.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("replica '" + r + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
    }

    /**
     * This replica's name when burnrate.yaml does not give one: {@code BURNRATE_REPLICA}, else the host name (a pod's
     * name in Kubernetes, stable in a StatefulSet), with any other character made '-'.
     */
    public static String defaultReplica(Map<String, String> env) {
        String r = env.get("BURNRATE_REPLICA");
        if (r == null || r.isBlank()) r = env.get("HOSTNAME");
        if (r == null || r.isBlank()) {
            try {
                r = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                r = "burnrate";
            }
        }
        r = r.strip().replaceAll("[^a-zA-Z0-9._-]", "-");
        return r.length() > 100 ? r.substring(0, 100) : r;
    }

    /** {@code host:port}, the port 1-65535. */
    public static void checkServer(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) throw new IllegalArgumentException("'" + s + "' is not host:port");
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "': the port must be a number from 1 to 65535");
        }
    }

    /** Kafka's own rule for topic names: 1-249 of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}. */
    public static void checkTopic(String t) {
        if (t == null || t.isEmpty() || t.length() > 249 || !t.matches("[a-zA-Z0-9._-]+") || t.equals(".") || t.equals("..")) {
            throw new IllegalArgumentException("'" + t + "' is not a Kafka topic name (1-249 letters, digits, '.', '_', '-')");
        }
    }

    /** A Kafka consumer or producer property Burnrate does not set itself. */
    public static void checkProperty(String k) {
        if (OWNED.contains(k)) throw new IllegalArgumentException("'" + k + "' is set by Burnrate (offsets are committed only after the store write)");
        if (!ConsumerConfig.configNames().contains(k) && !ProducerConfig.configNames().contains(k)) {
            throw new IllegalArgumentException("'" + k + "' is not a Kafka consumer or producer property");
        }
    }

    /**
     * The consumer's properties: no auto-commit (offsets are committed after the batch is stored), up to 10,000 records a
     * poll (one store write each), and the user's properties over those defaults.
     */
    Map<String, Object> consumer(String group, String clientId) {
        Map<String, Object> p = consumer(bootstrapServers, group, properties);
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    private static Map<String, Object> consumer(List<String> bootstrapServers, String groupId, Map<String, String> properties) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group reads what is retained, not only what comes next
        properties.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) p.put(k, v);
        });
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return p;
    }

    /**
     * A producer's properties (the dead-letter copies, telemetry taken over HTTP): acknowledged by all in-sync replicas
     * before the offset moves on or the request is answered.
     */
    Map<String, Object> producer(String clientId) {
        Map<String, Object> p = producer(bootstrapServers, properties);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    private static Map<String, Object> producer(List<String> bootstrapServers, Map<String, String> properties) {
        Map<String, Object> p = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) p.put(k, v);
        });
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
        return p;
    }
}

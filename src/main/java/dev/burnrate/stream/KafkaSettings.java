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
 * replicas share, a topic per kind, an optional dead-letter topic for records that cannot be stored, and further Kafka
 * client properties (TLS, SASL, timeouts) passed as they are.
 *
 * @param bootstrapServers {@code host:port} of one or more brokers
 * @param deadLetterTopic  where a record that cannot be stored goes, with its position and reason in headers; null: none
 * @param properties       Kafka client properties; those Burnrate sets itself ({@link #OWNED}) are refused
 */
public record KafkaSettings(List<String> bootstrapServers, String groupId, Topics topics, String deadLetterTopic, Map<String, String> properties) {
    /** One topic per kind of telemetry. */
    public record Topics(String gpuSamples, String inferenceUsage, String heartbeats) {
        public static Topics defaults() {
            return new Topics("burnrate.gpu-samples", "burnrate.inference-usage", "burnrate.heartbeats");
        }

        public List<String> all() {
            return List.of(gpuSamples, inferenceUsage, heartbeats);
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
        for (String t : topics.all()) checkTopic(t);
        if (new TreeSet<>(topics.all()).size() != 3) throw new IllegalArgumentException("topics: each kind needs its own topic, got " + topics.all());
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
    Map<String, Object> consumer() {
        return consumer(bootstrapServers, groupId, properties);
    }

    private static Map<String, Object> consumer(List<String> bootstrapServers, String groupId, Map<String, String> properties) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group reads what is retained, not only what comes next
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "burnrate-telemetry");
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

    /** The dead-letter producer's properties: acknowledged by all in-sync replicas before the offset moves on. */
    Map<String, Object> producer() {
        return producer(bootstrapServers, properties);
    }

    private static Map<String, Object> producer(List<String> bootstrapServers, Map<String, String> properties) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "burnrate-dead-letter");
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

package dev.burnrate.app;

import dev.burnrate.stream.KafkaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code kafka:} section of burnrate.yaml: defaults, and every bad value named by file, line and key. */
class KafkaConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("burnrate.yaml"), text);
    }

    @Test
    void fullSection_isRead_andTheClientPropertiesPassAsTheyAre() throws Exception {
        KafkaSettings k = BurnrateConfig.load(yaml("""
                kafka:
                  bootstrapServers: [kafka-1.internal:9092, "kafka-2.internal:9093"]
                  groupId: burnrate-eu
                  replica: burnrate-2
                  topics: {gpuSamples: dcgm.samples, heartbeats: jobs.heartbeats}
                  deadLetterTopic: burnrate.dead-letter
                  properties: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512, max.poll.records: "2000"}
                """)).kafka();
        assertThat(k.bootstrapServers()).containsExactly("kafka-1.internal:9092", "kafka-2.internal:9093");
        assertThat(k.groupId()).isEqualTo("burnrate-eu");
        assertThat(k.replicaGroup()).isEqualTo("burnrate-eu.burnrate-2");
        assertThat(k.topics()).isEqualTo(new KafkaSettings.Topics("dcgm.samples", "burnrate.inference-usage", "jobs.heartbeats", "burnrate.job-runs", "burnrate.instance-samples"));
        assertThat(k.deadLetterTopic()).isEqualTo("burnrate.dead-letter");
        assertThat(k.properties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("max.poll.records", "2000");
    }

    @Test
    void onlyTheBrokers_giveTheDefaultGroupAndTopics_andNoSection_noKafka() throws Exception {
        KafkaSettings k = BurnrateConfig.load(yaml("kafka:\n  bootstrapServers: \"a:9092,b:9092\"\n")).kafka();
        assertThat(k.bootstrapServers()).isEqualTo(List.of("a:9092", "b:9092"));
        assertThat(k.groupId()).isEqualTo("burnrate");
        assertThat(k.replica()).isEqualTo(KafkaSettings.defaultReplica(System.getenv())).isNotBlank();
        assertThat(k.topics().all()).containsExactly("burnrate.gpu-samples", "burnrate.inference-usage", "burnrate.heartbeats", "burnrate.job-runs", "burnrate.instance-samples");
        assertThat(k.deadLetterTopic()).isNull();
        assertThat(BurnrateConfig.load(yaml("budgets: []\n")).kafka()).isNull();
        assertThat(BurnrateConfig.defaults().kafka()).isNull();
    }

    @Test
    void badValues_failNamingFileLineAndKey() throws Exception {
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("kafka:\n  groupId: g\n", List.of("burnrate.yaml:2", "kafka.bootstrapServers", "required"));
        cases.put("kafka:\n  bootstrapServers: kafka-1.internal\n", List.of("burnrate.yaml:2", "kafka.bootstrapServers", "'kafka-1.internal' is not host:port"));
        cases.put("kafka:\n  bootstrapServers: [a:9092, b:99999]\n", List.of("burnrate.yaml:2", "kafka.bootstrapServers", "'b:99999': the port must be"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  topics:\n    gpuSamples: gpu samples\n",
                List.of("burnrate.yaml:4", "kafka.topics.gpuSamples", "'gpu samples' is not a Kafka topic name"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  topics: {gpuSamples: t, heartbeats: t}\n", List.of("burnrate.yaml:3", "kafka.topics", "each kind needs its own topic"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  deadLetterTopic: burnrate.heartbeats\n",
                List.of("burnrate.yaml:3", "kafka.deadLetterTopic", "is also a telemetry topic"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  properties:\n    enable.auto.commit: \"true\"\n",
                List.of("burnrate.yaml:4", "kafka.properties.enable.auto.commit", "is set by Burnrate"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  properties:\n    fetch.max.byte: \"1\"\n",
                List.of("burnrate.yaml:4", "kafka.properties.fetch.max.byte", "not a Kafka consumer or producer property"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  properties: {session.timeout.ms: soon}\n",
                List.of("burnrate.yaml:3", "kafka.properties", "Invalid value soon for configuration session.timeout.ms"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  group: g\n", List.of("burnrate.yaml:3", "kafka.group", "unknown key"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  groupId: \" \"\n", List.of("burnrate.yaml:3", "kafka.groupId", "must not be blank"));
        cases.put("kafka:\n  bootstrapServers: a:9092\n  replica: \"pod 1\"\n", List.of("burnrate.yaml:3", "kafka.replica", "letters, digits"));
        for (var c : cases.entrySet()) {
            Path f = yaml(c.getKey());
            var t = assertThatThrownBy(() -> BurnrateConfig.load(f)).as(c.getKey()).isInstanceOf(ConfigException.class);
            for (String part : c.getValue()) t.hasMessageContaining(part);
        }
    }

    @Test
    void replicaName_fromTheEnvironment_elseTheHostName_madeAGroupName() {
        assertThat(KafkaSettings.defaultReplica(Map.of("BURNRATE_REPLICA", "eu-1", "HOSTNAME", "pod-x"))).isEqualTo("eu-1");
        assertThat(KafkaSettings.defaultReplica(Map.of("HOSTNAME", "burnrate-0"))).isEqualTo("burnrate-0");
        assertThat(KafkaSettings.defaultReplica(Map.of("HOSTNAME", "host name:1"))).isEqualTo("host-name-1");
        assertThat(KafkaSettings.defaultReplica(Map.of())).matches("[a-zA-Z0-9._-]+");
    }
}

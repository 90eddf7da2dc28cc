package dev.burnrate.guard;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three actuators against real peers: a Kubernetes API server (CRUD mode), an HTTP server, a child process. */
@EnableKubernetesMockClient(crud = true)
class ActuatorsTest {
    KubernetesClient client;
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-09-10T08:00:00Z"), ZoneOffset.UTC);

    private Job job(String name) {
        return client.batch().v1().jobs().inNamespace("ml").resource(new JobBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("train").withImage("trainer:1").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().build()).create();
    }

    @Test
    void checkpointSignal_givenByNumberOrName_resolvesToTheSameSignal() {
        assertThat(ProcessActuator.signalNumber("10")).isEqualTo(10);
        assertThat(ProcessActuator.signalNumber("USR1")).isEqualTo(10); // Linux numbering
        assertThat(ProcessActuator.signalNumber("NOSUCHSIGNAL")).isEqualTo(-1); // then nothing is sent
    }

    @Test
    void kubernetes_checkpointAnnotatesTheJob_stopSuspendsIt() {
        job("retrain-churn");
        KubernetesActuator a = new KubernetesActuator(client, "ml", "retrain-churn", KubernetesActuator.StopMode.SUSPEND, CLOCK);
        a.act(Action.CHECKPOINT, "gr-1", "spend 420 beyond 412.80");
        Job j = client.batch().v1().jobs().inNamespace("ml").withName("retrain-churn").get();
        assertThat(j.getMetadata().getAnnotations()).containsEntry(KubernetesActuator.CHECKPOINT_ANNOTATION, "2026-09-10T08:00:00Z")
                .containsEntry(KubernetesActuator.REASON_ANNOTATION, "spend 420 beyond 412.80");
        assertThat(j.getSpec().getSuspend()).isNotEqualTo(Boolean.TRUE);
        a.act(Action.STOP, "gr-1", "budget exhausted");
        assertThat(client.batch().v1().jobs().inNamespace("ml").withName("retrain-churn").get().getSpec().getSuspend()).isTrue();
    }

    @Test
    void kubernetes_stopInDeleteMode_removesTheJob_andAMissingJobIsAnError() {
        job("hpo-7");
        new KubernetesActuator(client, "ml", "hpo-7", KubernetesActuator.StopMode.DELETE, CLOCK).act(Action.STOP, "gr-2", "idle");
        assertThat(client.batch().v1().jobs().inNamespace("ml").withName("hpo-7").get()).isNull();
        assertThatThrownBy(() -> new KubernetesActuator(client, "ml", "hpo-7", KubernetesActuator.StopMode.DELETE, CLOCK).act(Action.STOP, "gr-2", "idle"))
                .isInstanceOf(Actuator.ActuatorException.class).hasMessageContaining("ml/hpo-7 not found");
    }

    @Test
    void webhook_postsTheActionSigned_andFailsOnANon2xxAnswer() throws Exception {
        List<String> bodies = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/orchestrator", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signatures.add(ex.getRequestHeaders().getFirst("X-Burnrate-Signature"));
            ex.sendResponseHeaders(bodies.size() == 1 ? 202 : 500, -1);
            ex.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orchestrator");
            WebhookActuator a = new WebhookActuator(url, "s3cret");
            a.act(Action.CHECKPOINT, "gr-3", "runtime 30 h beyond 25.8 h");
            assertThat(bodies.get(0)).isEqualTo("{\"jobId\":\"gr-3\",\"action\":\"checkpoint\",\"reason\":\"runtime 30 h beyond 25.8 h\"}");
            assertThat(signatures.get(0)).isEqualTo("sha256=" + WebhookActuator.hmac("s3cret", bodies.get(0)));
            a.act(Action.NOTIFY, "gr-3", "not sent");
            assertThat(bodies).hasSize(1);
            assertThatThrownBy(() -> a.act(Action.STOP, "gr-3", "x")).hasMessageContaining("answered 500");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void process_ignoringTerm_isKilledAfterTheGracePeriod() throws Exception {
        // a process that ignores TERM: only KILL ends it
        Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done").start();
        // wait until the trap is in place: the first line of its output, no timer
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine()).isEqualTo("ready");
        ProcessActuator a = new ProcessActuator(p.toHandle(), "SIGUSR1", Duration.ofMillis(300));
        a.act(Action.STOP, "gr-4", "stop");
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
        assertThatThrownBy(() -> new ProcessActuator(p.toHandle(), "USR1; rm -rf /", Duration.ZERO)).hasMessageContaining("not a signal name");
    }
}

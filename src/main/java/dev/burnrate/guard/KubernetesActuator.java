package dev.burnrate.guard;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Clock;

/**
 * Acts on a {@code batch/v1} Job: checkpoint annotates it with {@code burnrate.dev/checkpoint-requested} (the time) and
 * the reason, for the training code's checkpoint hook or a sidecar to watch; stop suspends it ({@code spec.suspend =
 * true}: Kubernetes deletes its active pods, the Job stays to be resumed) or deletes it with its pods.
 */
public final class KubernetesActuator implements Actuator {
    public static final String CHECKPOINT_ANNOTATION = "burnrate.dev/checkpoint-requested";
    public static final String REASON_ANNOTATION = "burnrate.dev/guard-reason";

    public enum StopMode { SUSPEND, DELETE }

    private final KubernetesClient client;
    private final String namespace;
    private final String job;
    private final StopMode stop;
    private final Clock clock;

    public KubernetesActuator(KubernetesClient client, String namespace, String job, StopMode stop, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.job = job;
        this.stop = stop;
        this.clock = clock;
    }

    @Override
    public void act(Action action, String jobId, String reason) {
        try {
            var resource = client.batch().v1().jobs().inNamespace(namespace).withName(job);
            if (resource.get() == null) throw new ActuatorException("Kubernetes Job " + namespace + "/" + job + " not found", null);
            switch (action) {
                case CHECKPOINT -> resource.edit(j -> new JobBuilder(j).editMetadata()
                        .addToAnnotations(CHECKPOINT_ANNOTATION, clock.instant().toString()).addToAnnotations(REASON_ANNOTATION, reason)
                        .endMetadata().build());
                case STOP -> {
                    if (stop == StopMode.DELETE) {
                        resource.withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
                    } else {
                        resource.edit(j -> suspend(j, reason));
                    }
                }
                default -> {
                }
            }
        } catch (KubernetesClientException e) {
            throw new ActuatorException("Kubernetes " + action.label() + " of Job " + namespace + "/" + job + " failed: " + e.getMessage(), e);
        }
    }

    private static Job suspend(Job j, String reason) {
        return new JobBuilder(j).editMetadata().addToAnnotations(REASON_ANNOTATION, reason).endMetadata()
                .editSpec().withSuspend(true).endSpec().build();
    }
}

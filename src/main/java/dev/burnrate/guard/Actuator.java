package dev.burnrate.guard;

/** Carries a guard action to where the job runs: the user's orchestrator, Kubernetes, or a local process. */
public interface Actuator {
    /**
     * Asks the job to checkpoint or to stop (NOTIFY and NONE do nothing here: notification goes through the alert outbox).
     *
     * @throws ActuatorException when the action could not be delivered
     */
    void act(Action action, String jobId, String reason);

    final class ActuatorException extends RuntimeException {
        public ActuatorException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

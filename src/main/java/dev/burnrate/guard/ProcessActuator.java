package dev.burnrate.guard;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Acts on a local process: checkpoint sends it a signal (default {@code USR1}, configurable) through {@code kill};
 * stop sends {@code TERM} and, if it has not exited within the grace period, {@code KILL} — to its descendants too.
 */
public final class ProcessActuator implements Actuator {
    private final ProcessHandle process;
    private final String checkpointSignal;
    private final Duration grace;

    public ProcessActuator(ProcessHandle process, String checkpointSignal, Duration grace) {
        this.process = process;
        this.checkpointSignal = checkpointSignal == null ? "USR1" : checkpointSignal.replaceFirst("^SIG", "");
        this.grace = grace;
        if (!this.checkpointSignal.matches("[A-Z0-9]+")) throw new IllegalArgumentException("not a signal name: " + checkpointSignal);
    }

    @Override
    public void act(Action action, String jobId, String reason) {
        switch (action) {
            case CHECKPOINT -> signal(checkpointSignal);
            case STOP -> stop();
            default -> {
            }
        }
    }

    private void signal(String sig) {
        if (!process.isAlive()) return;
        try {
            Process kill = new ProcessBuilder("kill", "-s", sig, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new ActuatorException("kill -s " + sig + " " + process.pid() + " failed: " + new String(kill.getInputStream().readAllBytes()).trim(), null);
            }
        } catch (IOException e) {
            throw new ActuatorException("cannot signal process " + process.pid() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActuatorException("interrupted while signalling " + process.pid(), e);
        }
    }

    /** TERM, wait up to the grace period for the exit, then KILL what is left. Returns when the process has exited. */
    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException ex) {
                throw new ActuatorException("process " + process.pid() + " survived SIGKILL", ex);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new ActuatorException("waiting for process " + process.pid() + ": " + e.getMessage(), e);
        }
    }
}

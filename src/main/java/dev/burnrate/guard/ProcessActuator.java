package dev.burnrate.guard;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Acts on a local process: checkpoint sends a signal (default {@code USR1}, configurable) through {@code kill} to those
 * processes of the command (it and its descendants) that handle or ignore that signal; stop sends {@code TERM} and, if
 * it has not exited within the grace period, {@code KILL} — to its descendants too.
 * <p>
 * A process that neither handles nor ignores a signal like {@code USR1} is terminated by it, so a command that never
 * asked for checkpoint signals is not sent one (on Linux, where {@code /proc/PID/status} tells; elsewhere the signal
 * goes to the command's own process, as asked).
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
            case CHECKPOINT -> checkpoint();
            case STOP -> stop();
            default -> {
            }
        }
    }

    /**
     * Sends the checkpoint signal to the command's processes that handle or ignore it; returns how many were signalled
     * (0: none of them asked for it, so none was sent: it would have terminated them).
     */
    public int checkpoint() {
        if (!process.isAlive()) return 0;
        int number = signalNumber(checkpointSignal);
        if (number <= 0) return 0; // which processes handle it cannot be told: sending could terminate the command
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process);
        process.descendants().forEach(all::add);
        int sent = 0;
        boolean known = false;
        for (ProcessHandle h : all) {
            Boolean handles = handles(h.pid(), number);
            if (handles == null) continue;
            known = true;
            if (handles) {
                signal(checkpointSignal, h);
                sent++;
            }
        }
        if (!known) { // no /proc: cannot tell, send as asked
            signal(checkpointSignal, process);
            return 1;
        }
        return sent;
    }

    /** Does the process catch or ignore signal {@code number}? Null when the system does not say (no /proc). */
    static Boolean handles(long pid, int number) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (number <= 0 || !Files.isReadable(status)) return null;
        try {
            BigInteger caught = null;
            BigInteger ignored = null;
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("SigCgt:")) caught = new BigInteger(line.substring(7).strip(), 16);
                if (line.startsWith("SigIgn:")) ignored = new BigInteger(line.substring(7).strip(), 16);
            }
            if (caught == null || ignored == null) return null;
            return caught.testBit(number - 1) || ignored.testBit(number - 1);
        } catch (IOException | NumberFormatException e) {
            return null; // the process ended meanwhile
        }
    }

    /** The signal's number on this system ({@code kill -l NAME}), or -1. */
    static int signalNumber(String name) {
        if (name.matches("\\d{1,2}")) return Integer.parseInt(name);
        try {
            Process p = new ProcessBuilder("kill", "-l", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+") ? Integer.parseInt(out) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void signal(String sig, ProcessHandle process) {
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

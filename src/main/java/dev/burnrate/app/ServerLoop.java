package dev.burnrate.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a serving Burnrate does on its own, on the injected clock: delivers the alert outbox (every 15 s), polls the
 * billing sources (each at its own interval; every import runs the after-import pipeline), evaluates the budgets and the
 * SLOs (every 5 min), scans for anomalies (hourly: the same recent ended days an import judges, and 6 ended hours) and
 * recomputes the savings recommendations (hourly, ticketing new high-value ones). {@link #tick} runs whatever is due
 * and is what tests drive; {@link #start} calls it from a timer thread. One line of log per thing done or failed.
 */
public final class ServerLoop implements AutoCloseable {
    private record Job(String name, Duration every, Runnable run) {
    }

    private final Clock clock;
    private final Consumer<String> log;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Instant> last = new LinkedHashMap<>();
    /** The passes waiting for this replica's telemetry, and the reason last said (said again only when it changes). */
    private final Map<String, String> waiting = new java.util.HashMap<>();
    private ScheduledExecutorService timer;

    ServerLoop(Wiring w, Clock clock, Consumer<String> log) {
        this.clock = clock;
        this.log = log;
        add("alert delivery", Duration.ofSeconds(15), () -> w.dispatcher().runOnce());
        if (!w.sources().sources().isEmpty()) {
            add("billing sources", Duration.ofSeconds(30), () -> {
                for (var p : w.sources().pollDue()) {
                    // what a source imported is logged by the import itself; here only what kept it from importing
                    if (p.imported() + p.skipped() + p.failed() == 0 && !p.errors().isEmpty()) {
                        log.accept("source " + p.source() + ": " + String.join("; ", p.errors()));
                    }
                }
            });
        }
        add("budget evaluation", Duration.ofMinutes(5), () -> w.budgets().evaluate());
        // SLOs and recommendations read telemetry: from part of it they would resolve what the other replicas see firing
        add("SLO evaluation", Duration.ofMinutes(5), () -> {
            if (telemetryReady(w, "SLO evaluation")) w.slos().evaluate();
        });
        add("anomaly detection", Duration.ofHours(1), () -> {
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            int days = w.costAnomalies().detect(today.minusDays(dev.burnrate.intake.BillImports.RECENT_DAYS), today).size();
            LocalDateTime hour = LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.HOURS);
            int hours = w.costAnomalies().detectHourly(hour.minusHours(6), hour).size();
            if (days + hours > 0) log.accept("anomaly scan: " + days + " daily, " + hours + " hourly anomalies in the last ended days and hours");
        });
        add("savings recommendations", Duration.ofHours(1), () -> {
            if (!telemetryReady(w, "savings recommendations")) return;
            var pass = w.savingsAlerts().run();
            if (!pass.raised().isEmpty()) log.accept("savings: " + pass.raised().size() + " new recommendations over the alert threshold " + pass.raised());
        });
    }

    /** True when the replica's telemetry is whole; else says once why the pass waits. */
    private boolean telemetryReady(Wiring w, String pass) {
        String problem = w.telemetryProblem();
        if (problem == null) {
            waiting.remove(pass);
            return true;
        }
        if (!problem.equals(waiting.put(pass, problem))) log.accept(pass + " waits: " + problem);
        return false;
    }

    private void add(String name, Duration every, Runnable run) {
        jobs.put(name, new Job(name, every, run));
    }

    /** Runs every job whose interval has passed since it last ran (all of them the first time). */
    public synchronized void tick() {
        Instant now = clock.instant();
        for (Job j : jobs.values()) {
            Instant prev = last.get(j.name());
            if (prev != null && now.isBefore(prev.plus(j.every()))) continue;
            last.put(j.name(), now);
            try {
                j.run().run();
            } catch (RuntimeException e) {
                log.accept(j.name() + " failed: " + e.getMessage());
            }
        }
    }

    /** Ticks every few seconds on a daemon thread until closed. */
    public ServerLoop start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "burnrate-loop");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 2, 5, TimeUnit.SECONDS);
        return this;
    }

    /** Stops ticking; a tick under way (an import, a delivery) is let finish, for up to a minute. */
    @Override
    public void close() {
        if (timer == null) return;
        timer.shutdown();
        try {
            if (!timer.awaitTermination(60, TimeUnit.SECONDS)) timer.shutdownNow();
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.burnrate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Serve the dashboard (/) and the REST API (/api/v1) until stopped.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default loopback only)")
    String bind;

    @Override
    public Integer call() throws InterruptedException {
        Services s = root.open();
        serve(root, s, bind, port);
        return 0;
    }

    /** Starts the API and blocks until the process is stopped; closes the database on the way out. */
    static void serve(BurnrateCommand root, Services s, String bind, int port) throws InterruptedException {
        s.gate().requireTrusted(); // never serve a book rebuilt from an audit chain that does not verify
        // other burnrate commands on this ledger run in here while it serves (the advertisement beside the database)
        LocalServer advertised = LocalServer.serve(s, root.factory, root.clock, bind, port);
        int actual = advertised.port();
        CountDownLatch stopped = new CountDownLatch(1);
        // budgets are evaluated every 5 minutes and the alert outbox is drained every 15 seconds
        java.util.concurrent.ScheduledExecutorService timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "burnrate-timers");
            t.setDaemon(true);
            return t;
        });
        timers.scheduleWithFixedDelay(() -> guarded("budget evaluation", () -> s.budgets().evaluate()), 0, 5, java.util.concurrent.TimeUnit.MINUTES);
        timers.scheduleWithFixedDelay(() -> guarded("alert delivery", () -> s.dispatcher().runOnce()), 5, 15, java.util.concurrent.TimeUnit.SECONDS);
        if (!s.sources().sources().isEmpty()) {
            timers.scheduleWithFixedDelay(() -> guarded("billing sources", () -> {
                for (var p : s.sources().pollDue()) {
                    if (p.imported() + p.failed() > 0) {
                        root.out.println("burnrate: source " + p.source() + ": " + p.imported() + " file(s) imported, " + p.skipped() + " already there, "
                                + p.failed() + " refused" + (p.errors().isEmpty() ? "" : ": " + String.join("; ", p.errors())));
                        root.out.flush();
                    }
                }
            }), 2, 30, java.util.concurrent.TimeUnit.SECONDS);
        }
        timers.scheduleWithFixedDelay(() -> guarded("anomaly detection", () -> {
            java.time.LocalDate today = java.time.LocalDate.now(root.clock);
            s.costAnomalies().detect(today.minusDays(3), today);
            java.time.LocalDateTime hour = java.time.LocalDateTime.now(root.clock).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            s.costAnomalies().detectHourly(hour.minusHours(6), hour);
        }), 1, 60, java.util.concurrent.TimeUnit.MINUTES);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            advertised.close();
            timers.shutdownNow();
            s.api().stop();
            s.close();
            stopped.countDown();
        }));
        root.out.println("Burnrate serving " + s.databasePath() + " on http://" + bind + ":" + actual
                + "  (API /api/v1/costs, OpenAPI /api/openapi.json, /healthz, /metrics; Ctrl-C to stop)");
        root.out.flush();
        stopped.await();
    }

    private static void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("burnrate: " + what + " failed: " + e.getMessage());
        }
    }
}

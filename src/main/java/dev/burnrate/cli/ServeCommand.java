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
        LocalServer advertised = LocalServer.serve(s, root.factory, root.clock, bind, port, root.configPath());
        int actual = advertised.port();
        CountDownLatch stopped = new CountDownLatch(1);
        // the outbox, the billing sources, budgets and anomaly scans run on their own (a feature: app/ServerLoop)
        AutoCloseable loop = s.startLoop(line -> {
            root.out.println("burnrate: " + line);
            root.out.flush();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            advertised.close();
            try {
                loop.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            s.api().stop();
            s.close();
            stopped.countDown();
        }));
        root.out.println("Burnrate serving " + s.databasePath() + " on http://" + bind + ":" + actual
                + "  (API /api/v1/costs, OpenAPI /api/openapi.json, /healthz, /metrics; Ctrl-C to stop)");
        root.out.flush();
        stopped.await();
    }
}

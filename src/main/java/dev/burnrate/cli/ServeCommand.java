package dev.burnrate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Serve the REST API (and later the dashboard) until stopped.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--port", defaultValue = "8080")
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
        int actual = s.api().start(bind, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
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

package dev.burnrate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A real Prometheus (Debian's package, installed by bin/test) on a free loopback port, scraping one target every
 * second, with its data in a temp directory. Closed, it is stopped.
 */
public final class PrometheusServer implements AutoCloseable {
    private final Process process;
    public final String url;

    public PrometheusServer(Path dir, String target) throws IOException {
        String bin = System.getenv().getOrDefault("PROMETHEUS_BIN", "/usr/bin/prometheus");
        if (!Files.isExecutable(Path.of(bin))) {
            throw new IllegalStateException("Prometheus not found at " + bin + ": bin/test installs Debian's 'prometheus' package "
                    + "(apt-get install prometheus), or set PROMETHEUS_BIN");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: dcgm
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        process = new ProcessBuilder(List.of(bin, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        url = "http://127.0.0.1:" + port;
        await(() -> get("/-/ready").contains("Ready"), Duration.ofSeconds(30), "Prometheus to be ready");
    }

    public String get(String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for an external process to reach a state (bounded): the only waiting in the tests, and never a stand-in
     * for test time, which the injected clocks control.
     */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("gave up waiting for " + what + " after " + timeout);
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Stops a server the test started: TERM, then KILL after 10 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

}

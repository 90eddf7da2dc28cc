package dev.burnrate.testing;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

/** `burnrate serve` in a process of its own (this test JVM's java and class path), to be killed as an operator's replica would be. */
public final class ServeProcess {
    private ServeProcess() {
    }

    public static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts serving {@code db} with {@code yaml} on {@code port}; its output goes to {@code log}. */
    public static Process start(Path db, Path yaml, int port, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.burnrate.app.Main", "--db", db.toString(), "--config", yaml.toString(), "serve", "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the server on {@code port} answers /healthz with 200. */
    public static void awaitHealthy(int port, Duration within) {
        ApiClient c = new ApiClient("http://127.0.0.1:" + port);
        PrometheusServer.await(() -> {
            try {
                return c.send("GET", "/healthz", null, null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }, within, "the server on port " + port + " to serve");
    }
}

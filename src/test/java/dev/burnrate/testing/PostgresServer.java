package dev.burnrate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (Debian's package, installed by bin/test) on a free loopback port, its cluster in a fresh
 * temporary directory made with initdb, stopped and deleted when closed. As root (PostgreSQL refuses to run as root)
 * the cluster belongs to the package's {@code postgres} user. {@link #newDatabase()} gives each test its own database.
 */
public final class PostgresServer implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final Path dir;
    private final Process process;
    private final int port;
    private final boolean root;

    public PostgresServer() throws IOException, InterruptedException {
        Path bin = binaries();
        root = "root".equals(System.getProperty("user.name"));
        dir = Files.createTempDirectory("burnrate-pg", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        if (root) run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        run(as(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "burnrate", "-E", "UTF8", "--no-sync")));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        process = new ProcessBuilder(as(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir, "-c", "fsync=off", "-c", "max_connections=300",
                "-c", "shared_buffers=64MB")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile()).start();
        PrometheusServer.await(this::accepting, Duration.ofSeconds(30), "PostgreSQL to accept connections (log: " + dir.resolve("postgres.log") + ")");
    }

    /** Debian's server binaries: $PG_BIN, or the newest /usr/lib/postgresql/N/bin. */
    private static Path binaries() throws IOException {
        String env = System.getenv("PG_BIN");
        if (env != null) return Path.of(env);
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (var versions = Files.list(base)) {
                Path newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0")))).orElse(null);
                if (newest != null) return newest.resolve("bin");
            }
        }
        throw new IllegalStateException("PostgreSQL's server binaries not found under /usr/lib/postgresql: bin/test installs Debian's "
                + "'postgresql' package (apt-get install postgresql), or set PG_BIN");
    }

    private List<String> as(List<String> command) {
        if (!root) return command;
        List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(command);
        return out;
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }

    private boolean accepting() {
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), "burnrate", "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private String jdbc(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new, empty database: its {@code postgresql://} URL, as {@code state:} or BURNRATE_STATE take it. */
    public String newDatabase() {
        String name = "burnrate_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), "burnrate", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return "postgresql://burnrate@127.0.0.1:" + port + "/" + name;
    }

    @Override
    public void close() {
        PrometheusServer.stop(process);
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is no failure of the test
        }
    }
}

package dev.burnrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burnrate.http.CommandRunner;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One owner, many clients. A server that owns a ledger advertises itself beside the database file
 * ({@code <db>.server}: its address and a credential, readable by the owning user only); every other {@code burnrate}
 * command on that ledger then runs inside the server ({@code POST /api/v1/cli}) with the very same command code, so its
 * output and exit code are those of a local run, instead of failing on the database lock. The advertisement goes when
 * the server stops; one left by a server that died is ignored (nothing answers at its address).
 */
public final class LocalServer implements AutoCloseable {
    /** Commands that never run inside a server: they start one, run a local process, or need no ledger. */
    static final Set<String> LOCAL_ONLY = Set.of("serve", "demo", "run", "generate", "help");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a server advertises: where it listens, the credential that lets the local CLI in, and the burnrate.yaml it
     * runs every command with (null: none).
     */
    record Advert(String url, long pid, String credential, String config) {
    }

    private final Path file;
    private final int port;

    private LocalServer(Path file, int port) {
        this.file = file;
        this.port = port;
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    static Path advertFile(Path db) {
        return Path.of(db.toAbsolutePath() + ".server");
    }

    /**
     * Starts serving {@code s} on {@code bind:port} with the CLI route open to a fresh local credential, and advertises
     * it beside the database. Close the result when the server stops.
     */
    public static LocalServer serve(Services s, Services.Factory factory, java.time.Clock clock, String bind, int port, Path config) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String credential = "brl_" + HexFormat.of().formatHex(secret);
        s.api().withLocalCommands(credential, (args, cwd, local) -> execute(s, factory, clock, args, cwd, local));
        int actual = s.serve(bind, port);
        String host = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") ? "127.0.0.1" : bind.contains(":") ? "[" + bind + "]" : bind;
        Path file = advertFile(s.databasePath());
        try {
            ObjectNode n = JSON.createObjectNode().put("url", "http://" + host + ":" + actual).put("pid", ProcessHandle.current().pid()).put("credential", credential)
                    .put("config", config == null ? null : config.toAbsolutePath().normalize().toString());
            Path tmp = Path.of(file + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system
            }
            Files.writeString(tmp, n.toString() + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot advertise the server beside " + s.databasePath() + ": " + e.getMessage(), e);
        }
        return new LocalServer(file, actual);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale advertisement is ignored by clients: nothing answers at its address
        }
    }

    /**
     * Why the configuration this client would use differs from the server's, if it does: a {@code --config} given
     * for a named server (a file on this machine), or, beside a local server, a {@code --config} or a ./burnrate.yaml
     * here that is not the one the server started with. Neither given (nor one here): the server's, as asked.
     */
    static Optional<String> otherConfig(BurnrateCommand probe, boolean named, Advert advert) {
        Path mine = named ? probe.config : probe.configPath();
        if (mine == null) return Optional.empty();
        String what = probe.config != null ? "--config " + probe.config : "./burnrate.yaml";
        if (named) return Optional.of(what + ": the server at " + advert.url() + " runs every command with the settings it started with; leave --config out");
        if (sameFile(mine, advert.config() == null ? null : Path.of(advert.config()))) return Optional.empty();
        return Optional.of(what + ": this ledger is served by a running server that runs every command with the settings it started with ("
                + (advert.config() == null ? "no burnrate.yaml" : advert.config()) + "); stop the server to use "
                + (probe.config != null ? "another, or leave --config out" : "it, or run from another folder"));
    }

    /** Whether two configuration paths (null: none) name the same file. */
    static boolean sameFile(Path a, Path b) {
        if (a == null || b == null) return a == b;
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        if (x.equals(y)) return true;
        try {
            return Files.exists(x) && Files.exists(y) && Files.isSameFile(x, y);
        } catch (IOException e) {
            return false;
        }
    }

    /** The server advertised beside this database, if any. */
    static Optional<Advert> advertised(Path db) {
        Path f = advertFile(db);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(Files.readString(f));
            return Optional.of(new Advert(n.path("url").asText(), n.path("pid").asLong(), n.path("credential").asText(),
                    n.path("config").isTextual() ? n.path("config").asText() : null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Runs a command line inside this server, against its ledger: the same command code as a local run. */
    static CommandRunner.Result execute(Services s, Services.Factory factory, java.time.Clock clock, List<String> args, String cwd, boolean local) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the server's own ledger for every command; closing it is the server's business
        Services shared = (Services) Proxy.newProxyInstance(Services.class.getClassLoader(), new Class<?>[]{Services.class}, (proxy, m, a) -> {
            if (m.getName().equals("close") && m.getParameterCount() == 0) return null;
            try {
                return m.invoke(s, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        Services.Factory here = new Services.Factory() {
            @Override
            public Services open(Path database, Path config) {
                return shared; // with the settings it started with: the client has checked that it asked for no others
            }

            @Override
            public boolean opensFiles() {
                return false;
            }

            @Override
            public dev.burnrate.pricing.PriceCatalog prices(Path config) {
                return factory.prices(config);
            }

            @Override
            public List<dev.burnrate.policy.Policy> policies(Path config) {
                return factory.policies(config);
            }
        };
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = BurnrateCommand.commandLine(here, o, e, clock, name -> null);
        Path dir = Path.of(cwd);
        if (local) {
            cl.registerConverter(Path.class, v -> dir.resolve(v)); // file arguments are the client's, relative to its directory
        } else {
            // a client on another machine: a file named in its arguments would be read or written on this one
            cl.registerConverter(Path.class, v -> {
                throw new CommandLine.TypeConversionException("'" + v + "' names a file, which --server would read or write on the server's machine; "
                        + "send bills with POST /api/v1/imports (curl -F file=@...), or run this command on the server");
            });
        }
        String command = args.stream().filter(x -> !x.startsWith("-")).findFirst().orElse("");
        int code;
        if (LOCAL_ONLY.contains(command)) {
            e.println("burnrate: '" + command + "' does not run inside a server");
            code = 2;
        } else {
            code = cl.execute(args.toArray(String[]::new));
        }
        o.flush();
        e.flush();
        return new CommandRunner.Result(code, out.toString(), err.toString());
    }

    /**
     * Runs {@code args} in the server that owns the chosen ledger, if one is advertised and answers; returns its exit
     * code, or empty to run locally (no server, a command that runs locally, help, or arguments picocli refuses).
     */
    static Optional<Integer> forward(String[] args, PrintWriter out, PrintWriter err, java.util.function.UnaryOperator<String> env) {
        BurnrateCommand probe = new BurnrateCommand(null, new PrintWriter(new StringWriter()), java.time.Clock.systemUTC(), env);
        CommandLine cl = new CommandLine(probe);
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return Optional.empty();
        }
        if (!parsed.hasSubcommand()) return Optional.empty();
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return Optional.empty();
        }
        if (LOCAL_ONLY.contains(parsed.subcommand().commandSpec().name())) return Optional.empty();
        Optional<String> named = probe.chosenServer();
        Optional<Advert> advert = named.isPresent() ? Optional.of(new Advert(named.get(), 0, probe.chosenToken(), null)) : advertised(probe.databasePath());
        if (advert.isEmpty()) return Optional.empty();
        // the server runs every command with the burnrate.yaml it started with: another one chosen here (its anomaly
        // thresholds, say; a trial's went unread, the command answering with the server's, exit 0) is refused, saying so
        Optional<String> otherConfig = otherConfig(probe, named.isPresent(), advert.get());
        if (otherConfig.isPresent()) {
            err.println("burnrate: " + otherConfig.get());
            err.flush();
            return Optional.of(1);
        }
        try {
            ObjectNode body = JSON.createObjectNode().put("cwd", Path.of("").toAbsolutePath().toString());
            var arr = body.putArray("args");
            // the server and the token were for this client (root options, before the command's name); the server runs
            // the command on its own ledger
            boolean beforeCommand = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (beforeCommand && (a.equals("--server") || a.equals("--token"))) {
                    i++;
                    continue;
                }
                if (beforeCommand && (a.startsWith("--server=") || a.startsWith("--token="))) continue;
                if (beforeCommand && (a.equals("--db") || a.equals("--config"))) {
                    if (named.isPresent()) i++; // this machine's ledger and config mean nothing to a named server
                    else {
                        arr.add(a);
                        if (i + 1 < args.length) arr.add(args[++i]);
                    }
                    continue;
                }
                if (beforeCommand && named.isPresent() && (a.startsWith("--db=") || a.startsWith("--config="))) continue;
                if (!a.startsWith("-")) beforeCommand = false;
                arr.add(a);
            }
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(advert.get().url() + "/api/v1/cli"))
                            .header("Authorization", "Bearer " + (advert.get().credential() == null ? "" : advert.get().credential()))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                err.println("burnrate: the server at " + advert.get().url() + (named.isPresent() ? "" : " that owns " + probe.databasePath())
                        + " refused the command: " + r.statusCode() + " " + r.body());
                err.flush();
                return Optional.of(1);
            }
            JsonNode n = JSON.readTree(r.body());
            out.print(n.path("out").asText());
            out.flush();
            err.print(n.path("err").asText());
            err.flush();
            return Optional.of(n.path("exitCode").asInt(1));
        } catch (java.net.ConnectException e) {
            if (named.isEmpty()) return Optional.empty(); // a server that died left its advertisement: run locally
            err.println("burnrate: cannot reach the server at " + named.get() + ": connection refused");
            err.flush();
            return Optional.of(1);
        } catch (IOException | IllegalArgumentException e) {
            err.println("burnrate: cannot reach the server at " + advert.get().url() + ": " + e.getMessage());
            err.flush();
            return Optional.of(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(1);
        }
    }
}

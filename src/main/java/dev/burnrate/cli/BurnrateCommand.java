package dev.burnrate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The {@code burnrate} command and its global options. */
@Command(name = "burnrate", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "burnrate 0.1.0",
        description = "AI FinOps: import cloud bills (FOCUS), see where the money goes.",
        subcommands = {ImportCommand.class, ValidateCommand.class, CostsCommand.class, GenerateCommand.class,
                ServeCommand.class, DemoCommand.class, AnomaliesCommand.class, ForecastCommand.class, BudgetsCommand.class, AlertsCommand.class, GpuCommand.class, ShowbackCommand.class, PricesCommand.class, JobsCommand.class, UnitCostsCommand.class, InferenceCommand.class, RecommendCommand.class, SloCommand.class, CollectCommand.class, GateCommand.class, RunCommand.class, PolicyCommand.class, AuditCommand.class, TokensCommand.class, CommandLine.HelpCommand.class})
public final class BurnrateCommand {
    @Option(names = "--db", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "Ledger database file (env BURNRATE_DB; default ./.burnrate/burnrate.duckdb)")
    Path db;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "burnrate.yaml (default ./burnrate.yaml when present)")
    Path config;

    @Option(names = "--server", scope = ScopeType.LOCAL, paramLabel = "URL",
            description = "Run the command in the Burnrate server at URL (env BURNRATE_SERVER), on its ledger")
    String server;

    @Option(names = "--token", scope = ScopeType.LOCAL, paramLabel = "TOKEN",
            description = "An admin API token of that server (env BURNRATE_TOKEN)")
    String token;

    final Services.Factory factory;
    final PrintWriter out;
    final java.time.Clock clock;
    private final java.util.function.UnaryOperator<String> env;

    public BurnrateCommand(Services.Factory factory, PrintWriter out, java.time.Clock clock) {
        this(factory, out, clock, System::getenv);
    }

    BurnrateCommand(Services.Factory factory, PrintWriter out, java.time.Clock clock, java.util.function.UnaryOperator<String> env) {
        this.factory = factory;
        this.out = out;
        this.clock = clock;
        this.env = env;
    }

    /**
     * Who a command acts as, in the audit log and on what it changes: {@code cli:} and the user's name (a verdict or an
     * acknowledgement recorded as "cli" alone did not say whose).
     */
    String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    /** Who a command acts as: the {@code --by} given, as {@code check} accepts it (its refusal naming --by); else {@link #actor()}. */
    String actor(String by, java.util.function.UnaryOperator<String> check) {
        if (by == null) return actor();
        try {
            return check.apply(by);
        } catch (dev.burnrate.ledger.InvalidParameterException e) {
            throw e.as("--by");
        }
    }

    Path databasePath() {
        return chosenDatabase().orElse(Path.of(".burnrate", "burnrate.duckdb"));
    }

    /** The database the user named: {@code --db}, else the environment variable {@code BURNRATE_DB}. */
    java.util.Optional<Path> chosenDatabase() {
        if (db != null) return java.util.Optional.of(db);
        String v = env.apply("BURNRATE_DB");
        return v != null && !v.isBlank() ? java.util.Optional.of(Path.of(v)) : java.util.Optional.empty();
    }

    /** The server the user named: {@code --server}, else the environment variable {@code BURNRATE_SERVER}. */
    java.util.Optional<String> chosenServer() {
        String v = server != null ? server : env.apply("BURNRATE_SERVER");
        return v != null && !v.isBlank() ? java.util.Optional.of(v.strip().replaceAll("/+$", "")) : java.util.Optional.empty();
    }

    String chosenToken() {
        String v = token != null ? token : env.apply("BURNRATE_TOKEN");
        return v == null || v.isBlank() ? null : v.strip();
    }

    Path configPath() {
        if (config != null) return config;
        Path local = Path.of("burnrate.yaml");
        return java.nio.file.Files.isRegularFile(local) ? local : null;
    }

    /** The root command of whatever command this spec belongs to (a subcommand may sit under several parents). */
    static BurnrateCommand root(CommandLine.Model.CommandSpec spec) {
        CommandLine.Model.CommandSpec s = spec;
        while (s.parent() != null) s = s.parent();
        return (BurnrateCommand) s.userObject();
    }

    /** Where notes for people go (standard error); set when the command line is built. */
    PrintWriter err;

    /**
     * Opens the chosen ledger. Where there was none, it is created empty and the person is told so: a mistyped
     * {@code --db}, or no {@code --db} after the demo (whose ledger is a file of its own), would otherwise read as an
     * empty bill.
     */
    Services open() {
        Path path = databasePath();
        boolean fresh = factory.opensFiles() && !java.nio.file.Files.exists(path);
        Services s = factory.open(path, configPath());
        if (fresh && err != null) {
            err.println("burnrate: new, empty ledger at " + path + " (none was there; the demo's is .burnrate/demo.duckdb)");
            err.flush();
        }
        return s;
    }

    dev.burnrate.pricing.PriceCatalog catalog() {
        return prices();
    }

    /** The policies of burnrate.yaml; needs no database. */
    java.util.List<dev.burnrate.policy.Policy> policies() {
        return factory.policies(configPath());
    }

    /** The price catalog with burnrate.yaml's overrides; needs no database. */
    dev.burnrate.pricing.PriceCatalog prices() {
        return factory.prices(configPath());
    }

    /** Runs the command in the server that owns the chosen ledger, when one is advertised beside it; empty: run it here. */
    public static java.util.Optional<Integer> forwardToServer(String[] args, PrintWriter out, PrintWriter err, java.util.function.UnaryOperator<String> env) {
        return LocalServer.forward(args, out, err, env);
    }

    /** Builds the command line with one-line errors on stderr and exit codes: 0 ok, 1 failure, 2 usage. */
    public static CommandLine commandLine(Services.Factory factory, PrintWriter out, PrintWriter err, java.time.Clock clock) {
        return commandLine(factory, out, err, clock, System::getenv);
    }

    /** As above, reading environment variables ({@code BURNRATE_DB}) through {@code env}. */
    public static CommandLine commandLine(Services.Factory factory, PrintWriter out, PrintWriter err, java.time.Clock clock,
                                          java.util.function.UnaryOperator<String> env) {
        BurnrateCommand root = new BurnrateCommand(factory, out, clock, env);
        root.err = err;
        CommandLine cl = new CommandLine(root);
        // --format JSON, --verdict-like options given in capitals: as --state OPEN already is (it was refused for enums only)
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            // a value of an option that is not one the command takes is a usage error (2), like an unknown option
            boolean usage = ex instanceof dev.burnrate.ledger.InvalidParameterException;
            err.println("burnrate: " + msg.replace('\n', ' ') + (usage ? " (see '" + line.getCommandSpec().qualifiedName() + " --help')" : ""));
            err.flush();
            return usage ? 2 : 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println("burnrate: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        return cl;
    }
}

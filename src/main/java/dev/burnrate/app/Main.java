package dev.burnrate.app;

import dev.burnrate.cli.BurnrateCommand;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Entry point of bin/burnrate. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err, Clock.systemUTC());
        System.exit(code);
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock) {
        return run(args, out, err, clock, System::getenv);
    }

    /** Runs a command with environment variables read through {@code env}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock, java.util.function.UnaryOperator<String> env) {
        // a server that owns the ledger runs the command (same code, same output); otherwise it runs here
        java.util.Optional<Integer> served = BurnrateCommand.forwardToServer(args, out, err, env);
        if (served.isPresent()) return served.get();
        return BurnrateCommand.commandLine(factory(clock), out, err, clock, env).execute(args);
    }

    /** How commands open the ledger and read the config. */
    public static dev.burnrate.cli.Services.Factory factory(Clock clock) {
        return new dev.burnrate.cli.Services.Factory() {
            @Override
            public dev.burnrate.cli.Services open(java.nio.file.Path db, java.nio.file.Path config) {
                return Wiring.open(db, config, clock);
            }

            @Override
            public dev.burnrate.pricing.PriceCatalog prices(java.nio.file.Path config) {
                BurnrateConfig c = config == null ? BurnrateConfig.defaults() : BurnrateConfig.load(config);
                return dev.burnrate.pricing.PriceCatalog.bundled().withOverrides(c.priceOverrides());
            }

            @Override
            public java.util.List<dev.burnrate.policy.Policy> policies(java.nio.file.Path config) {
                return config == null ? java.util.List.of() : BurnrateConfig.load(config).governance().policies();
            }
        };
    }
}

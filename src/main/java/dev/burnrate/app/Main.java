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
        return BurnrateCommand.commandLine((db, config) -> Wiring.open(db, config, clock), out, err, clock).execute(args);
    }
}

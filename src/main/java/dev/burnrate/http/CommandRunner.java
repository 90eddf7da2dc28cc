package dev.burnrate.http;

import java.util.List;

/** Runs one {@code burnrate} command line against the ledger of the server it is handed to (see {@code POST /api/v1/cli}). */
@FunctionalInterface
public interface CommandRunner {
    Result run(List<String> args, String workingDirectory);

    /** What the command printed, and its exit code. */
    record Result(int exitCode, String out, String err) {
    }
}

package dev.burnrate.http;

import java.util.List;

/** Runs one {@code burnrate} command line against the ledger of the server it is handed to (see {@code POST /api/v1/cli}). */
@FunctionalInterface
public interface CommandRunner {
    /**
     * @param local true for the CLI of the server's own machine (the advertised credential): file arguments are its
     *              files; false for a client holding an admin token elsewhere, whose commands may name no file
     */
    Result run(List<String> args, String workingDirectory, boolean local);

    /** What the command printed, and its exit code. */
    record Result(int exitCode, String out, String err) {
    }
}

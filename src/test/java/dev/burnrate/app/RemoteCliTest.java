package dev.burnrate.app;

import dev.burnrate.access.Role;
import dev.burnrate.cli.LocalServer;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code burnrate --server URL} (env BURNRATE_SERVER): a command from another machine runs inside that server, on its
 * ledger, with the output and exit code it has there, for an admin token that sees every team; a team-scoped token, no
 * token, or a command naming a file (which the server would read on its own machine) is refused.
 */
class RemoteCliTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-09-17T09:00:00Z"));

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), CLOCK, env::get);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void commandsWithAnAdminToken_runInTheNamedServer_whileScopedTokensMissingTokensAndFileArgumentsAreRefused() throws Exception {
        String db = dir.resolve("server.duckdb").toString();
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        assertThat(run(Map.of(), "--db", db, "import", "focus", sample.toString()).code()).isZero();
        Result alone = run(Map.of(), "--db", db, "costs", "--by", "ProviderName", "--basis", "billed", "--format", "csv");
        assertThat(alone.code()).isZero();
        String elsewhere = dir.resolve("laptop.duckdb").toString(); // the client's own default ledger is not the server's

        try (Wiring w = Wiring.open(Path.of(db), null, CLOCK); LocalServer served = LocalServer.serve(w, Main.factory(CLOCK), CLOCK, "127.0.0.1", 0, null)) {
            String admin = w.tokens().create("ops", Role.ADMIN, Set.of()).secret();
            String fraudAdmin = w.tokens().create("fraud-lead", Role.ADMIN, Set.of("fraud")).secret();
            String url = "http://127.0.0.1:" + served.port();
            try {
                Result remote = run(Map.of(), "--db", elsewhere, "--server", url, "--token", admin, "costs", "--by", "ProviderName", "--basis", "billed", "--format", "csv");
                assertThat(remote).isEqualTo(alone);
                Result fromEnv = run(Map.of("BURNRATE_SERVER", url + "/", "BURNRATE_TOKEN", admin), "--db", elsewhere,
                        "costs", "--by", "ProviderName", "--basis", "billed", "--format", "csv");
                assertThat(fromEnv).isEqualTo(alone);
                assertThat(run(Map.of(), "--server", url, "--token", admin, "audit", "verify").code()).isZero();

                Result scoped = run(Map.of(), "--server", url, "--token", fraudAdmin, "costs", "--by", "team");
                assertThat(scoped.code()).isEqualTo(1);
                assertThat(scoped.err()).contains("refused the command: 403", "not scoped to teams");
                Result anonymous = run(Map.of(), "--server", url, "costs", "--by", "team");
                assertThat(anonymous.code()).isEqualTo(1);
                assertThat(anonymous.err()).contains("refused the command: 401");
                Result file = run(Map.of(), "--server", url, "--token", admin, "import", "focus", sample.toString());
                assertThat(file.code()).isEqualTo(2);
                assertThat(file.err()).contains("names a file", "POST /api/v1/imports");
                assertThat(w.focusLedger().imports(10)).hasSize(1); // nothing was read on the server's machine
            } finally {
                w.api().stop();
            }
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Result gone = run(Map.of(), "--server", "http://127.0.0.1:" + closed, "--token", "x", "costs", "--by", "team");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("cannot reach the server at http://127.0.0.1:" + closed);
    }
}

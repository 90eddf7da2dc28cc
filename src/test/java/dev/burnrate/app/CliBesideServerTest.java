package dev.burnrate.app;

import dev.burnrate.cli.LocalServer;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner, many clients: while a server owns the ledger, every other command on it runs inside the server (the same
 * command code), with the output and exit code it has when nothing serves, instead of failing on the database lock.
 */
class CliBesideServerTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-09-17T09:00:00Z"));

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), CLOCK, name -> null);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void whileAServerOwnsTheLedger_commandsRunThroughIt_withTheSameOutputAndExitCodes() throws Exception {
        String db = dir.resolve("l.duckdb").toString();
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        assertThat(run("--db", db, "import", "focus", sample.toString()).code()).isZero();
        String[][] commands = {
                {"--db", db, "costs", "--by", "ProviderName", "--basis", "billed"},
                {"--db", db, "costs", "--by", "team", "--format", "csv"},
                {"--db", db, "costs", "--by", "nosuch"},
                {"--db", db, "audit", "verify"},
                {"--db", db, "gate", "list", "--state", "bogus"},
        };
        Result[] alone = new Result[commands.length];
        for (int i = 0; i < commands.length; i++) alone[i] = run(commands[i]);

        try (Wiring w = Wiring.open(Path.of(db), null, CLOCK); LocalServer served = LocalServer.serve(w, Main.factory(CLOCK), CLOCK, "127.0.0.1", 0, null)) {
            Path advert = Path.of(db + ".server");
            assertThat(advert).exists();
            assertThat(Files.getPosixFilePermissions(advert)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            try {
                for (int i = 0; i < commands.length; i++) {
                    Result beside = run(commands[i]);
                    assertThat(beside.out()).as(String.join(" ", commands[i])).isEqualTo(alone[i].out());
                    assertThat(beside.err()).as(String.join(" ", commands[i])).isEqualTo(alone[i].err()).doesNotContain("in use by another");
                    assertThat(beside.code()).as(String.join(" ", commands[i])).isEqualTo(alone[i].code());
                }
                // a bill imported from the CLI while the server serves: in the ledger at once, a relative path resolved where the CLI runs
                Path month = TestLedger.fixture("focus/focus_sample.csv", Files.createDirectories(dir.resolve("next")));
                Files.writeString(month, Files.readString(month).replace("2024-", "2023-")); // another content, other periods
                Result imported = run("--db", db, "import", "focus", Path.of("").toAbsolutePath().relativize(month).toString());
                assertThat(imported.code()).as(imported.err()).isZero();
                assertThat(imported.out()).contains("imported");
                assertThat(w.focusLedger().imports(10)).hasSize(2);
                // another burnrate.yaml would be read by nothing (the server runs with the settings it started with):
                // a trial's --config with other anomaly thresholds, even a missing file, answered with the server's
                Path other = Files.writeString(dir.resolve("other.yaml"), "anomalies:\n  minImpact: 100\n");
                for (String[] withOther : new String[][]{{"--db", db, "--config", other.toString(), "anomalies"},
                        {"--db", db, "anomalies", "--config", dir.resolve("missing.yaml").toString()}}) {
                    Result refused = run(withOther);
                    assertThat(refused.code()).as(refused.out()).isEqualTo(1);
                    assertThat(refused.err()).contains("--config " + withOther[withOther[2].equals("--config") ? 3 : 4],
                            "served by a running server", "no burnrate.yaml", "leave --config out");
                    assertThat(refused.out()).isEmpty();
                }
                // commands that must run on this machine say so instead of fighting over the ledger
                assertThat(run("--db", db, "demo", "--no-serve").err()).doesNotContain("in use by another");
            } finally {
                w.api().stop();
            }
        }
        assertThat(Path.of(db + ".server")).doesNotExist();
        Result after = run("--db", db, "costs", "--by", "ProviderName", "--basis", "billed"); // stopped: local again, both bills
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(after.out()).contains("36.01", "1884");
    }
}

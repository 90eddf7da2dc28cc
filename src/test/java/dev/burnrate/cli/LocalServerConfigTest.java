package dev.burnrate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** Which burnrate.yaml a command beside a running server asks for, against the one the server started with. */
class LocalServerConfigTest {
    @TempDir
    Path dir;

    private static BurnrateCommand parsed(String... args) {
        BurnrateCommand probe = new BurnrateCommand(null, new PrintWriter(new StringWriter()), Clock.systemUTC(), name -> null);
        new CommandLine(probe).parseArgs(args);
        return probe;
    }

    @Test
    void theServersOwnFile_byAnotherPathOrALink_isAccepted_anotherOrNoneOnTheServer_isRefusedSayingWhich() throws Exception {
        Path served = Files.writeString(dir.resolve("burnrate.yaml"), "anomalies:\n  minImpact: 100\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), served);
        Path other = Files.writeString(dir.resolve("other.yaml"), "anomalies:\n  minImpact: 5\n");
        LocalServer.Advert withConfig = new LocalServer.Advert("http://127.0.0.1:1", 1, "c", served.toString());
        LocalServer.Advert without = new LocalServer.Advert("http://127.0.0.1:1", 1, "c", null);
        // the same file, however it is named, is what the server runs with
        assertThat(LocalServer.otherConfig(parsed("--config", dir.resolve("sub/../burnrate.yaml").toString(), "costs"), false, withConfig)).isEmpty();
        assertThat(LocalServer.otherConfig(parsed("costs", "--config", link.toString()), false, withConfig)).isEmpty();
        // none asked for: the server's, whatever it is
        assertThat(LocalServer.otherConfig(parsed("costs"), false, withConfig)).isEmpty();
        assertThat(LocalServer.otherConfig(parsed("costs"), false, without)).isEmpty();
        // another file, or one where the server has none, is refused, naming both
        assertThat(LocalServer.otherConfig(parsed("--config", other.toString(), "anomalies"), false, withConfig))
                .hasValueSatisfying(m -> assertThat(m).startsWith("--config " + other).contains("(" + served + ")", "leave --config out"));
        assertThat(LocalServer.otherConfig(parsed("--config", served.toString(), "anomalies"), false, without))
                .hasValueSatisfying(m -> assertThat(m).contains("(no burnrate.yaml)"));
        // a server named with --server runs with its own settings: a file here would be read by nothing
        assertThat(LocalServer.otherConfig(parsed("--config", served.toString(), "anomalies"), true, without))
                .hasValueSatisfying(m -> assertThat(m).contains("http://127.0.0.1:1", "leave --config out"));
    }
}

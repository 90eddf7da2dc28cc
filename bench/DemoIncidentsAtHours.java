import dev.burnrate.anomaly.*;
import dev.burnrate.app.Wiring;
import dev.burnrate.cli.DemoData;
import java.io.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;


/**
 * Loads the default demo (200,000 rows) as `burnrate demo` would at each given instant and lists its spend incidents:
 * lead, impact, severity, the first causes with their usual and actual spend, and the scopes seen with it. The demo is
 * generated up to the current hour, so what detection sees moves through the day; two incidents (the fraud runaway,
 * the untagged cluster) are expected at every hour, and nothing else where the quiet weeks stay quiet (on 2026-12-05: at 24
 * of 25 instants, at one a ticket of 176 on Cloud Networking; since a scope's seasonal scale rests on a season, at all 12
 * instants checked, that one among them). About 20 s an instant.
 * Usage: java --enable-native-access=ALL-UNNAMED -cp "target/classes:target/lib/*" bench/DemoIncidentsAtHours.java
 *        2026-12-03T13:00:00Z [2026-12-03T22:00:00Z ...]
 */
public class DemoIncidentsAtHours {
    public static void main(String[] a) throws Exception {
        for (String when : a) {
            Instant now = Instant.parse(when);
            Path dir = Files.createTempDirectory("dh");
            Clock c = Clock.fixed(now, ZoneOffset.UTC);
            try (Wiring s = Wiring.open(dir.resolve("demo.duckdb"), null, c)) {
                DemoData.load(s, dir, 200_000, c, new PrintWriter(new StringWriter()));
                List<Incident> inc = Incident.of(s.anomalies().list(null, null, 1000));
                System.out.println(when + ": " + inc.size() + " incidents");
                for (Incident i : inc) {
                    System.out.println("   " + i.lead().when() + " " + i.lead().dimension() + "=" + i.lead().value() + " " + i.lead().impact()
                            + " " + i.lead().severity() + " cause " + i.lead().rootCause().stream().limit(4)
                            .map(x -> x.dimension() + "=" + x.value().substring(0, Math.min(40, x.value().length())) + " " + x.baseline() + "->" + x.actual())
                            .toList() + " also " + i.alsoSeenIn().stream().map(x -> x.when() + " " + x.dimension() + "=" + x.value()).toList());
                }
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}

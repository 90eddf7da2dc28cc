package dev.burnrate.cli;

import dev.burnrate.anomaly.CostAnomaly;
import dev.burnrate.anomaly.Incident;
import dev.burnrate.app.Wiring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo generates up to the current hour, so what detection sees moves through the day. At 13:00 on 2026-12-03 the
 * cluster's day is led by the EC2 scope, whose usual untagged spend is credits, and the runaway's scopes name new
 * instances too: the cluster's incident was led by "team=__unallocated__" and, once new instances led, absorbed the
 * runaway. Two incidents, each with the cause an operator acts on (see {@link DemoIncidentsTest} for the rest).
 */
class DemoIncidentsAtMiddayTest {
    @TempDir
    Path dir;

    @Test
    void atMidday_theRunawayAndTheClusterAreTwoIncidents_causedByTheJobAndTheNewInstances() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-03T13:00:00Z"), ZoneOffset.UTC);
        try (Wiring s = Wiring.open(dir.resolve("demo.duckdb"), null, clock)) {
            DemoData.load(s, dir, 200_000, clock, new PrintWriter(new StringWriter()));
            List<Incident> incidents = Incident.of(s.anomalies().list(null, null, 1000));
            List<String> causes = incidents.stream().map(i -> first(i.lead())).toList();
            assertThat(causes).as(incidents.toString()).hasSize(2)
                    .anyMatch(c -> c.equals("job=fraud-detector-retrain-loop-1"))
                    .anyMatch(c -> c.matches("ResourceId=\\d+ new: i-0untagged\\d-gpu-cluster, .*"));
        }
    }

    private static String first(CostAnomaly a) {
        return a.rootCause().isEmpty() ? "" : a.rootCause().get(0).dimension() + "=" + a.rootCause().get(0).value();
    }
}

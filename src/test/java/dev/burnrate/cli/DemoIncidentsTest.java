package dev.burnrate.cli;

import dev.burnrate.alert.Alert;
import dev.burnrate.anomaly.CostAnomaly;
import dev.burnrate.anomaly.Incident;
import dev.burnrate.app.Wiring;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo at its default size, as `burnrate demo` loads it on 2026-12-03: the generator injects a runaway fraud retrain
 * (a whole day, 5 days before the end: 2026-11-29) and an untagged GPU cluster (eight p5 instances from 2026-11-24).
 * Detection must find each once, on its first day, with the cause an operator would act on, and nothing before them;
 * each is one alert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoIncidentsTest {
    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    static final LocalDate RUNAWAY = LocalDate.of(2026, 11, 29);
    static final LocalDate CLUSTER = LocalDate.of(2026, 11, 24);

    @TempDir
    static Path dir;
    Wiring s;
    List<Incident> incidents;

    @BeforeAll
    void loadTheDemo() throws Exception {
        s = Wiring.open(dir.resolve("demo.duckdb"), null, Clock.fixed(NOW, ZoneOffset.UTC));
        DemoData.load(s, dir, 200_000, Clock.fixed(NOW, ZoneOffset.UTC), new PrintWriter(new StringWriter()));
        incidents = Incident.of(s.anomalies().list(null, null, 1000));
    }

    @AfterAll
    void close() {
        s.close();
    }

    private static boolean seenIn(Incident i, String dimension, String value) {
        return scope(i.lead(), dimension, value) || i.alsoSeenIn().stream().anyMatch(a -> scope(a, dimension, value));
    }

    private static boolean scope(CostAnomaly a, String dimension, String value) {
        return a.dimension().equals(dimension) && a.value().equals(value);
    }

    /** Every scope's anomaly, for failure messages. */
    private String described() {
        return s.anomalies().list(null, null, 1000).stream().map(a -> a.when() + " " + a.dimension() + "=" + a.value() + " " + a.impact() + " "
                + a.severity() + " score " + String.format(java.util.Locale.ROOT, "%.2f", a.score()) + " cause " + a.rootCause().stream().limit(2)
                .map(c -> c.dimension() + "=" + c.value()).toList() + " incident " + a.incident()).toList().toString();
    }

    @Test
    void runawayRetrain_isOnePagedIncidentOnItsDay_causedByItsJob() {
        List<Incident> onTheDay = incidents.stream().filter(i -> i.lead().day().equals(RUNAWAY) && seenIn(i, "team", "fraud")).toList();
        assertThat(onTheDay).as(described()).hasSize(1);
        Incident runaway = onTheDay.get(0);
        assertThat(runaway.lead().severity()).isEqualTo("page");
        assertThat(seenIn(runaway, "model", "fraud-detector")).isTrue();
        CostAnomaly.Contributor first = runaway.lead().rootCause().get(0);
        assertThat(first.dimension() + "=" + first.value()).isEqualTo("job=fraud-detector-retrain-loop-1");
        // the job's bill that day, grouped by job as any user can (`burnrate costs --by job`), is what the cause names
        BigDecimal billed = s.costs().costs(new CostQuery(List.of(Field.JOB), RUNAWAY, RUNAWAY.plusDays(1), Granularity.NONE, CostBasis.EFFECTIVE,
                Map.of(Field.JOB, List.of("fraud-detector-retrain-loop-1")))).rows().get(0).cost().amount();
        assertThat(first.actual()).isEqualByComparingTo(billed.setScale(2, java.math.RoundingMode.HALF_EVEN));
        assertThat(runaway.lead().impact()).isGreaterThan(billed.multiply(new BigDecimal("0.8")));
    }

    @Test
    void untaggedCluster_isOneIncidentFromItsFirstDay_causedByItsEightNewInstances_andSeenAsUnallocatedSpend() {
        List<Incident> cluster = incidents.stream().filter(i -> !i.lead().day().isBefore(CLUSTER) && !i.lead().rootCause().isEmpty()
                && i.lead().rootCause().get(0).value().contains("i-0untagged")).toList();
        assertThat(cluster).as(described()).hasSize(1);
        Incident first = cluster.get(0);
        assertThat(first.lead().day()).isEqualTo(CLUSTER);
        assertThat(first.lead().severity()).isEqualTo("page");
        CostAnomaly.Contributor cause = first.lead().rootCause().get(0);
        assertThat(cause.dimension()).isEqualTo("ResourceId");
        assertThat(cause.value()).matches("8 new: i-0untagged\\d-gpu-cluster, i-0untagged\\d-gpu-cluster, i-0untagged\\d-gpu-cluster, …");
        // the untagged spend itself is one of its scopes: the same day, or a day later once that noisier series has moved
        assertThat(seenIn(first, "team", "__unallocated__") || seenIn(first, "model", "__unallocated__")).as(described()).isTrue();
        assertThat(first.alsoSeenIn()).allSatisfy(a -> assertThat(a.day()).isBetween(CLUSTER, CLUSTER.plusDays(2)));
    }

    @Test
    void quietWeeksBeforeTheIncidents_raiseNothing_andNoDropIsAnAnomaly() {
        assertThat(incidents).as(described()).allSatisfy(i -> {
            assertThat(i.lead().day()).isAfterOrEqualTo(CLUSTER);
            assertThat(i.lead().impact().signum()).isPositive();
        });
        assertThat(s.alerts().list(null, 1000)).filteredOn(a -> a.source().equals("anomaly")).extracting(Alert::title)
                .as("one alert per incident").hasSize(incidents.size());
    }
}

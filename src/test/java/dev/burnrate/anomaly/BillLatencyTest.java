package dev.burnrate.anomaly;

import dev.burnrate.alert.Alerts;
import dev.burnrate.store.DuckAlertStore;
import dev.burnrate.store.DuckAnomalyStore;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bills arrive a day or two late. A day the bill does not reach yet is not a day without spend: judged, it read as a
 * drop of every team, service and account at once (found by the month-in-the-life test: nine alerts each morning
 * before the export landed).
 */
class BillLatencyTest {
    /** Drops count too here (by default only rises do): an unbilled day must not read as one either way. */
    static final CostAnomalies.Settings BOTH_WAYS = CostAnomalies.Settings.defaults()
            .with(new CostAnomalies.Thresholds(new java.math.BigDecimal("100"), new java.math.BigDecimal("20"), true));

    @TempDir
    Path dir;

    @Test
    void daysAndHoursTheBillDoesNotReachYet_areNotJudged_soTheyDoNotReadAsADrop() {
        try (TestLedger l = new TestLedger(dir)) {
            // billed through the end of 2026-10-30; it is now 2026-11-02 06:00, so the 31st and the 1st have ended unbilled
            l.importer.importFiles(List.of(new DailyBill().daily(LocalDate.of(2026, 9, 1), LocalDate.of(2026, 10, 31), "search", "250.00")
                    .write(dir.resolve("bill.csv"))));
            MutableClock clock = new MutableClock(Instant.parse("2026-11-02T06:00:00Z"));
            CostAnomalies d = new CostAnomalies(l.costs, new DuckAnomalyStore(l.db), new Alerts(new DuckAlertStore(l.db), clock, Map.of(), Duration.ZERO,
                    "http://burnrate.example"), BOTH_WAYS, clock);
            assertThat(l.costs.billedThrough()).contains(Instant.parse("2026-10-31T00:00:00Z"));
            assertThat(d.detect(LocalDate.of(2026, 10, 28), LocalDate.of(2026, 11, 2))).isEmpty();
            assertThat(d.detectHourly(LocalDateTime.of(2026, 10, 30, 0, 0), LocalDateTime.of(2026, 11, 2, 6, 0))).isEmpty();

            // the same ledger with the 31st billed at nothing would be a drop: only a bill says a day cost nothing
            l.importer.importFiles(List.of(new DailyBill().daily(LocalDate.of(2026, 9, 1), LocalDate.of(2026, 10, 31), "search", "250.00")
                    .add(LocalDate.of(2026, 10, 31), "search", "0.00").add(LocalDate.of(2026, 11, 1), "search", "0.00").write(dir.resolve("bill2.csv"))));
            assertThat(d.detect(LocalDate.of(2026, 10, 28), LocalDate.of(2026, 11, 2))).extracting(CostAnomaly::day).contains(LocalDate.of(2026, 10, 31));
            // by default only rises are anomalies (a drop costs nothing): the same day is not one
            CostAnomalies risesOnly = new CostAnomalies(l.costs, new DuckAnomalyStore(l.db), null, CostAnomalies.Settings.defaults(), clock);
            assertThat(risesOnly.detect(LocalDate.of(2026, 10, 28), LocalDate.of(2026, 11, 2))).isEmpty();
        }
    }
}

package dev.burnrate.intake;

import dev.burnrate.alert.Alert;
import dev.burnrate.app.Wiring;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What follows an import: anomalies of the days that just ended alert; a backfill of older months pages nobody. */
class BillImportsTest {
    @TempDir
    Path dir;

    /** 100 a day for team fraud from 1 July to the day before {@code end}, and 5,000 on {@code spike}. */
    Path bill(LocalDate spike, LocalDate end) {
        DailyBill b = new DailyBill();
        for (LocalDate d = LocalDate.of(2026, 7, 1); d.isBefore(end); d = d.plusDays(1)) b.add(d, "fraud", d.equals(spike) ? "5000.00" : "100.00");
        return b.write(dir.resolve("bill-" + spike + ".csv"));
    }

    long anomalyAlerts(Wiring w) {
        return w.alerts().list(Alert.State.OPEN, 100).stream().filter(a -> a.source().equals("anomaly")).count();
    }

    @Test
    void spikeOnADayThatJustEnded_alerts() {
        LocalDate spike = LocalDate.of(2026, 9, 14);
        try (Wiring w = Wiring.open(dir.resolve("a.duckdb"), null, new MutableClock(Instant.parse("2026-09-15T06:00:00Z")))) {
            BillImports.Outcome o = w.imports().importFiles(List.of(bill(spike, spike.plusDays(1))));
            assertThat(o.anomalies()).isPositive();
            assertThat(anomalyAlerts(w)).isPositive();
        }
    }

    @Test
    void backfillOfOlderMonths_pagesNobodyAboutThePast() {
        LocalDate spike = LocalDate.of(2026, 9, 14);
        try (Wiring w = Wiring.open(dir.resolve("b.duckdb"), null, new MutableClock(Instant.parse("2026-12-03T06:00:00Z")))) {
            w.imports().importFiles(List.of(bill(spike, LocalDate.of(2026, 10, 1))));
            assertThat(anomalyAlerts(w)).isZero();
        }
    }
}

package dev.burnrate.app;

import dev.burnrate.alert.Alert;
import dev.burnrate.testing.DailyBill;
import dev.burnrate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The serving loop on a virtual clock: a bill dropped in a source folder is imported and the budget it crosses alerts. */
class ServerLoopTest {
    @TempDir
    Path dir;

    @Test
    void billDroppedInTheSourceFolder_isImported_andTheBudgetItCrossesAlerts_withOneLogLinePerImport() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), """
                sources:
                  - {name: drop, path: exports, every: 1m}
                budgets:
                  - {id: fraud, scope: {team: fraud}, period: monthly, amount: 1000, currency: USD,
                     thresholds: [{percent: 80, on: actual, action: ticket}]}
                """);
        Files.createDirectories(dir.resolve("exports"));
        MutableClock clock = new MutableClock(Instant.parse("2026-09-16T06:00:00Z"));
        List<String> log = new ArrayList<>();
        try (Wiring w = Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), clock)) {
            ServerLoop loop = w.loop(log::add);
            loop.tick();
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).isEmpty();
            new DailyBill().daily(LocalDate.of(2026, 9, 1), LocalDate.of(2026, 9, 16), "fraud", "60.00").write(dir.resolve("exports/sept.csv"));
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMinutes(1));
                loop.tick();
            }
            assertThat(log).filteredOn(l -> l.startsWith("import: ")).singleElement().asString()
                    .contains("exports/sept.csv imported (15 rows)", "0 earlier rows replaced");
            assertThat(w.alerts().list(Alert.State.OPEN, 10)).extracting(Alert::title).anyMatch(t -> t.contains("fraud") && t.contains("80%"));
        }
    }

    @Test
    void sourceWhoseFolderCannotBeRead_makesTheServerNotReady_untilItCanBe() throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), "sources:\n  - {name: drop, path: missing, every: 1m}\n");
        MutableClock clock = new MutableClock(Instant.parse("2026-09-16T06:00:00Z"));
        try (Wiring w = Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), clock)) {
            String base = "http://127.0.0.1:" + w.serve("127.0.0.1", 0);
            try {
                var http = java.net.http.HttpClient.newHttpClient();
                java.util.function.Supplier<java.net.http.HttpResponse<String>> readyz = () -> {
                    try {
                        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/readyz")).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                assertThat(readyz.get().statusCode()).isEqualTo(200);
                w.loop(line -> { }).tick();
                var notReady = readyz.get();
                assertThat(notReady.statusCode()).isEqualTo(503);
                assertThat(notReady.body()).contains("source drop", "cannot read folder");
                Files.createDirectories(dir.resolve("missing"));
                clock.advance(Duration.ofMinutes(1));
                w.sources().pollDue();
                assertThat(readyz.get().statusCode()).isEqualTo(200);
            } finally {
                w.api().stop();
            }
        }
    }
}

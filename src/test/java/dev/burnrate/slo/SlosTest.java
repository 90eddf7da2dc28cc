package dev.burnrate.slo;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.store.DuckAlertStore;
import dev.burnrate.store.DuckInferenceUsages;
import dev.burnrate.store.DuckSloStore;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Burn-rate alerts through the outbox: one alert per SLO, rule and episode, with the numbers in it. */
class SlosTest {
    @TempDir
    Path dir;

    static final Instant START = Instant.parse("2026-10-16T00:00:00Z");

    /** 5-minute P95 of the assistant: 900 ms in [11:40, 13:00) and [14:00, 14:30), 200 ms otherwise. */
    static List<InferenceUsage> usage() {
        List<InferenceUsage> out = new ArrayList<>();
        for (Instant t = START; t.isBefore(Instant.parse("2026-10-20T15:00:00Z")); t = t.plusSeconds(300)) {
            String hm = t.toString().substring(11, 16);
            boolean bad = t.toString().startsWith("2026-10-20") && (hm.compareTo("11:40") >= 0 && hm.compareTo("13:00") < 0
                    || hm.compareTo("14:00") >= 0 && hm.compareTo("14:30") < 0);
            out.add(new InferenceUsage(t, t.plusSeconds(300), "assistant-llm", "v2", "chat", "acme", "ep-assistant", 100, 50_000, 10_000,
                    150.0, bad ? 900.0 : 200.0, null, 0));
        }
        return out;
    }

    @Test
    void evaluate_regressionThatClearsAndReturns_oneAlertPerRuleAndEpisodeResolvedWhenItStops() throws Exception {
        try (TestLedger l = new TestLedger(dir)) {
            DuckInferenceUsages usages = new DuckInferenceUsages(l.db);
            usages.upsert(usage());
            MutableClock clock = new MutableClock(Instant.parse("2026-10-20T11:45:00Z"));
            DuckAlertStore store = new DuckAlertStore(l.db);
            Slos slos = new Slos(List.of(), new DuckSloStore(l.db, clock), new SloEvaluator(usages, clock),
                    new Alerts(store, clock, Map.of(), Duration.ZERO, null), clock);
            slos.put("{id: assistant-p95, scope: {model: assistant-llm}, sli: latency_p95, objective: {threshold: 300, unit: ms}, target: 99, "
                    + "window: 28d, team: llm-platform}", "test");

            assertThat(slos.evaluate()).singleElement().extracting(SloStatus::state).isEqualTo("ok");
            assertThat(store.list(null, 100)).isEmpty();

            clock.set(Instant.parse("2026-10-20T12:00:00Z"));
            slos.evaluate();
            clock.set(Instant.parse("2026-10-20T12:05:00Z"));
            slos.evaluate(); // 5 bad of 72 in 6h: 6.94x, and 30m at 83.33x: the slow page rule fires too, on the same page
            assertThat(store.list(null, 100)).singleElement().satisfies(a -> {
                assertThat(a.severity()).isEqualTo(Alert.Severity.PAGE);
                assertThat(a.dedupKey()).isEqualTo("slo:assistant-p95:page:2026-10-20T12:00:00Z");
                assertThat(a.occurrences()).isEqualTo(2);
                assertThat(a.title()).isEqualTo("SLO assistant-p95: error budget burning 33.33x over 1h (latency_p95 <= 300 ms)");
                assertThat(a.details()).containsEntry("burn rate 1h", "33.33x (threshold 14.40x)")
                        .containsEntry("burn rate 5m", "100.00x (threshold 14.40x)")
                        .containsEntry("budget spent in 1h", "4.96% of the 28d error budget") // 33.33 × 1 h / 672 h
                        .containsEntry("sli last hour", "433.3 ms")
                        .containsEntry("team", "llm-platform")
                        .containsEntry("rules firing", "page-1h-5m") // the details of its first raise
                        .containsEntry("budget exhausted in", "13h 56min at this burn rate"); // 69.14% × 672 h / 33.33 = 13.94 h, not "13h"
            });

            clock.set(Instant.parse("2026-10-20T12:55:00Z"));
            slos.evaluate(); // 3d burns 1.74 > 1, but a page is open: no ticket beside it
            assertThat(store.list(null, 100)).singleElement().extracting(Alert::dedupKey).isEqualTo("slo:assistant-p95:page:2026-10-20T12:00:00Z");
            clock.set(Instant.parse("2026-10-20T13:30:00Z"));
            slos.evaluate(); // the short windows are clean: the page resolves, the slow burn goes on as a ticket
            List<Alert> alerts = new ArrayList<>(store.list(null, 100));
            alerts.sort(Comparator.comparing(Alert::dedupKey));
            assertThat(alerts).extracting(Alert::dedupKey, Alert::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("slo:assistant-p95:page:2026-10-20T12:00:00Z", Alert.State.RESOLVED),
                    org.assertj.core.groups.Tuple.tuple("slo:assistant-p95:ticket:2026-10-20T13:30:00Z", Alert.State.OPEN));

            clock.set(Instant.parse("2026-10-20T14:10:00Z"));
            // it returns: 2 bad of 12 in the hour (16.67x) and of 6 in 30 minutes (33.33x, 6h at 25x): a new episode, a new page; the open ticket stays as it is
            slos.evaluate();
            assertThat(store.list(Alert.State.OPEN, 100)).extracting(Alert::dedupKey).containsExactlyInAnyOrder(
                    "slo:assistant-p95:page:2026-10-20T14:10:00Z", "slo:assistant-p95:ticket:2026-10-20T13:30:00Z");
            assertThat(store.list(null, 100)).hasSize(3);
        }
    }

    @Test
    void put_badSpecOrDeclaredId_refusedAndNothingStored() throws Exception {
        try (TestLedger l = new TestLedger(dir)) {
            MutableClock clock = new MutableClock(START);
            DuckSloStore store = new DuckSloStore(l.db, clock);
            Slo declared = SloSpecs.parse("{id: a, scope: {model: m}, sli: error_rate, objective: {threshold: 1, unit: '%'}, window: 7d}", "test");
            Slos slos = new Slos(List.of(declared), store, new SloEvaluator(new DuckInferenceUsages(l.db), clock),
                    new Alerts(new DuckAlertStore(l.db), clock, Map.of(), Duration.ZERO, null), clock);
            assertThatThrownBy(() -> slos.put("{id: a, scope: {model: m}, sli: error_rate, objective: {threshold: 2}, window: 7d}", "request body"))
                    .hasMessageContaining("declared in burnrate.yaml");
            assertThatThrownBy(() -> slos.put("{id: b, scope: {model: m}, sli: latency_p95, objective: {threshold: 2}, window: 7d}", "request body"))
                    .hasMessage("request body:1: slo[b].target: required: the % of intervals that must meet the objective, e.g. 99");
            assertThat(store.all()).isEmpty();
            assertThat(slos.all()).extracting(Slo::id).containsExactly("a");
            assertThat(slos.statuses()).singleElement().extracting(SloStatus::state).isEqualTo("no data");
        }
    }
}

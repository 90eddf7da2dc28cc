package dev.burnrate.alert;

import dev.burnrate.store.DuckAlertStore;
import dev.burnrate.testing.MutableClock;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * People's moves on an alert when someone else moves it between the read and the write (another replica, a verdict):
 * the real store, with the other move made just before this one's first update.
 */
class AlertChangesTest {
    @TempDir
    Path dir;
    TestLedger ledger;
    DuckAlertStore real;
    final MutableClock clock = new MutableClock(Instant.parse("2026-09-16T12:00:00Z"));
    final List<String> recorded = new ArrayList<>();
    Runnable meanwhile;

    /** The real store; the first update of a move is preceded by {@link #meanwhile}, once. */
    AlertStore racing() {
        return (AlertStore) Proxy.newProxyInstance(AlertStore.class.getClassLoader(), new Class<?>[] {AlertStore.class}, (p, m, args) -> {
            if ((m.getName().equals("setState") || m.getName().equals("resolveByHand")) && meanwhile != null) {
                Runnable r = meanwhile;
                meanwhile = null;
                r.run();
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @BeforeEach
    void open() {
        ledger = new TestLedger(dir);
        real = new DuckAlertStore(ledger.db);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    Alert raised(String key) {
        new Alerts(real, clock, Map.of(), Duration.ZERO, null).raise("anomaly", Alert.Severity.PAGE, key, "Spend anomaly", "summary", Map.of(),
                "/anomalies", null, List.of());
        return real.list(Alert.State.OPEN, 10).stream().filter(a -> a.dedupKey().equals(key)).findFirst().orElseThrow();
    }

    AlertChanges changes() {
        return new AlertChanges(racing(), clock, (actor, action, subject) -> recorded.add(actor + " " + action));
    }

    @Test
    void sameMoveMadeMeanwhile_isAnsweredAsAlreadyDone_notRefused() {
        Alert a = raised("anomaly:x");
        meanwhile = () -> real.setState(a.id(), Alert.State.ACKNOWLEDGED, clock.instant(), "alice");
        assertThat(changes().move(a, Alert.State.ACKNOWLEDGED, "bob")).isEqualTo(AlertChanges.Outcome.ALREADY);
        assertThat(recorded).isEmpty();
    }

    @Test
    void verdictResolvingMeanwhile_theResolveByHandTakesItOver_andTakingTheVerdictBackLeavesItResolved() {
        Alert a = raised("anomaly:y");
        meanwhile = () -> real.resolve("anomaly:y", clock.instant(), AlertStore.BY_VERDICT + "alice");
        assertThat(changes().move(a, Alert.State.RESOLVED, "bob")).isEqualTo(AlertChanges.Outcome.CHANGED);
        assertThat(recorded).containsExactly("bob alert.resolved");
        assertThat(real.reopen("anomaly:y", clock.instant(), "alice")).isFalse();
        assertThat(real.find(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
    }

    @Test
    void verdictTakenBackMeanwhile_aResolveOfWhatWasReadAsResolved_resolvesTheReopenedAlert() {
        Alert a = raised("anomaly:z");
        real.resolve("anomaly:z", clock.instant(), AlertStore.BY_VERDICT + "alice");
        Alert read = real.find(a.id()).orElseThrow();
        meanwhile = () -> real.reopen("anomaly:z", clock.instant(), "alice");
        assertThat(changes().move(read, Alert.State.RESOLVED, "bob")).isEqualTo(AlertChanges.Outcome.CHANGED);
        assertThat(real.find(a.id())).get().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
        assertThat(real.reopen("anomaly:z", clock.instant(), "alice")).isFalse();
    }
}

package dev.burnrate.alert;

import java.time.Clock;
import java.util.Locale;

/**
 * People moving an alert (acknowledge, resolve), by the CLI or the API alike: the move the alert's state allows
 * ({@link Alert.State#mayBecome}), recorded with who made it (the audit log: who acknowledged a page, and when, is
 * what a review of an incident asks first).
 */
public final class AlertChanges {
    /** What a move did. */
    public enum Outcome {
        /** the alert is in the state asked for now */
        CHANGED,
        /** it was in it already: nothing changed, nothing recorded */
        ALREADY,
        /** its state does not allow the move (it is resolved); see {@link Alert#refusal} */
        REFUSED
    }

    /**
     * Checks a name of who acts ({@link dev.burnrate.audit.AuditLog#actor}), which must not be a verdict's mark either
     * ({@link AlertStore#BY_VERDICT}: a hand resolution under it would be undone when the verdict is taken back).
     */
    public static String actor(String by) {
        dev.burnrate.audit.AuditLog.actor(by);
        if (by.startsWith(AlertStore.BY_VERDICT)) {
            throw new dev.burnrate.ledger.InvalidParameterException("by", by, "must not start with '" + AlertStore.BY_VERDICT + "', a verdict's mark");
        }
        return by;
    }

    /** Where a move is recorded: who, what ({@code alert.acknowledged}, {@code alert.resolved}), on which alert. */
    @FunctionalInterface
    public interface Recorder {
        void record(String actor, String action, String subject);

        Recorder NONE = (actor, action, subject) -> {
        };
    }

    private final AlertStore store;
    private final Clock clock;
    private final Recorder recorder;

    public AlertChanges(AlertStore store, Clock clock, Recorder recorder) {
        this.store = store;
        this.clock = clock;
        this.recorder = recorder;
    }

    /**
     * Moves {@code a} to {@code to} on behalf of {@code by}. An actor named like a verdict ({@link AlertStore#BY_VERDICT})
     * is refused: that mark is what lets a verdict taken back reopen the alert, and a person resolving it by hand under
     * it would have their resolution undone.
     */
    public Outcome move(Alert a, Alert.State to, String by) {
        actor(by);
        Alert now = a;
        // each update is one conditional statement; where it changes nothing, someone else moved the alert meanwhile
        // (a replica, a verdict), and the move is judged again on the state read back
        for (int tries = 0; tries < 3 && now != null; tries++, now = store.find(a.id()).orElse(null)) {
            if (now.state() == to) {
                // resolved by a verdict, it would open again if the verdict were taken back; resolved by hand now, it
                // stays resolved (a person's "resolve" answered "already resolved" and the alert came back)
                if (to == Alert.State.RESOLVED && store.resolveByHand(a.id(), clock.instant(), by)) return recorded(a, to, by);
                Alert again = store.find(a.id()).orElse(null);
                if (again != null && again.state() == to) return Outcome.ALREADY;
                continue;
            }
            if (!now.state().mayBecome(to)) return Outcome.REFUSED;
            if (store.setState(a.id(), to, clock.instant(), by)) return recorded(a, to, by);
        }
        return Outcome.REFUSED;
    }

    private Outcome recorded(Alert a, Alert.State to, String by) {
        recorder.record(by, "alert." + to.name().toLowerCase(Locale.ROOT), "alert:" + a.id());
        return Outcome.CHANGED;
    }
}

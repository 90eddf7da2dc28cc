package dev.burnrate.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The outbox: alerts and their deliveries, stored before anything is sent. */
public interface AlertStore {
    /**
     * Stores the alert and one pending delivery per channel, unless an alert with the same dedup key exists:
     * then only its occurrence count grows. Returns true when the alert is new.
     */
    boolean raise(Alert alert, List<String> channels, Instant firstAttempt);

    List<Alert> list(Alert.State state, int limit);

    Optional<Alert> find(String id);

    /** Changes the state; returns false when there is no such alert. */
    boolean setState(String id, Alert.State state, Instant at, String by);

    /** Resolves the open or acknowledged alert with this dedup key; returns false when there is none. */
    boolean resolve(String dedupKey, Instant at, String by);

    /** Deliveries due at or before {@code now}, oldest first. */
    List<Delivery> due(Instant now, int limit);

    void delivered(Delivery d, Instant at);

    /** Counts a failed attempt and schedules the next one. */
    void failed(Delivery d, String error, Instant nextAttempt);

    /** Moves a delivery to a later time without counting an attempt (quiet hours). */
    void hold(Delivery d, String reason, Instant until);

    List<Delivery> deliveries(String alertId);

    record Delivery(String alertId, String channel, int attempts, Instant nextAttemptAt, String state, String lastError) {
    }
}

package dev.burnrate.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outbox: alerts and their deliveries, stored before anything is sent.
 * <p>
 * A store that several dispatchers share (replicas on PostgreSQL) hands each due delivery to one of them: {@link #due}
 * claims what it returns for a lease ({@link Delivery#claimedUntil()}), moving its next attempt to the lease's end, so
 * no other dispatcher takes it meanwhile. The claimer marks it {@link #delivered}, {@link #failed} or
 * {@link #hold held}; a claimer that dies first leaves it to whichever dispatcher finds it due when the lease ends. So a delivery is
 * sent once per channel in normal operation and at least once when a replica dies mid-send (receivers deduplicate on
 * the idempotency key). A store with one dispatcher (the embedded DuckDB one) does not claim.
 */
public interface AlertStore {
    /**
     * Stores the alert and one pending delivery per channel, unless an alert with the same dedup key exists:
     * then only its occurrence count grows. Returns true when the alert is new.
     */
    boolean raise(Alert alert, List<String> channels, Instant firstAttempt);

    List<Alert> list(Alert.State state, int limit);

    /** The most alerts a listing shows (the API's, the CLI's), newest first. */
    int LIST_LIMIT = 500;

    /** The newest {@link #LIST_LIMIT} alerts (of a state; null: all), and whether there are more. */
    record Listing(List<Alert> alerts, boolean truncated) {
    }

    /** {@link Listing} of the alerts in {@code state}: one row more is read to know whether there are more. */
    default Listing newest(Alert.State state) {
        List<Alert> rows = list(state, LIST_LIMIT + 1);
        return new Listing(rows.subList(0, Math.min(LIST_LIMIT, rows.size())), rows.size() > LIST_LIMIT);
    }

    Optional<Alert> find(String id);

    /** The alert that holds this dedup key now (a released one keeps it as {@code <key>#<id>}). */
    Optional<Alert> findByKey(String dedupKey);

    /**
     * Changes the state where the alert's present state may become it ({@link Alert.State#mayBecome}), in one
     * statement; returns false when there is no such alert or its state may not change so (it is already there, or
     * resolved).
     */
    boolean setState(String id, Alert.State state, Instant at, String by);

    /** Resolves the open or acknowledged alert with this dedup key; returns false when there is none. */
    boolean resolve(String dedupKey, Instant at, String by);

    /**
     * Opens again the alert with this dedup key where a verdict resolved it (resolved by {@link #BY_VERDICT} and who
     * gave it), as that verdict is taken back: the incident is real after all. One resolved by hand, or by its subject
     * going away, stays resolved. Returns false when there is no such alert. Deliveries closed while it was resolved
     * are not sent again (a verdict given before a channel had it means someone had seen it).
     */
    boolean reopen(String dedupKey, Instant at, String by);

    /**
     * Marks the alert with this id, resolved by a verdict, as resolved by {@code by} instead: a verdict taken back then
     * leaves it resolved. False when it is not resolved by a verdict.
     */
    boolean resolveByHand(String id, Instant at, String by);

    /** How a resolution by a verdict on the alert's subject is marked, before who gave it: what {@link #reopen} undoes. */
    String BY_VERDICT = "verdict:";

    /**
     * Its subject is gone (an anomaly a rescan no longer finds): resolves the alert with this dedup key, if it is not
     * resolved yet, and frees the key, which the alert keeps as {@code <key>#<id>}. A later raise with the key is a new
     * alert, delivered again: the subject came back, as a resolved incident that fires again is a new page. Returns
     * false when there is no alert with the key.
     */
    boolean release(String dedupKey, Instant at, String by);

    /**
     * Deliveries due at or before {@code now}, oldest first. A shared store claims them (see above): their
     * {@link Delivery#claimedUntil()} is set and another call does not return them again before then.
     */
    List<Delivery> due(Instant now, int limit);

    /** How many deliveries are not yet delivered (due now or later), without claiming any. */
    int pending();

    void delivered(Delivery d, Instant at);

    /** Counts a failed attempt and schedules the next one. */
    void failed(Delivery d, String error, Instant nextAttempt);

    /** Moves a delivery to a later time without counting an attempt (quiet hours). */
    void hold(Delivery d, String reason, Instant until);

    List<Delivery> deliveries(String alertId);

    /**
     * One alert's delivery to one channel.
     *
     * @param claimedUntil when the claim that {@link #due} took on it ends; null from a store that does not claim, and
     *                     outside {@code due}
     */
    record Delivery(String alertId, String channel, int attempts, Instant nextAttemptAt, String state, String lastError, Instant claimedUntil) {
        public Delivery(String alertId, String channel, int attempts, Instant nextAttemptAt, String state, String lastError) {
            this(alertId, channel, attempts, nextAttemptAt, state, lastError, null);
        }
    }
}

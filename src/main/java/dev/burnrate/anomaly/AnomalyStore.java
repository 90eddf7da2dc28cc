package dev.burnrate.anomaly;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Detected cost anomalies and the feedback people gave on them. */
public interface AnomalyStore {
    /** Inserts or replaces by id, keeping any feedback already given. */
    void save(CostAnomaly a);

    List<CostAnomaly> list(LocalDate from, LocalDate to, int limit);

    Optional<CostAnomaly> find(String id);

    /** The anomaly with this id and every anomaly whose incident it is. */
    List<CostAnomaly> incident(String id);

    boolean feedback(String id, CostAnomaly.Feedback verdict, String note);

    /** Deletes what detection stored under this id unless people gave feedback on it; true when it was deleted. */
    boolean retract(String id);

    /** Feedback of false_positive or expected on this scope within [from, to): later anomalies there are suppressed. */
    boolean dismissedRecently(String dimension, String value, LocalDate from, LocalDate to);
}

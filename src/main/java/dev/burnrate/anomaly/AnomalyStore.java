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

    /** Records a verdict and its note, given on day {@code on}; false when there is no such anomaly. */
    boolean feedback(String id, CostAnomaly.Feedback verdict, String note, LocalDate on);

    /** Deletes what detection stored under this id unless people gave feedback on it; true when it was deleted. */
    boolean retract(String id);

    /**
     * Whether a verdict of false_positive or expected on this scope silences an anomaly judged with [from, to) (the 7
     * days before it): one on an anomaly before {@code to} whose day, or the day the verdict was given, is in [from, to)
     * (see {@link CostAnomaly#silencedThrough}).
     */
    boolean dismissedRecently(String dimension, String value, LocalDate from, LocalDate to);
}

package dev.burnrate.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something a person should know: raised once per dedup key (repeats only count occurrences), stored before
 * it is delivered, routed by severity.
 */
public record Alert(String id, String source, Severity severity, String dedupKey, String title, String summary,
                    Map<String, String> details, String link, String recommendedAction, List<String> channels,
                    Instant createdAt, State state, int occurrences) {

    /** page: wake someone; ticket: work item; info: a note. */
    public enum Severity { PAGE, TICKET, INFO }

    public enum State { OPEN, ACKNOWLEDGED, RESOLVED }

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(title, "title");
        // in the order they were written (scope, day, actual, expected, impact, causes): Map.copyOf scrambled it in
        // every channel's message and in `alerts` listings
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        channels = List.copyOf(channels);
        Objects.requireNonNull(createdAt, "createdAt");
        state = state == null ? State.OPEN : state;
    }
}

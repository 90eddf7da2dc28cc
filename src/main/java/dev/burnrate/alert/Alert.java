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

    public enum State {
        OPEN, ACKNOWLEDGED, RESOLVED;

        /**
         * Whether people may move an alert from this state to {@code to}: an open alert is acknowledged or resolved, an
         * acknowledged one resolved or opened again. A resolved one stays resolved (acknowledging it had quietly
         * reopened a page that a verdict had answered); only taking back the verdict that resolved it opens it again
         * ({@link AlertStore#reopen}), and a recurrence after its subject went away is a new alert.
         */
        public boolean mayBecome(State to) {
            return this != to && this != RESOLVED;
        }

        /** The state named {@code value} (any case) of the parameter {@code parameter}, or a refusal naming both. */
        public static State parse(String parameter, String value) {
            return dev.burnrate.ledger.InvalidParameterException.oneOf(State.class, parameter, value);
        }

        /** The states an alert may be moved to {@code to} from, as SQL: {@code 'OPEN', 'ACKNOWLEDGED'}. */
        public String fromStatesSql() {
            return String.join(", ", java.util.Arrays.stream(values()).filter(s -> s.mayBecome(this)).map(s -> "'" + s.name() + "'").toList());
        }
    }

    /** Why people may not move this alert to {@code to}, for a refusal; see {@link State#mayBecome}. */
    public String refusal(State to) {
        return "alert " + id + " is " + state.name().toLowerCase(java.util.Locale.ROOT) + ": it cannot be "
                + (to == State.OPEN ? "opened again" : to.name().toLowerCase(java.util.Locale.ROOT))
                + (state == State.RESOLVED ? " (a resolved alert is not opened by hand; one a verdict resolved opens again if the verdict is taken back)" : "");
    }

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

package dev.burnrate.guard;

import java.util.Locale;

/** The guard's answer to a heartbeat, in escalating order. */
public enum Action {
    NONE, NOTIFY, CHECKPOINT, STOP;

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

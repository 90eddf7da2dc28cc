package dev.burnrate.guard;

import java.util.Map;

/** Turns the actuator a gate request names into one; {@link #check} refuses a spec before the request is decided. */
@FunctionalInterface
public interface Actuators {
    /** The actuator of a request of {@code team}. */
    Actuator create(Map<String, String> spec, String team);

    /**
     * Throws {@link IllegalArgumentException} when the spec could never be acted on for a request of {@code team}
     * (unknown type, a host or a namespace not allowed).
     */
    default void check(Map<String, String> spec, String team) {
    }
}

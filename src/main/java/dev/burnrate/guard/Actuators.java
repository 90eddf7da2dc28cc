package dev.burnrate.guard;

import java.util.Map;

/** Turns the actuator a gate request names into one; {@link #check} refuses a spec before the request is decided. */
@FunctionalInterface
public interface Actuators {
    Actuator create(Map<String, String> spec);

    /** Throws {@link IllegalArgumentException} when the spec could never be acted on (unknown type, a host not allowed). */
    default void check(Map<String, String> spec) {
    }
}

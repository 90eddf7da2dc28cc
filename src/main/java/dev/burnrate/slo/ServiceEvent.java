package dev.burnrate.slo;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Something done to a service that can explain a change in its SLOs or its cost: a deploy, a rollback or a config
 * change of a model (and variant), at an instant, by someone.
 */
public record ServiceEvent(String id, Kind kind, String model, String variant, Instant at, String description, String actor) {
    public enum Kind {
        DEPLOY, ROLLBACK, CONFIG_CHANGE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ServiceEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(at, "at");
    }

    /** Does it concern a service in this scope (the scope's model; its variant when both name one)? */
    public boolean concerns(Slo.Scope scope) {
        return model.equals(scope.model()) && (variant == null || scope.variant() == null || variant.equals(scope.variant()));
    }

    @Override
    public String toString() {
        return kind.label() + " " + model + (variant == null ? "" : "/" + variant) + " at " + at + (actor == null ? "" : " by " + actor)
                + (description == null || description.isBlank() ? "" : ": " + description);
    }
}

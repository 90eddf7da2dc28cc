package dev.burnrate.ledger;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Workload identity keys derived from tags through the tag map. */
public final class Dimensions {
    /** The standard dimensions every ledger has, as columns. */
    public static final List<String> STANDARD = List.of(
            "team", "project", "model", "model_version", "environment", "cost_center", "feature", "customer", "owner");

    private Dimensions() {
    }

    public static Optional<String> find(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return STANDARD.contains(lower) ? Optional.of(lower) : Optional.empty();
    }
}

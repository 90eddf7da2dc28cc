package dev.burnrate.allocation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How one dimension is read from tags: the first source key present (case-insensitive) wins, its
 * value is normalised, then mapped through aliases; with no key present the default applies.
 */
public record TagRule(String dimension, List<String> keys, Normalize normalize, Map<String, String> aliases, String defaultValue) {

    public enum Normalize {
        /** trim and lower-case (default): "ML-Platform " and "ml-platform" are one team */
        LOWER,
        /** trim only */
        TRIM,
        /** lower-case, and every run of characters other than a-z, 0-9 becomes one '-' */
        SLUG;

        String apply(String v) {
            String t = v.strip();
            return switch (this) {
                case TRIM -> t;
                case LOWER -> t.toLowerCase(Locale.ROOT);
                case SLUG -> t.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
            };
        }
    }

    public TagRule {
        Objects.requireNonNull(dimension, "dimension");
        if (keys == null || keys.isEmpty()) throw new IllegalArgumentException("dimension " + dimension + " needs at least one source key");
        keys = keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        normalize = normalize == null ? Normalize.LOWER : normalize;
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /** Applies the rule to tags whose keys are already lower-cased. */
    String resolve(Map<String, String> lowerCasedTags) {
        for (String k : keys) {
            String v = lowerCasedTags.get(k);
            if (v != null) {
                String n = normalize.apply(v);
                if (n.isEmpty()) continue;
                return aliases.getOrDefault(n, n);
            }
        }
        return defaultValue;
    }
}

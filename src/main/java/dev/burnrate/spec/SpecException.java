package dev.burnrate.spec;

/** A field of a YAML / JSON document (budget, policy, fixture) is wrong: where and why, as {@code file:line: key: reason}. */
public final class SpecException extends IllegalArgumentException {
    public SpecException(String source, int line, String key, String reason) {
        super(source + ":" + line + ": " + key + ": " + reason);
    }
}

package dev.burnrate.app;

/** burnrate.yaml is invalid: names the file, line and key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String file, int line, String key, String reason) {
        super(file + ":" + line + ": " + key + ": " + reason);
    }

    /** A message that already names file, line and key. */
    public ConfigException(String message) {
        super(message);
    }
}

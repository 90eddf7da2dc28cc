package dev.burnrate.ledger;

/** A user-supplied parameter is wrong; names the parameter, the value and what is accepted. */
public final class InvalidParameterException extends IllegalArgumentException {
    private final String parameter;
    private final String value;
    private final String reason;

    public InvalidParameterException(String parameter, String value, String reason) {
        super(parameter + "=" + value + ": " + reason);
        this.parameter = parameter;
        this.value = value;
        this.reason = reason;
    }

    /** The same refusal, naming the parameter as the caller knows it (the CLI's {@code --by} for the API's {@code by}). */
    public InvalidParameterException as(String name) {
        return new InvalidParameterException(name, value, reason);
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }
}

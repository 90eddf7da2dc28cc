package dev.burnrate.ledger;

/** A user-supplied parameter is wrong; names the parameter, the value and what is accepted. */
public final class InvalidParameterException extends IllegalArgumentException {
    private final String parameter;
    private final String value;

    public InvalidParameterException(String parameter, String value, String reason) {
        super(parameter + "=" + value + ": " + reason);
        this.parameter = parameter;
        this.value = value;
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }
}

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

    /**
     * The constant of {@code type} named {@code value} in any case, or a refusal naming the parameter, the value and
     * the constants accepted ("expected open, acknowledged or resolved").
     */
    public static <E extends Enum<E>> E oneOf(Class<E> type, String parameter, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            java.util.List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).toList();
            throw new InvalidParameterException(parameter, value, "expected " + String.join(", ", names.subList(0, names.size() - 1))
                    + " or " + names.get(names.size() - 1));
        }
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }
}

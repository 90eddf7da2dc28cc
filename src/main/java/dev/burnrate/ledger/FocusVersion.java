package dev.burnrate.ledger;

/** FOCUS specification versions Burnrate reads. */
public enum FocusVersion {
    V1_0("1.0"), V1_1("1.1"), V1_2("1.2"), V1_3("1.3");

    private final String label;

    FocusVersion(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static FocusVersion parse(String text) {
        for (FocusVersion v : values()) {
            if (v.label.equals(text)) return v;
        }
        throw new IllegalArgumentException("unknown FOCUS version '" + text + "'; expected 1.0, 1.1, 1.2 or 1.3");
    }
}

package dev.burnrate.ledger;

import java.util.Optional;

/** Something a report can group or filter by: a workload dimension or a string FOCUS column. */
public record Field(Kind kind, String name) {
    public enum Kind { DIMENSION, FOCUS_COLUMN }

    /** Resolves a user-given name, case-insensitively; dimensions win over columns of the same name. */
    public static Optional<Field> parse(String text) {
        String t = text.strip();
        Optional<String> d = Dimensions.find(t);
        if (d.isPresent()) return Optional.of(new Field(Kind.DIMENSION, d.get()));
        return FocusColumn.find(t).filter(c -> c.type() == FocusColumn.Type.STRING)
                .map(c -> new Field(Kind.FOCUS_COLUMN, c.name()));
    }

    /** For error messages: what is accepted. */
    public static String accepted() {
        return "a dimension (" + String.join(", ", Dimensions.STANDARD) + ") or a FOCUS column such as ServiceName, "
                + "ServiceCategory, ProviderName, RegionId, SubAccountId, ResourceId, ChargeCategory";
    }
}

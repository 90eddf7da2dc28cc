package dev.burnrate.ledger;

import java.util.Optional;

/**
 * Something a report can group or filter by: a workload dimension, a string FOCUS column, or {@code job} (the run a
 * charge belongs to: the {@code x_JobId} column or a {@code job_id} / {@code job} tag).
 */
public record Field(Kind kind, String name) {
    public enum Kind { DIMENSION, FOCUS_COLUMN, JOB }

    public static final Field JOB = new Field(Kind.JOB, "job");

    /** Resolves a user-given name, case-insensitively; dimensions win over columns of the same name. */
    public static Optional<Field> parse(String text) {
        String t = text.strip();
        Optional<String> d = Dimensions.find(t);
        if (d.isPresent()) return Optional.of(new Field(Kind.DIMENSION, d.get()));
        if (t.equalsIgnoreCase(JOB.name())) return Optional.of(JOB);
        return FocusColumn.find(t).filter(c -> c.type() == FocusColumn.Type.STRING)
                .map(c -> new Field(Kind.FOCUS_COLUMN, c.name()));
    }

    /** For error messages: what is accepted. */
    public static String accepted() {
        return "a dimension (" + String.join(", ", Dimensions.STANDARD) + ") or a FOCUS column such as ServiceName, "
                + "ServiceCategory, ProviderName, RegionId, SubAccountId, ResourceId, ChargeCategory, or job";
    }
}

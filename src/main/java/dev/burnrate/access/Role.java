package dev.burnrate.access;

import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum Role {
    /** Read reports, budgets, requests, the audit log. */
    VIEWER,
    /** Also submit gate requests, heartbeats, job and telemetry data for its teams. */
    SUBMITTER,
    /** Also approve or reject pending requests of its teams (never its own). */
    APPROVER,
    /** Everything: budgets, tokens, every team. */
    ADMIN;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

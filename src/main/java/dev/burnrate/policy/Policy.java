package dev.burnrate.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * One rule of policy-as-code: when {@code condition} (CEL, over the variables of {@code appliesTo}) is true, the
 * {@code effect} applies. In {@code dry_run} mode the hit is reported and audited but changes nothing.
 *
 * @param source where it was declared, {@code file:line}
 */
public record Policy(String name, AppliesTo appliesTo, String condition, Effect effect, Mode mode, String message, String source) {

    /** What a policy looks at, and the CEL variables it sees. */
    public enum AppliesTo {
        /** {@code request} (the gate request) and {@code estimate} (p50, p90, currency, hours). */
        GATE_REQUEST("request", "estimate"),
        /** {@code record}: a cost record's columns, plus {@code tags} and {@code dimensions} maps. */
        COST_RECORD("record"),
        /** {@code job}: a running or finished job run, with {@code spend} and {@code elapsed_hours}. */
        JOB("job"),
        /** {@code resource}: one resource of a Terraform plan (type, instance_type, gpu_count, tags, monthly_cost). */
        TERRAFORM_RESOURCE("resource");

        private final String[] variables;

        AppliesTo(String... variables) {
            this.variables = variables;
        }

        public String[] variables() {
            return variables.clone();
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Effect {
        DENY, REQUIRE_APPROVAL, DOWNGRADE, WARN, NOTIFY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Mode {
        ENFORCE, DRY_RUN;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Policy {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
            throw new IllegalArgumentException("policy name '" + name + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        Objects.requireNonNull(appliesTo, "applies_to");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(effect, "effect");
        mode = mode == null ? Mode.ENFORCE : mode;
        message = message == null ? name : message;
    }
}

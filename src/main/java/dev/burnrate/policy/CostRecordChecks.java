package dev.burnrate.policy;

import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code cost_record} policies over the rows of one import: a detective control (the bill is a fact, so nothing is
 * refused), reported per policy with how many rows matched, their effective cost per currency, and a few examples.
 * Each policy is evaluated once per distinct combination of the fields the policies read (rows that agree on every
 * field a condition reads get the same answer), so millions of rows cost as many evaluations as they have distinct
 * combinations.
 */
public final class CostRecordChecks {
    private static final int EXAMPLES = 3;

    /** What one policy found in one import; {@code error} is set when its condition failed on some rows. */
    public record Finding(Policy policy, boolean enforced, long rows, Map<String, BigDecimal> effectiveByCurrency,
                          List<Map<String, Object>> examples, String error) {
        public Finding {
            effectiveByCurrency = Map.copyOf(effectiveByCurrency);
            examples = List.copyOf(examples);
        }

        /** The alert this finding raises, or null: enforced deny and require_approval open a ticket, notify informs, warn and dry runs only report. */
        public Alerting alerting(String importId, String file) {
            if (error != null || !enforced) return null;
            String severity = switch (policy.effect()) {
                case DENY, REQUIRE_APPROVAL -> "ticket";
                case NOTIFY -> "info";
                case WARN, DOWNGRADE -> null;
            };
            if (severity == null) return null;
            return new Alerting(severity, "policy:" + policy.name() + ":" + importId, "Policy " + policy.name() + " matched " + rows + " cost records of " + file,
                    describe());
        }

        /** "1,234 rows, 5678.90 USD: message". */
        public String describe() {
            List<String> money = new ArrayList<>();
            new TreeMap<>(effectiveByCurrency).forEach((c, a) -> money.add(Money.display(a, c) + " " + c));
            return String.format("%,d rows, effective %s: %s", rows, money.isEmpty() ? "0" : String.join(" + ", money),
                    error != null ? "could not be evaluated: " + error : policy.message() == null ? policy.name() : policy.message());
        }
    }

    /** An alert to raise: severity (ticket | info), dedup key (per policy and import), title, summary. */
    public record Alerting(String severity, String dedupKey, String title, String summary) {
    }

    private CostRecordChecks() {
    }

    /** Runs every cost_record policy over the rows of {@code importId}, in declaration order; policies that match nothing are left out. */
    public static List<Finding> run(PolicySet policies, CostLedger ledger, String importId) {
        if (!policies.any(Policy.AppliesTo.COST_RECORD)) return List.of();
        Map<String, Acc> acc = new LinkedHashMap<>();
        ledger.recordGroups(importId, policies.fieldsRead(Policy.AppliesTo.COST_RECORD), g -> {
            for (PolicySet.Hit h : policies.evaluate(Policy.AppliesTo.COST_RECORD, Map.of("record", g.record()))) {
                Acc a = acc.computeIfAbsent(h.policy().name(), n -> new Acc(h.policy(), h.error() == null && h.enforced()));
                a.rows += g.rows();
                a.cost.merge(g.effectiveCost().currency(), g.effectiveCost().amount(), BigDecimal::add);
                if (a.examples.size() < EXAMPLES) a.examples.add(g.record());
                if (h.error() != null && a.error == null) a.error = h.error();
            }
        });
        List<Finding> out = new ArrayList<>();
        for (Policy p : policies.policies()) {
            Acc a = acc.get(p.name());
            if (a != null) out.add(new Finding(a.policy, a.enforced, a.rows, a.cost, a.examples, a.error));
        }
        return out;
    }

    private static final class Acc {
        final Policy policy;
        final boolean enforced;
        long rows;
        final Map<String, BigDecimal> cost = new TreeMap<>();
        final List<Map<String, Object>> examples = new ArrayList<>();
        String error;

        Acc(Policy policy, boolean enforced) {
            this.policy = policy;
            this.enforced = enforced;
        }
    }
}

package dev.burnrate.budget;

import dev.burnrate.spec.Nodes;
import dev.burnrate.spec.SpecException;

import static dev.burnrate.spec.Nodes.decimal;
import static dev.burnrate.spec.Nodes.enumValue;
import static dev.burnrate.spec.Nodes.line;
import static dev.burnrate.spec.Nodes.mapping;
import static dev.burnrate.spec.Nodes.scalar;
import static dev.burnrate.spec.Nodes.strings;

import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Money;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a budget from a YAML or JSON node (JSON is YAML), the same way for burnrate.yaml and the REST API,
 * so both accept the same fields and give the same errors (source, line, key, reason).
 * <pre>
 * id: fraud-prod
 * scope: {model: fraud-detector, environment: prod}
 * period: monthly                 # monthly | quarterly | {start: 2026-01-01, end: 2026-04-01}
 * amount: 50000
 * currency: USD
 * thresholds:
 *   - {percent: 80, on: actual, action: ticket}
 *   - {percent: 100, on: forecast, action: page}
 * tier: critical                  # critical | high | normal | low
 * owners: [alice@example.com]
 * channels: [ops-webhook]         # optional; otherwise routed by severity
 * </pre>
 */
public final class BudgetSpecs {
    private static final Set<String> KEYS = Set.of("id", "scope", "period", "amount", "currency", "thresholds", "tier", "owners", "channels");

    private BudgetSpecs() {
    }

    /** Parses a JSON (or YAML) document holding one budget. */
    public static Budget parse(String text, String source) {
        Node n = Nodes.compose(text, source);
        if (n == null) throw new SpecException(source, 1, "(document)", "empty: expected a budget object");
        return parse(n, source, "budget");
    }

    public static Budget parse(Node node, String source, String path) {
        Map<String, Node> f = Nodes.fields(source, node, path, KEYS);
        for (String required : List.of("id", "amount", "currency")) {
            if (!f.containsKey(required)) throw new SpecException(source, line(node), path + "." + required, "required");
        }
        String id = scalar(source, f.get("id"), path + ".id");
        String p = path + "[" + id + "]";
        Map<Field, List<String>> scope = new LinkedHashMap<>();
        if (f.containsKey("scope")) {
            for (NodeTuple t : mapping(source, f.get("scope"), p + ".scope").getValue()) {
                String dim = scalar(source, t.getKeyNode(), p + ".scope");
                Field field = Field.parse(dim).orElseThrow(() -> new SpecException(source, line(t.getKeyNode()), p + ".scope." + dim,
                        "unknown dimension or column; expected " + Field.accepted()));
                scope.put(field, strings(source, t.getValueNode(), p + ".scope." + dim));
            }
        }
        Budget.Period period = new Budget.Period(Budget.Period.Kind.MONTHLY, null, null);
        if (f.containsKey("period")) period = period(source, f.get("period"), p + ".period");
        String currency = scalar(source, f.get("currency"), p + ".currency");
        if (!Money.isKnownCurrency(currency)) throw new SpecException(source, line(f.get("currency")), p + ".currency", "'" + currency + "' is not an ISO 4217 code");
        BigDecimal amount = decimal(source, f.get("amount"), p + ".amount");
        if (amount.signum() <= 0) throw new SpecException(source, line(f.get("amount")), p + ".amount", "must be positive, was " + amount.toPlainString());
        List<Budget.Threshold> thresholds = new ArrayList<>();
        if (f.containsKey("thresholds")) {
            Node tn = f.get("thresholds");
            if (!(tn instanceof SequenceNode seq)) throw new SpecException(source, line(tn), p + ".thresholds", "expected a list");
            int i = 0;
            for (Node item : seq.getValue()) thresholds.add(threshold(source, item, p + ".thresholds[" + i++ + "]"));
        } else {
            thresholds.add(new Budget.Threshold(BigDecimal.valueOf(80), Budget.Basis.ACTUAL, Budget.Action.NOTIFY));
            thresholds.add(new Budget.Threshold(BigDecimal.valueOf(100), Budget.Basis.FORECAST, Budget.Action.TICKET));
            thresholds.add(new Budget.Threshold(BigDecimal.valueOf(100), Budget.Basis.ACTUAL, Budget.Action.PAGE));
        }
        Budget.Tier tier = f.containsKey("tier") ? enumValue(source, f.get("tier"), p + ".tier", Budget.Tier.class) : Budget.Tier.NORMAL;
        List<String> owners = f.containsKey("owners") ? strings(source, f.get("owners"), p + ".owners") : List.of();
        List<String> channels = f.containsKey("channels") ? strings(source, f.get("channels"), p + ".channels") : List.of();
        try {
            return new Budget(id, scope, period, new Money(amount, currency), thresholds, tier, owners, channels);
        } catch (IllegalArgumentException e) {
            throw new SpecException(source, line(node), p, e.getMessage());
        }
    }

    private static Budget.Period period(String source, Node n, String path) {
        if (n instanceof ScalarNode s) {
            return switch (s.getValue().toLowerCase(Locale.ROOT)) {
                case "monthly" -> new Budget.Period(Budget.Period.Kind.MONTHLY, null, null);
                case "quarterly" -> new Budget.Period(Budget.Period.Kind.QUARTERLY, null, null);
                default -> throw new SpecException(source, line(n), path, "'" + s.getValue() + "': expected monthly, quarterly or {start, end}");
            };
        }
        LocalDate start = null;
        LocalDate end = null;
        for (NodeTuple t : mapping(source, n, path).getValue()) {
            String k = scalar(source, t.getKeyNode(), path);
            String v = scalar(source, t.getValueNode(), path + "." + k);
            try {
                switch (k) {
                    case "start" -> start = LocalDate.parse(v);
                    case "end" -> end = LocalDate.parse(v);
                    default -> throw new SpecException(source, line(t.getKeyNode()), path + "." + k, "unknown key; expected start or end");
                }
            } catch (DateTimeParseException e) {
                throw new SpecException(source, line(t.getValueNode()), path + "." + k, "'" + v + "' is not a date (YYYY-MM-DD)");
            }
        }
        if (start == null || end == null || !end.isAfter(start)) {
            throw new SpecException(source, line(n), path, "a custom period needs start and end dates, end after start");
        }
        return new Budget.Period(Budget.Period.Kind.CUSTOM, start, end);
    }

    private static Budget.Threshold threshold(String source, Node n, String path) {
        BigDecimal pct = null;
        Budget.Basis basis = Budget.Basis.ACTUAL;
        Budget.Action action = Budget.Action.NOTIFY;
        for (NodeTuple t : mapping(source, n, path).getValue()) {
            String k = scalar(source, t.getKeyNode(), path);
            switch (k) {
                case "percent" -> {
                    pct = decimal(source, t.getValueNode(), path + ".percent");
                    if (pct.signum() <= 0) throw new SpecException(source, line(t.getValueNode()), path + ".percent", "must be positive");
                }
                case "on" -> basis = enumValue(source, t.getValueNode(), path + ".on", Budget.Basis.class);
                case "action" -> action = enumValue(source, t.getValueNode(), path + ".action", Budget.Action.class);
                default -> throw new SpecException(source, line(t.getKeyNode()), path + "." + k, "unknown key; expected percent, on, action");
            }
        }
        if (pct == null) throw new SpecException(source, line(n), path + ".percent", "required");
        return new Budget.Threshold(pct, basis, action);
    }
}

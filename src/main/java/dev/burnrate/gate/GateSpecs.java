package dev.burnrate.gate;

import dev.burnrate.budget.Budget;
import dev.burnrate.guard.Action;
import dev.burnrate.guard.GuardSettings;
import dev.burnrate.spec.Nodes;
import dev.burnrate.spec.SpecException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code gate:} and {@code guard:} sections of burnrate.yaml.
 * <pre>
 * gate:
 *   autoApproveLimit: 1000          # USD; p90 above it waits for an approver
 *   approvalTtl: 24h
 *   startWithin: 24h
 *   settleLag: 2d
 *   models:
 *     churn-xgb: {driftTolerance: 0.15, accuracyTolerance: 1.0, maxRunCost: 500, tier: critical}
 *   offPeak: {window: "22:00-06:00", zone: Europe/Berlin, kinds: [experiment, hpo]}
 *   retainTickets: 30d              # ended tickets stay in memory this long, then are read from the audit log
 * guard:
 *   spendFactor: 1.2
 *   runtimeFactor: 1.5
 *   idleUtilization: 5
 *   idleAfter: 30m
 *   ladder: [{action: notify, after: 0m}, {action: checkpoint, after: 5m}, {action: stop, after: 15m}]
 * </pre>
 */
public final class GateSpecs {
    private GateSpecs() {
    }

    public static GateSettings gate(String source, Node node) {
        Map<String, Node> f = Nodes.fields(source, node, "gate", Set.of("autoApproveLimit", "approvalTtl", "startWithin", "settleLag", "models", "offPeak", "retainTickets"));
        Map<String, GateSettings.ModelSettings> models = new LinkedHashMap<>();
        if (f.containsKey("models")) {
            for (NodeTuple t : Nodes.mapping(source, f.get("models"), "gate.models").getValue()) {
                String model = Nodes.scalar(source, t.getKeyNode(), "gate.models");
                String p = "gate.models." + model;
                Map<String, Node> m = Nodes.fields(source, t.getValueNode(), p, Set.of("driftTolerance", "accuracyTolerance", "maxRunCost", "tier"));
                models.put(model, new GateSettings.ModelSettings(
                        m.containsKey("driftTolerance") ? Nodes.decimal(source, m.get("driftTolerance"), p + ".driftTolerance") : null,
                        m.containsKey("accuracyTolerance") ? Nodes.decimal(source, m.get("accuracyTolerance"), p + ".accuracyTolerance") : null,
                        m.containsKey("maxRunCost") ? positive(source, m.get("maxRunCost"), p + ".maxRunCost") : null,
                        m.containsKey("tier") ? Nodes.enumValue(source, m.get("tier"), p + ".tier", Budget.Tier.class) : null));
            }
        }
        return new GateSettings(
                f.containsKey("autoApproveLimit") ? positive(source, f.get("autoApproveLimit"), "gate.autoApproveLimit") : null,
                f.containsKey("approvalTtl") ? Nodes.duration(source, f.get("approvalTtl"), "gate.approvalTtl") : null,
                f.containsKey("startWithin") ? Nodes.duration(source, f.get("startWithin"), "gate.startWithin") : null,
                f.containsKey("settleLag") ? Nodes.duration(source, f.get("settleLag"), "gate.settleLag") : null,
                models, f.containsKey("offPeak") ? offPeak(source, f.get("offPeak")) : null,
                f.containsKey("retainTickets") ? Nodes.duration(source, f.get("retainTickets"), "gate.retainTickets") : null);
    }

    private static GateSettings.OffPeak offPeak(String source, Node node) {
        String p = "gate.offPeak";
        Map<String, Node> f = Nodes.fields(source, node, p, Set.of("window", "zone", "kinds"));
        if (!f.containsKey("window")) throw new SpecException(source, Nodes.line(node), p + ".window", "required, e.g. \"22:00-06:00\"");
        String w = Nodes.scalar(source, f.get("window"), p + ".window");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})").matcher(w.strip());
        java.time.LocalTime start;
        java.time.LocalTime end;
        try {
            if (!m.matches()) throw new java.time.format.DateTimeParseException("", w, 0);
            start = java.time.LocalTime.parse(m.group(1));
            end = java.time.LocalTime.parse(m.group(2));
        } catch (java.time.format.DateTimeParseException e) {
            throw new SpecException(source, Nodes.line(f.get("window")), p + ".window", "expected HH:MM-HH:MM, was '" + w + "'");
        }
        java.time.ZoneId zone = java.time.ZoneOffset.UTC;
        if (f.containsKey("zone")) {
            String z = Nodes.scalar(source, f.get("zone"), p + ".zone");
            try {
                zone = java.time.ZoneId.of(z);
            } catch (java.time.DateTimeException e) {
                throw new SpecException(source, Nodes.line(f.get("zone")), p + ".zone", "unknown time zone '" + z + "'");
            }
        }
        Set<GateRequest.Kind> kinds = java.util.EnumSet.of(GateRequest.Kind.EXPERIMENT, GateRequest.Kind.HPO);
        if (f.containsKey("kinds")) {
            kinds = java.util.EnumSet.noneOf(GateRequest.Kind.class);
            for (Node k : Nodes.sequence(source, f.get("kinds"), p + ".kinds").getValue()) kinds.add(Nodes.enumValue(source, k, p + ".kinds", GateRequest.Kind.class));
        }
        try {
            return new GateSettings.OffPeak(start, end, zone, kinds);
        } catch (IllegalArgumentException e) {
            throw new SpecException(source, Nodes.line(f.get("window")), p + ".window", e.getMessage());
        }
    }

    public static GuardSettings guard(String source, Node node) {
        Map<String, Node> f = Nodes.fields(source, node, "guard", Set.of("spendFactor", "runtimeFactor", "idleUtilization", "idleAfter", "ladder"));
        List<GuardSettings.Step> ladder = new ArrayList<>();
        if (f.containsKey("ladder")) {
            int i = 0;
            for (Node item : Nodes.sequence(source, f.get("ladder"), "guard.ladder").getValue()) {
                String p = "guard.ladder[" + i++ + "]";
                Map<String, Node> s = Nodes.fields(source, item, p, Set.of("action", "after"));
                if (!s.containsKey("action")) throw new SpecException(source, Nodes.line(item), p + ".action", "required");
                Action a = Nodes.enumValue(source, s.get("action"), p + ".action", Action.class);
                if (a == Action.NONE) throw new SpecException(source, Nodes.line(item), p + ".action", "expected notify, checkpoint or stop");
                ladder.add(new GuardSettings.Step(a, s.containsKey("after") ? Nodes.duration(source, s.get("after"), p + ".after") : java.time.Duration.ZERO));
            }
        }
        try {
            return new GuardSettings(
                    f.containsKey("spendFactor") ? positive(source, f.get("spendFactor"), "guard.spendFactor") : null,
                    f.containsKey("runtimeFactor") ? positive(source, f.get("runtimeFactor"), "guard.runtimeFactor") : null,
                    f.containsKey("idleUtilization") ? positive(source, f.get("idleUtilization"), "guard.idleUtilization") : null,
                    f.containsKey("idleAfter") ? Nodes.duration(source, f.get("idleAfter"), "guard.idleAfter") : null,
                    ladder);
        } catch (IllegalArgumentException e) {
            throw new SpecException(source, Nodes.line(node), "guard.ladder", e.getMessage());
        }
    }

    private static java.math.BigDecimal positive(String source, Node n, String path) {
        java.math.BigDecimal v = Nodes.decimal(source, n, path);
        if (v.signum() <= 0) throw new SpecException(source, Nodes.line(n), path, "must be positive, was " + v.toPlainString());
        return v;
    }
}

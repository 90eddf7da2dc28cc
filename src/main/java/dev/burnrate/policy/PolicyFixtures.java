package dev.burnrate.policy;

import dev.burnrate.spec.Nodes;
import dev.burnrate.spec.SpecException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Policy tests: inputs with the hits they must produce, as {@code effect:policy} (dry-run hits as
 * {@code dry_run:effect:policy}); an empty list expects no hit.
 * <pre>
 * cases:
 *   - name: experiment on demand is moved to spot
 *     applies_to: gate_request
 *     input: {request: {kind: experiment, pricing: on_demand, instance_type: p4d.24xlarge, tags: {}}, estimate: {p90: 120.0}}
 *     expect: [downgrade:experiments-on-spot]
 * </pre>
 */
public final class PolicyFixtures {
    public record Case(String name, Policy.AppliesTo appliesTo, Map<String, Object> input, Set<String> expect, String source) {
    }

    public record Result(Case testCase, Set<String> actual, boolean passed) {
    }

    private PolicyFixtures() {
    }

    @SuppressWarnings("unchecked")
    public static List<Case> load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(file.toString(), 0, "(file)", "cannot read: " + e.getMessage());
        }
        String src = file.toString();
        Node root = Nodes.compose(text, src);
        if (root == null) throw new SpecException(src, 1, "(document)", "empty: expected cases:");
        Map<String, Node> top = Nodes.fields(src, root, "(root)", Set.of("cases"));
        if (!top.containsKey("cases")) throw new SpecException(src, 1, "cases", "required");
        List<Case> out = new ArrayList<>();
        int i = 0;
        for (Node item : Nodes.sequence(src, top.get("cases"), "cases").getValue()) {
            String p = "cases[" + i++ + "]";
            Map<String, Node> f = Nodes.fields(src, item, p, Set.of("name", "applies_to", "input", "expect"));
            for (String req : List.of("name", "applies_to", "input", "expect")) {
                if (!f.containsKey(req)) throw new SpecException(src, Nodes.line(item), p + "." + req, "required");
            }
            Object input = Nodes.plain(f.get("input"));
            if (!(input instanceof Map)) throw new SpecException(src, Nodes.line(f.get("input")), p + ".input", "expected a mapping of variables");
            Set<String> expect = new TreeSet<>(Nodes.sequence(src, f.get("expect"), p + ".expect").getValue().stream()
                    .map(n -> Nodes.scalar(src, n, p + ".expect")).toList());
            out.add(new Case(Nodes.scalar(src, f.get("name"), p + ".name"),
                    Nodes.enumValue(src, f.get("applies_to"), p + ".applies_to", Policy.AppliesTo.class), (Map<String, Object>) input, expect,
                    src + ":" + Nodes.line(item)));
        }
        return out;
    }

    public static List<Result> run(PolicySet policies, List<Case> cases) {
        List<Result> out = new ArrayList<>();
        for (Case c : cases) {
            Set<String> actual = new TreeSet<>();
            for (PolicySet.Hit h : policies.evaluate(c.appliesTo(), c.input())) {
                if (h.error() != null) actual.add("error:" + h.policy().name());
                else actual.add((h.enforced() ? "" : "dry_run:") + h.effect().label() + ":" + h.policy().name());
            }
            out.add(new Result(c, actual, actual.equals(c.expect())));
        }
        return out;
    }
}

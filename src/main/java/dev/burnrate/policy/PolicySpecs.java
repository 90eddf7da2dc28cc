package dev.burnrate.policy;

import dev.burnrate.spec.Nodes;
import dev.burnrate.spec.SpecException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Policy files: a list of policies, or a mapping with {@code policies:} holding one.
 * <pre>
 * policies:
 *   - name: experiments-on-spot
 *     applies_to: gate_request
 *     condition: request.kind == 'experiment' &amp;&amp; request.pricing != 'spot'
 *     effect: downgrade            # deny | require_approval | downgrade | warn | notify
 *     mode: enforce                # enforce | dry_run
 *     message: Experiments run on spot capacity
 * </pre>
 * Every policy is compiled at load: a condition that does not type-check fails with the file and line.
 */
public final class PolicySpecs {
    private static final Set<String> KEYS = Set.of("name", "applies_to", "condition", "effect", "mode", "message");

    private PolicySpecs() {
    }

    /** Reads one file, or every {@code *.yaml} / {@code *.yml} of a directory in name order. */
    public static List<Policy> load(Path path) {
        List<Policy> out = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                    out.addAll(load(f));
                }
            } catch (IOException e) {
                throw new SpecException(path.toString(), 0, "(directory)", "cannot list: " + e.getMessage());
            }
            return out;
        }
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new SpecException(path.toString(), 0, "(file)", "cannot read: " + e.getMessage());
        }
        Node root = Nodes.compose(text, path.toString());
        if (root == null) return List.of();
        return parseList(root, path.toString(), path.getParent());
    }

    /**
     * A list of policies; an item that is a plain string names a policy file or directory (relative to {@code base}).
     * A mapping with a {@code policies} key is accepted for whole files.
     */
    public static List<Policy> parseList(Node root, String source, Path base) {
        Node list = root;
        if (root instanceof MappingNode m) {
            list = null;
            for (NodeTuple t : m.getValue()) {
                String k = Nodes.scalar(source, t.getKeyNode(), "(root)");
                if (!k.equals("policies")) throw new SpecException(source, Nodes.line(t.getKeyNode()), k, "unknown key; expected policies");
                list = t.getValueNode();
            }
            if (list == null) return List.of();
        }
        SequenceNode seq = Nodes.sequence(source, list, "policies");
        List<Policy> out = new ArrayList<>();
        int i = 0;
        for (Node item : seq.getValue()) {
            String path = "policies[" + i++ + "]";
            if (item instanceof ScalarNode s) {
                Path p = base == null ? Path.of(s.getValue()) : base.resolve(s.getValue());
                if (!Files.exists(p)) throw new SpecException(source, Nodes.line(item), path, "no policy file or directory " + p);
                out.addAll(load(p));
                continue;
            }
            out.add(parse(item, source, path));
        }
        try {
            PolicySet.of(out);
        } catch (IllegalArgumentException e) {
            throw new SpecException(source, 0, "policies", e.getMessage());
        }
        return out;
    }

    static Policy parse(Node node, String source, String path) {
        Map<String, Node> f = Nodes.fields(source, node, path, KEYS);
        for (String required : List.of("name", "applies_to", "condition", "effect")) {
            if (!f.containsKey(required)) throw new SpecException(source, Nodes.line(node), path + "." + required, "required");
        }
        String name = Nodes.scalar(source, f.get("name"), path + ".name");
        String p = path + "[" + name + "]";
        Policy.AppliesTo appliesTo = Nodes.enumValue(source, f.get("applies_to"), p + ".applies_to", Policy.AppliesTo.class);
        String condition = Nodes.scalar(source, f.get("condition"), p + ".condition");
        Policy.Effect effect = Nodes.enumValue(source, f.get("effect"), p + ".effect", Policy.Effect.class);
        Policy.Mode mode = f.containsKey("mode") ? Nodes.enumValue(source, f.get("mode"), p + ".mode", Policy.Mode.class) : Policy.Mode.ENFORCE;
        String message = f.containsKey("message") ? Nodes.scalar(source, f.get("message"), p + ".message") : null;
        String at = source + ":" + Nodes.line(f.get("condition"));
        Policy policy;
        try {
            policy = new Policy(name, appliesTo, condition, effect, mode, message, at);
            PolicySet.of(List.of(policy));
        } catch (IllegalArgumentException e) {
            throw new SpecException(source, Nodes.line(f.get("condition")), p + ".condition", e.getMessage().replace(at + ": ", ""));
        }
        return policy;
    }
}

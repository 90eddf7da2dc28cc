package dev.burnrate.app;

import dev.burnrate.allocation.TagMap;
import dev.burnrate.allocation.TagRule;
import dev.burnrate.ledger.Dimensions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * burnrate.yaml, validated once at start-up and frozen. Unknown keys, bad values and unknown dimensions
 * fail start-up with the file, line and key.
 * <pre>
 * tagMap:
 *   team:
 *     keys: [team, owner_team]      # first present key wins, case-insensitive
 *     normalize: lower              # lower | trim | slug
 *     aliases: {ml-platform: platform}
 *     default: __unallocated__
 * </pre>
 */
public record BurnrateConfig(TagMap tagMap, List<dev.burnrate.budget.Budget> budgets,
                             Map<String, dev.burnrate.alert.Channel> channels, Alerting alerting) {
    private static final Set<String> TOP_LEVEL = Set.of("tagMap", "budgets", "channels", "alerting");

    /** How alerts are routed and held: channels per severity, quiet hours (UTC), minimum duration, dashboard link base. */
    public record Alerting(Map<dev.burnrate.alert.Alert.Severity, List<String>> routes, dev.burnrate.alert.Dispatcher.QuietHours quietHours,
                           java.time.Duration minDuration, String dashboardUrl) {
        static Alerting defaults() {
            return new Alerting(Map.of(), null, java.time.Duration.ZERO, "http://127.0.0.1:8080");
        }
    }
    private static final Set<String> RULE_KEYS = Set.of("keys", "normalize", "aliases", "default");

    public static BurnrateConfig defaults() {
        return new BurnrateConfig(TagMap.defaults(), List.of(), Map.of(), Alerting.defaults());
    }

    public static BurnrateConfig load(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) throw new ConfigException(name, 0, "(file)", "no such file");
        Node root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new Yaml().compose(r);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(name, e.getProblemMark().getLine() + 1, "(syntax)", e.getProblem());
        } catch (IOException e) {
            throw new ConfigException(name, 0, "(file)", "cannot read: " + e.getMessage());
        }
        if (root == null) return defaults();
        MappingNode top = mapping(name, root, "(root)");
        TagMap tagMap = TagMap.defaults();
        List<dev.burnrate.budget.Budget> budgets = new ArrayList<>();
        Map<String, dev.burnrate.alert.Channel> channels = new LinkedHashMap<>();
        Alerting alerting = Alerting.defaults();
        Node budgetNode = null;
        Node alertingNode = null;
        for (NodeTuple t : top.getValue()) {
            String key = scalar(name, t.getKeyNode(), "(root)");
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigException(name, line(t.getKeyNode()), key, "unknown key; expected one of " + TOP_LEVEL);
            }
            switch (key) {
                case "tagMap" -> tagMap = tagMap(name, t.getValueNode());
                case "channels" -> channels = AlertingConfig.channels(name, t.getValueNode());
                case "budgets" -> budgetNode = t.getValueNode();
                case "alerting" -> alertingNode = t.getValueNode();
                default -> throw new IllegalStateException(key);
            }
        }
        if (alertingNode != null) alerting = AlertingConfig.alerting(name, alertingNode, channels.keySet());
        if (budgetNode != null) {
            if (!(budgetNode instanceof SequenceNode seq)) throw new ConfigException(name, line(budgetNode), "budgets", "expected a list of budgets");
            java.util.Set<String> ids = new java.util.HashSet<>();
            int i = 0;
            for (Node item : seq.getValue()) {
                dev.burnrate.budget.Budget b;
                try {
                    b = dev.burnrate.budget.BudgetSpecs.parse(item, name, "budgets[" + i++ + "]");
                } catch (dev.burnrate.budget.BudgetSpecs.SpecException e) {
                    throw new ConfigException(e.getMessage());
                }
                if (!ids.add(b.id())) throw new ConfigException(name, line(item), "budgets[" + b.id() + "]", "id declared twice");
                for (String ch : b.channels()) {
                    if (!channels.containsKey(ch)) {
                        throw new ConfigException(name, line(item), "budgets[" + b.id() + "].channels", "no channel named '" + ch + "' under channels:");
                    }
                }
                budgets.add(b);
            }
        }
        return new BurnrateConfig(tagMap, List.copyOf(budgets), Map.copyOf(channels), alerting);
    }

    private static TagMap tagMap(String file, Node node) {
        Map<String, TagRule> rules = new LinkedHashMap<>(TagMap.defaults().rules());
        for (NodeTuple t : mapping(file, node, "tagMap").getValue()) {
            String dim = scalar(file, t.getKeyNode(), "tagMap");
            String path = "tagMap." + dim;
            if (Dimensions.find(dim).isEmpty()) {
                throw new ConfigException(file, line(t.getKeyNode()), path, "unknown dimension; expected one of " + Dimensions.STANDARD);
            }
            List<String> keys = List.of(dim);
            TagRule.Normalize normalize = TagRule.Normalize.LOWER;
            Map<String, String> aliases = Map.of();
            String def = dev.burnrate.ledger.Buckets.UNALLOCATED;
            for (NodeTuple f : mapping(file, t.getValueNode(), path).getValue()) {
                String k = scalar(file, f.getKeyNode(), path);
                String kp = path + "." + k;
                switch (k) {
                    case "keys" -> {
                        keys = strings(file, f.getValueNode(), kp);
                        if (keys.isEmpty()) throw new ConfigException(file, line(f.getValueNode()), kp, "needs at least one tag key");
                    }
                    case "normalize" -> {
                        String v = scalar(file, f.getValueNode(), kp);
                        try {
                            normalize = TagRule.Normalize.valueOf(v.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException(file, line(f.getValueNode()), kp, "'" + v + "' is not one of lower, trim, slug");
                        }
                    }
                    case "aliases" -> {
                        Map<String, String> a = new LinkedHashMap<>();
                        for (NodeTuple at : mapping(file, f.getValueNode(), kp).getValue()) {
                            a.put(scalar(file, at.getKeyNode(), kp), scalar(file, at.getValueNode(), kp));
                        }
                        aliases = a;
                    }
                    case "default" -> def = scalar(file, f.getValueNode(), kp);
                    default -> throw new ConfigException(file, line(f.getKeyNode()), kp, "unknown key; expected one of " + RULE_KEYS);
                }
            }
            rules.put(dim, new TagRule(dim, keys, normalize, aliases, def));
        }
        return new TagMap(rules);
    }

    private static MappingNode mapping(String file, Node n, String path) {
        if (n instanceof MappingNode m) return m;
        throw new ConfigException(file, line(n), path, "expected a mapping (key: value)");
    }

    private static String scalar(String file, Node n, String path) {
        if (n instanceof ScalarNode s) return s.getValue();
        throw new ConfigException(file, line(n), path, "expected a single value");
    }

    private static List<String> strings(String file, Node n, String path) {
        if (n instanceof ScalarNode s) return List.of(s.getValue());
        if (!(n instanceof SequenceNode seq)) throw new ConfigException(file, line(n), path, "expected a list of values");
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) out.add(scalar(file, item, path));
        return out;
    }

    private static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}

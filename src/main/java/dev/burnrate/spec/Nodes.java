package dev.burnrate.spec;

import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reading YAML node trees (which keep line numbers) with errors that name the file, line and key. */
public final class Nodes {
    private Nodes() {
    }

    /** Composes a YAML (or JSON) document; null when it is empty. */
    public static Node compose(String text, String source) {
        try {
            return new Yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw new SpecException(source, e.getProblemMark().getLine() + 1, "(syntax)", e.getProblem());
        }
    }

    /** The fields of a mapping, in order; unknown keys fail. */
    public static Map<String, Node> fields(String source, Node node, String path, Set<String> allowed) {
        Map<String, Node> f = new LinkedHashMap<>();
        for (NodeTuple t : mapping(source, node, path).getValue()) {
            String k = scalar(source, t.getKeyNode(), path);
            if (!allowed.contains(k)) throw new SpecException(source, line(t.getKeyNode()), path + "." + k, "unknown key; expected one of " + allowed);
            f.put(k, t.getValueNode());
        }
        return f;
    }

    public static <E extends Enum<E>> E enumValue(String source, Node n, String path, Class<E> type) {
        String v = scalar(source, n, path);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) names.add(c.name().toLowerCase(Locale.ROOT));
            throw new SpecException(source, line(n), path, "'" + v + "' is not one of " + String.join(", ", names));
        }
    }

    public static BigDecimal decimal(String source, Node n, String path) {
        String v = scalar(source, n, path);
        try {
            return new BigDecimal(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new SpecException(source, line(n), path, "'" + v + "' is not a number");
        }
    }

    public static MappingNode mapping(String source, Node n, String path) {
        if (n instanceof MappingNode m) return m;
        throw new SpecException(source, line(n), path, "expected a mapping (key: value)");
    }

    public static SequenceNode sequence(String source, Node n, String path) {
        if (n instanceof SequenceNode s) return s;
        throw new SpecException(source, line(n), path, "expected a list");
    }

    public static String scalar(String source, Node n, String path) {
        if (n instanceof ScalarNode s) return s.getValue();
        throw new SpecException(source, line(n), path, "expected a single value");
    }

    public static List<String> strings(String source, Node n, String path) {
        if (n instanceof ScalarNode s) return List.of(s.getValue());
        if (!(n instanceof SequenceNode seq)) throw new SpecException(source, line(n), path, "expected a value or a list of values");
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) out.add(scalar(source, item, path));
        return out;
    }

    /** A plain value tree (maps, lists, strings, longs, doubles, booleans, null) of a node, for fixtures and inputs. */
    public static Object plain(Node n) {
        if (n instanceof MappingNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) out.put(((ScalarNode) t.getKeyNode()).getValue(), plain(t.getValueNode()));
            return out;
        }
        if (n instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (Node item : s.getValue()) out.add(plain(item));
            return out;
        }
        ScalarNode s = (ScalarNode) n;
        String v = s.getValue();
        if (s.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) return v;
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        if (v.equals("null") || v.equals("~") || v.isEmpty()) return null;
        if (v.matches("-?\\d+")) return Long.parseLong(v);
        if (v.matches("-?\\d+\\.\\d*([eE][-+]?\\d+)?")) return Double.parseDouble(v);
        return v;
    }

    /** {@code 30s}, {@code 10m}, {@code 1h}, {@code 2d}. */
    public static java.time.Duration duration(String source, Node n, String path) {
        String v = scalar(source, n, path).strip().toLowerCase(Locale.ROOT);
        try {
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            if (amount < 0) throw new NumberFormatException();
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> java.time.Duration.ofSeconds(amount);
                case 'm' -> java.time.Duration.ofMinutes(amount);
                case 'h' -> java.time.Duration.ofHours(amount);
                case 'd' -> java.time.Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new SpecException(source, line(n), path, "'" + v + "': expected a duration such as 30s, 10m, 1h or 2d");
        }
    }

    public static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}

package dev.burnrate.slo;

import dev.burnrate.spec.Nodes;
import dev.burnrate.spec.SpecException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.burnrate.spec.Nodes.line;
import static dev.burnrate.spec.Nodes.scalar;

/** Deploys, rollbacks and config changes: stored as they are posted, read back by time. */
public interface ServiceEvents {
    /** Stores the events in one step; an event with the same id replaces the stored one. */
    void append(List<ServiceEvent> events);

    /** Events at or after {@code from} and before {@code to}, oldest first. */
    List<ServiceEvent> between(Instant from, Instant to);

    /** No events (nothing is stored). */
    static ServiceEvents none() {
        return new ServiceEvents() {
            @Override
            public void append(List<ServiceEvent> events) {
            }

            @Override
            public List<ServiceEvent> between(Instant from, Instant to) {
                return List.of();
            }
        };
    }

    Set<String> KEYS = Set.of("id", "kind", "model", "variant", "at", "description");

    /**
     * Reads one event or a list of them from JSON (or YAML): {@code {kind: deploy, model: assistant-llm, variant: v2,
     * at: 2026-10-20T11:38:00Z, description: "release 4.2"}}; without an id one is made up. Errors name the source,
     * line, key and reason; nothing is returned unless every event is valid.
     */
    static List<ServiceEvent> parse(String text, String source, String actor) {
        Node root = Nodes.compose(text, source);
        if (root == null) throw new SpecException(source, 1, "(document)", "empty: expected an event or a list of events");
        List<Node> items = root instanceof SequenceNode seq ? seq.getValue() : List.of(root);
        List<ServiceEvent> out = new ArrayList<>();
        for (Node item : items) {
            String path = "events[" + out.size() + "]";
            Map<String, Node> f = Nodes.fields(source, item, path, KEYS);
            for (String required : List.of("kind", "model", "at")) {
                if (!f.containsKey(required)) throw new SpecException(source, line(item), path + "." + required, "required");
            }
            ServiceEvent.Kind kind = Nodes.enumValue(source, f.get("kind"), path + ".kind", ServiceEvent.Kind.class);
            Instant at;
            try {
                at = Instant.parse(scalar(source, f.get("at"), path + ".at"));
            } catch (DateTimeParseException e) {
                throw new SpecException(source, line(f.get("at")), path + ".at", "'" + scalar(source, f.get("at"), path + ".at")
                        + "' is not an instant (e.g. 2026-10-20T11:38:00Z)");
            }
            out.add(new ServiceEvent(f.containsKey("id") ? scalar(source, f.get("id"), path + ".id") : UUID.randomUUID().toString(), kind,
                    scalar(source, f.get("model"), path + ".model"), f.containsKey("variant") ? scalar(source, f.get("variant"), path + ".variant") : null,
                    at, f.containsKey("description") ? scalar(source, f.get("description"), path + ".description") : null, actor));
        }
        return out;
    }
}

package dev.burnrate.recommend;

import dev.burnrate.audit.AuditLog;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The savings recommendations as people see and act on them: computed afresh by the engine, each with the state people
 * gave it (kept by id, so it survives recomputing), accepted or dismissed with a reason; every change is audited.
 */
public final class Recommendations {
    private final SavingsEngine engine;
    private final RecommendationStates states;
    private final AuditLog audit;
    private final Clock clock;

    public Recommendations(SavingsEngine engine, RecommendationStates states, AuditLog audit, Clock clock) {
        this.engine = engine;
        this.states = states;
        this.audit = audit;
        this.clock = clock;
    }

    /** What to list: a kind and a set of teams (null: any). A team filter leaves out what belongs to no team (commitments). */
    public record Filter(Recommendation.Kind kind, java.util.Set<String> teams) implements Predicate<Recommendation> {
        public static final Filter ALL = new Filter(null, null);

        @Override
        public boolean test(Recommendation r) {
            return (kind == null || r.kind() == kind) && (teams == null || r.team() != null && teams.contains(r.team()));
        }
    }

    /** The recommendations with their states, and the engine's commitment report and notes. */
    public record Listing(SavingsEngine.Result result, List<Recommendation> recommendations) {
    }

    public Listing list(Filter filter) {
        SavingsEngine.Result r = engine.compute();
        Map<String, Recommendation.State> known = states.all();
        List<Recommendation> out = r.recommendations().stream()
                .map(x -> known.containsKey(x.id()) ? x.withState(known.get(x.id())) : x)
                .filter(filter).toList();
        return new Listing(r, out);
    }

    public Optional<Recommendation> find(String id) {
        return list(Filter.ALL).recommendations().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Thrown for an id the engine does not (or no longer) recommend. */
    public static final class NotFoundException extends IllegalArgumentException {
        public NotFoundException(String id) {
            super("no recommendation '" + id + "' (run 'burnrate recommend' to list the current ones)");
        }
    }

    public Recommendation accept(String id, String actor) {
        return move(find(id).orElseThrow(() -> new NotFoundException(id)), Recommendation.State.accepted(actor, clock.instant()), "recommendation.accepted", actor);
    }

    public Recommendation dismiss(String id, String reason, String actor) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a dismissal needs a reason (--reason)");
        return move(find(id).orElseThrow(() -> new NotFoundException(id)), Recommendation.State.dismissed(reason, actor, clock.instant()),
                "recommendation.dismissed", actor);
    }

    private Recommendation move(Recommendation r, Recommendation.State s, String action, String actor) {
        Objects.requireNonNull(actor, "actor");
        states.put(r, s);
        if (audit != null) {
            audit.append(actor, action, "recommendation:" + r.id(), "{\"kind\":\"" + r.kind().label() + "\",\"target\":" + quote(r.target())
                    + ",\"monthlySaving\":\"" + r.monthlySaving().plain() + "\",\"currency\":\"" + r.monthlySaving().currency() + "\""
                    + (s.reason() == null ? "" : ",\"reason\":" + quote(s.reason())) + "}");
        }
        return r.withState(s);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}

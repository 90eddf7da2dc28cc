package dev.burnrate.recommend;

import dev.burnrate.audit.AuditLog;

import java.time.Clock;
import java.time.Instant;
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
        Map<String, Recommendation.State> known = states.all();
        // a dismissed recommendation removes no usage: a commitment purchase may cover what it would have saved
        SavingsEngine.Result r = engine.compute(known.entrySet().stream().filter(e -> e.getValue().status() == Recommendation.Status.DISMISSED)
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet()));
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

    /**
     * What implemented recommendations saved (see {@link RealisedSavings}), each measured from the bills now, for those
     * the filter lets through. An implemented recommendation stays here after the engine stops recommending it.
     */
    public List<RealisedSavings.Realised> realised(Filter filter) {
        List<RecommendationStates.Tracked> mine = states.tracked().stream()
                .filter(t -> (filter.kind() == null || t.kind() == filter.kind()) && (filter.teams() == null || t.team() != null && filter.teams().contains(t.team())))
                .toList();
        return engine.realised().measure(mine);
    }

    /** The team of a recommendation the engine recommends now or someone decided on before, as a list (empty: a commitment's); empty: no such id. */
    public Optional<List<String>> teamsOf(String id) {
        Optional<Recommendation> now = find(id);
        if (now.isPresent()) return Optional.of(now.get().team() == null ? List.of() : List.of(now.get().team()));
        return states.find(id).map(t -> t.team() == null ? List.<String>of() : List.of(t.team()));
    }

    /**
     * Marks a recommendation implemented now (the change is made: the job stopped, the commitment moved), whether the
     * engine still recommends it or it was accepted before and is gone from the list; audited. Its realised saving is
     * measured from the bills that follow.
     */
    public RealisedSavings.Realised implemented(String id, String actor) {
        Objects.requireNonNull(actor, "actor");
        RecommendationStates.Tracked before = states.find(id).orElse(null);
        Recommendation current = find(id).orElse(null);
        if (current == null && before == null) throw new NotFoundException(id);
        if (before != null && before.state().status() == Recommendation.Status.IMPLEMENTED) {
            throw new IllegalStateException("recommendation " + id + " was already marked implemented at " + before.state().at() + " by " + before.state().actor());
        }
        if (before != null && before.state().status() == Recommendation.Status.DISMISSED) {
            throw new IllegalStateException("recommendation " + id + " was dismissed (" + before.state().reason() + "); accept it first");
        }
        Instant acceptedAt = before == null ? null : before.state().acceptedAt();
        Recommendation.State s = Recommendation.State.implemented(actor, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS), acceptedAt);
        RecommendationStates.Tracked t = current != null ? RecommendationStates.Tracked.of(current, s)
                : new RecommendationStates.Tracked(before.id(), before.kind(), before.team(), before.target(), before.monthlySaving(), s);
        states.put(t);
        audit("recommendation.implemented", actor, t, s);
        settled.accept(t.id());
        return engine.realised().measure(List.of(t)).get(0);
    }

    public Recommendation dismiss(String id, String reason, String actor) {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a dismissal needs a reason (--reason on the command line, \"reason\" in the API)");
        return move(find(id).orElseThrow(() -> new NotFoundException(id)), Recommendation.State.dismissed(reason, actor, clock.instant()),
                "recommendation.dismissed", actor);
    }

    private java.util.function.Consumer<String> settled = id -> { };

    /** Told the id of each recommendation people accept, dismiss or mark implemented (its ticket is then resolved). */
    public Recommendations onSettled(java.util.function.Consumer<String> listener) {
        this.settled = listener;
        return this;
    }

    private Recommendation move(Recommendation r, Recommendation.State s, String action, String actor) {
        Objects.requireNonNull(actor, "actor");
        RecommendationStates.Tracked t = RecommendationStates.Tracked.of(r, s);
        states.put(t);
        audit(action, actor, t, s);
        settled.accept(t.id());
        return r.withState(s);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private void audit(String action, String actor, RecommendationStates.Tracked r, Recommendation.State s) {
        if (audit == null) return;
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("kind", r.kind().label());
        detail.put("target", r.target());
        detail.put("monthlySaving", r.monthlySaving().plain());
        detail.put("currency", r.monthlySaving().currency());
        if (s.reason() != null) detail.put("reason", s.reason());
        try {
            audit.append(actor, action, "recommendation:" + r.id(), JSON.writeValueAsString(detail));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the audit detail of " + r.id(), e);
        }
    }
}

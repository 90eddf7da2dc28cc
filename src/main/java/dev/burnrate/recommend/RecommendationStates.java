package dev.burnrate.recommend;

import dev.burnrate.ledger.Money;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where people have put recommendations (accepted, dismissed with a reason, implemented), kept by recommendation id. */
public interface RecommendationStates {
    /**
     * A recommendation someone moved out of open, as it was when they did (kind, team, target, monthly saving), with its
     * state: what is left of it once the engine no longer recommends it (an idle job that was stopped).
     */
    record Tracked(String id, Recommendation.Kind kind, String team, String target, Money monthlySaving, Recommendation.State state) {
        public static Tracked of(Recommendation r, Recommendation.State s) {
            return new Tracked(r.id(), r.kind(), r.team(), r.target(), r.monthlySaving(), s);
        }
    }

    /** Every recommendation someone has moved out of open, by id. */
    List<Tracked> tracked();

    /** The state of every recommendation someone has moved out of open, by id. */
    default Map<String, Recommendation.State> all() {
        Map<String, Recommendation.State> out = new java.util.LinkedHashMap<>();
        for (Tracked t : tracked()) out.put(t.id(), t.state());
        return out;
    }

    default Optional<Tracked> find(String id) {
        return tracked().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** Records the state of a recommendation (with what it was when it changed: kind, team, target, saving), replacing any earlier one. */
    void put(Tracked t);
}

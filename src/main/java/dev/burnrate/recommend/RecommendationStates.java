package dev.burnrate.recommend;

import java.util.Map;
import java.util.Optional;

/** Where people have put recommendations (accepted, dismissed with a reason, implemented), kept by recommendation id. */
public interface RecommendationStates {
    /** The state of every recommendation someone has moved out of open, by id. */
    Map<String, Recommendation.State> all();

    Optional<Recommendation.State> find(String id);

    /** Records the state of a recommendation (with what it was when it changed: kind, team, target, saving), replacing any earlier one. */
    void put(Recommendation r, Recommendation.State state);
}

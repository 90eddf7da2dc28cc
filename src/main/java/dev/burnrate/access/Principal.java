package dev.burnrate.access;

import java.util.Set;

/**
 * Who is calling: a token's name, its role and the teams it is scoped to (empty = every team).
 */
public record Principal(String name, Role role, Set<String> teams) {
    /** Used when the server runs without tokens (loopback only): may do anything; names itself per request. */
    public static Principal open(String name) {
        return new Principal(name == null || name.isBlank() ? "anonymous" : name, Role.ADMIN, Set.of());
    }

    public Principal {
        teams = Set.copyOf(teams);
    }

    public boolean may(Role needed) {
        return role.includes(needed);
    }

    public boolean coversTeam(String team) {
        return teams.isEmpty() || role == Role.ADMIN || teams.contains(team);
    }
}

package dev.burnrate.http;

import dev.burnrate.access.Principal;
import dev.burnrate.access.Role;
import dev.burnrate.access.Tokens;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Bearer-token authentication and the role each route needs. Without any token stored the API is open (the server
 * then refuses to listen beyond loopback) and callers name themselves with {@code X-Burnrate-User}.
 */
final class Access {
    private static final String PRINCIPAL = "burnrate.principal";
    private static final String ENABLED = "burnrate.tokens";
    private static final String LOCAL = "burnrate.local";

    private Access() {
    }

    /** Returns false (and answers 401/403) when the request may not go on. */
    static boolean check(Context ctx, Tokens tokens, String localCredential) {
        String path = ctx.path();
        if (!path.startsWith("/api/v1/")) return true;
        boolean enabled = tokens != null && tokens.enabled();
        ctx.attribute(ENABLED, enabled);
        String bearer = ctx.header("Authorization");
        if (localCredential != null && bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)
                && java.security.MessageDigest.isEqual(localCredential.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                bearer.substring(7).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            // the CLI on this machine, holding the credential the server wrote beside its database (owner-only file)
            ctx.attribute(PRINCIPAL, new Principal("local-cli", Role.ADMIN, java.util.Set.of()));
            ctx.attribute(LOCAL, true);
            return true;
        }
        if (!enabled) {
            ctx.attribute(PRINCIPAL, Principal.open(ctx.header("X-Burnrate-User")));
            return true;
        }
        String auth = ctx.header("Authorization");
        Principal p = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? tokens.authenticate(auth.substring(7)).orElse(null) : null;
        if (p == null) {
            ctx.header("WWW-Authenticate", "Bearer");
            ApiServer.problemStatic(ctx, 401, "Unauthorized", "a valid API token is required (Authorization: Bearer ...)");
            return false;
        }
        Role needed = needed(ctx.method(), path);
        if (!p.may(needed)) {
            ApiServer.problemStatic(ctx, 403, "Forbidden", "token " + p.name() + " has role " + p.role().label() + "; this needs " + needed.label());
            return false;
        }
        ctx.attribute(PRINCIPAL, p);
        return true;
    }

    /** Did the caller present an API token with the admin role and no team scope (the server has tokens)? */
    static boolean isUnscopedAdminToken(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return Boolean.TRUE.equals(ctx.attribute(ENABLED)) && p != null && p.role() == Role.ADMIN && p.teams().isEmpty();
    }

    /** Did the caller present the server's local credential? */
    static boolean isLocal(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(LOCAL));
    }

    static Role needed(HandlerType method, String path) {
        if (path.endsWith("/approve") || path.endsWith("/reject")) return Role.APPROVER;
        if (method == HandlerType.GET || method == HandlerType.HEAD || path.equals("/api/v1/policies/evaluate")) return Role.VIEWER;
        if (path.startsWith("/api/v1/budgets")) return Role.ADMIN;
        return Role.SUBMITTER;
    }

    /**
     * What a team-scoped token sees of a route; every /api/v1 route declares one (a route without a decision answers 500, and
     * ScopeTest fails).
     */
    enum Scope implements io.javalin.security.RouteRole {
        /** Not team data (policy definitions, the audit chain's verification): any token whose role allows the method. */
        PUBLIC,
        /** A list: the route answers only the rows of the caller's teams, and totals of those rows only. */
        TEAM_ROWS,
        /** One object (or a batch) of a team: another team's object is 404 (reads, actions) or 403 (writes), nothing changes. */
        TEAM_OBJECT,
        /** Rows that carry no team or span every team: refused (403) to a team-scoped token. */
        ALL_TEAMS
    }

    /** Runs once the route is matched: applies its {@link Scope}. Returns false (and answers) when the request may not go on. */
    static boolean checkScope(Context ctx) {
        if (!ctx.path().startsWith("/api/v1/")) return true;
        if (ctx.method() == io.javalin.http.HandlerType.HEAD) { // Javalin answers HEAD from the GET route, without its scope
            ctx.header("Allow", "GET");
            ApiServer.problemStatic(ctx, 405, "Method not allowed", "HEAD is not served under /api/v1 (a route's team scope "
                    + "is checked on GET); use GET");
            return false;
        }
        Scope scope = ctx.routeRoles().stream().filter(Scope.class::isInstance).map(Scope.class::cast).findFirst().orElse(null);
        if (scope == null) {
            ApiServer.problemStatic(ctx, 500, "Internal error", "route " + ctx.endpointHandlerPath() + " declares no team scope");
            return false;
        }
        Principal p = principal(ctx);
        if (scope == Scope.ALL_TEAMS && teams(ctx) != null) {
            ApiServer.problemStatic(ctx, 403, "Forbidden", "token " + p.name() + " is scoped to teams " + new java.util.TreeSet<>(p.teams())
                    + "; " + ctx.method() + " " + ctx.endpointHandlerPath() + " spans every team (its rows carry no team) and needs a token not scoped to teams");
            return false;
        }
        return true;
    }

    /** The caller's teams, or null when it may see every team (no tokens, an admin, a token without teams). */
    static java.util.Set<String> teams(Context ctx) {
        Principal p = principal(ctx);
        return p.teams().isEmpty() || p.role() == Role.ADMIN ? null : p.teams();
    }

    /** May the caller see something that belongs to all of these teams (none: org-wide, unscoped callers only)? */
    static boolean covers(Context ctx, java.util.Collection<String> teams) {
        java.util.Set<String> mine = teams(ctx);
        return mine == null || !teams.isEmpty() && mine.containsAll(teams);
    }

    /** The caller's token may not do this (answered 403). */
    static final class ForbiddenException extends RuntimeException {
        ForbiddenException(String message) {
            super(message);
        }
    }

    /** Throws {@link ForbiddenException} unless the caller covers the team (a write for another team). */
    static void requireTeam(Context ctx, String team, String what) {
        if (!covers(ctx, java.util.List.of(team == null ? "" : team))) {
            throw new ForbiddenException("token " + principal(ctx).name() + " may not " + what + " for team " + team);
        }
    }

    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? Principal.open(null) : p;
    }

    /**
     * Who acts on a request: with tokens, the token's holder (a ?by= naming someone else would put words in their
     * mouth); without them (loopback), the person ?by= names, else the caller is anonymous.
     */
    static String actor(Context ctx) {
        String by = ctx.queryParam("by");
        // a name from the X-Burnrate-User header is checked as ?by= is
        return dev.burnrate.audit.AuditLog.actor(tokensEnabled(ctx) || by == null ? principal(ctx).name() : by);
    }

    static boolean tokensEnabled(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ENABLED));
    }
}

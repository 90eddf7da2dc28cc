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

    private Access() {
    }

    /** Returns false (and answers 401/403) when the request may not go on. */
    static boolean check(Context ctx, Tokens tokens) {
        String path = ctx.path();
        if (!path.startsWith("/api/v1/")) return true;
        boolean enabled = tokens != null && tokens.enabled();
        ctx.attribute(ENABLED, enabled);
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

    static Role needed(HandlerType method, String path) {
        if (path.endsWith("/approve") || path.endsWith("/reject")) return Role.APPROVER;
        if (method == HandlerType.GET || method == HandlerType.HEAD || path.equals("/api/v1/policies/evaluate")) return Role.VIEWER;
        if (path.startsWith("/api/v1/budgets")) return Role.ADMIN;
        return Role.SUBMITTER;
    }

    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? Principal.open(null) : p;
    }

    static boolean tokensEnabled(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ENABLED));
    }
}

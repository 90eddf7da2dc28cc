package dev.burnrate.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POST /api/v1/cli: a {@code burnrate} command run inside the server that owns the ledger (the same command code, so
 * the same output and exit code as without a server): for the CLI on the same machine, holding the local credential the
 * server advertises beside its database file (readable by its owner only), and for {@code burnrate --server URL} with
 * an admin token that is not scoped to teams (a command sees every team's rows). A remote command may name no file.
 */
final class CliRoutes {
    private final CommandRunner runner;

    CliRoutes(CommandRunner runner) {
        this.runner = runner;
    }

    void register(Javalin app) {
        app.post("/api/v1/cli", ctx -> {
            boolean local = Access.isLocal(ctx);
            if (runner == null || !local && !Access.isUnscopedAdminToken(ctx)) {
                ApiServer.problemStatic(ctx, 403, "Forbidden", "commands run here only for the CLI of this server's machine (the local credential beside "
                        + "the database file) or with an admin token not scoped to teams");
                return;
            }
            JsonNode n = ctx.bodyAsClass(JsonNode.class);
            List<String> args = new ArrayList<>();
            if (n == null || !n.path("args").isArray()) throw new IllegalArgumentException("args (an array of strings) is required");
            n.path("args").forEach(a -> args.add(a.asText()));
            String cwd = n.path("cwd").asText(".");
            CommandRunner.Result r = runner.run(args, cwd, local);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("exitCode", r.exitCode());
            m.put("out", r.out());
            m.put("err", r.err());
            ctx.json(m);
        }, Access.Scope.ALL_TEAMS);
    }
}

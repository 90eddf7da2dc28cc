package dev.burnrate.cli;

import dev.burnrate.access.Role;
import dev.burnrate.access.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "tokens", description = "API tokens with roles (viewer, submitter, approver, admin) scoped to teams; stored hashed.",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand {
    @ParentCommand
    BurnrateCommand root;

    @Command(name = "create", description = "Create a token and print it once (it is stored only as a hash).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokensCommand parent;
        @Option(names = "--name", required = true, description = "A unique name for the token, e.g. the pipeline that uses it")
        String name;
        @Option(names = "--role", required = true, description = "viewer | submitter | approver | admin")
        String role;
        @Option(names = "--team", description = "team scope, repeatable (default: every team)")
        List<String> teams;

        @Override
        public Integer call() {
            Role r;
            try {
                r = Role.valueOf(role.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("role '" + role + "' is not one of viewer, submitter, approver, admin");
            }
            try (Services s = parent.root.open()) {
                Tokens.Issued t = s.tokens().create(name, r, teams == null ? Set.of() : new TreeSet<>(teams));
                // a name with a quote in it wrote broken JSON into the chain: the detail is serialised, not concatenated
                java.util.Map<String, String> detail = new java.util.LinkedHashMap<>();
                detail.put("name", name);
                detail.put("role", r.label());
                detail.put("teams", String.join(",", t.token().teams()));
                try {
                    s.audit().append(parent.root.actor(), "token.created", t.token().id(), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(detail));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                parent.root.out.println(t.secret());
                parent.root.out.flush();
                return 0;
            }
        }
    }

    @Command(name = "list", description = "Tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokensCommand parent;
        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                List<List<String>> rows = new ArrayList<>();
                for (Tokens.Token t : s.tokens().all()) {
                    rows.add(List.of(t.id(), t.name(), t.role().label(), t.teams().isEmpty() ? "*" : String.join(",", new TreeSet<>(t.teams())),
                            t.createdAt().toString(), t.revokedAt() == null ? "" : t.revokedAt().toString()));
                }
                Output.print(parent.root.out, format, List.of("id", "name", "role", "teams", "created", "revoked"), rows, null);
                return 0;
            }
        }
    }

    @Command(name = "revoke", description = "Revoke a token by id or name.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokensCommand parent;
        @Parameters(paramLabel = "ID|NAME", description = "The token's id or name")
        String id;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                if (!s.tokens().revoke(id)) throw new IllegalArgumentException("no live token " + id);
                s.audit().append(parent.root.actor(), "token.revoked", id, "{}");
                parent.root.out.println("revoked " + id);
                parent.root.out.flush();
                return 0;
            }
        }
    }
}

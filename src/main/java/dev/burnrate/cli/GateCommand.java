package dev.burnrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burnrate.http.GateRequests;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "gate", description = "The pre-flight gate: ask before a run, list, approve or reject requests.",
        subcommands = {GateCommand.Request.class, GateCommand.ListRequests.class, GateCommand.Show.class, GateCommand.Approve.class,
                GateCommand.Reject.class, GateCommand.Release.class})
final class GateCommand {
    /** Exit codes a pipeline can branch on. */
    static final int PENDING = 10;
    static final int DEFERRED = 11;
    static final int DENIED = 12;

    @ParentCommand
    BurnrateCommand root;

    /** Where the gate is: this process (default) or a server. */
    static final class Remote {
        @Option(names = "--server", description = "Burnrate server URL (env BURNRATE_SERVER); default: the local ledger")
        String server = System.getenv("BURNRATE_SERVER");

        @Option(names = "--token", description = "API token (env BURNRATE_TOKEN)")
        String token = System.getenv("BURNRATE_TOKEN");
    }

    /** The request fields shared by `gate request` and `run`. */
    static final class Ask {
        @Option(names = "--model", required = true, description = "The model to train")
        String model;
        @Option(names = "--team", required = true, description = "The team that owns the run (and whose budgets it draws on)")
        String team;
        @Option(names = "--kind", defaultValue = "full", description = "full | incremental | hpo | experiment")
        String kind;
        @Option(names = "--trigger", description = "drift | accuracy | schedule | manual (default manual)")
        String trigger;
        @Option(names = "--drift", description = "drift score (with --trigger drift)")
        java.math.BigDecimal drift;
        @Option(names = "--accuracy-drop", description = "accuracy drop in points (with --trigger accuracy)")
        java.math.BigDecimal accuracyDrop;
        @Option(names = "--instance", required = true, description = "instance type, e.g. p4d.24xlarge")
        String instance;
        @Option(names = "--count", defaultValue = "1", description = "Number of instances (default ${DEFAULT-VALUE})")
        int count;
        @Option(names = "--pricing", description = "on_demand | spot | reserved")
        String pricing;
        @Option(names = "--provider", description = "Cloud provider for the price, e.g. AWS (default: the catalog's match for the instance)")
        String provider;
        @Option(names = "--region", description = "Region for the price, e.g. us-east-1")
        String region;
        @Option(names = "--hours", description = "expected wall-clock hours (used when there is little history)")
        java.math.BigDecimal hours;
        @Option(names = "--dataset-gb", description = "Training data size in GB (scales estimates from past runs)")
        java.math.BigDecimal datasetGb;
        @Option(names = "--tag", description = "key=value, repeatable")
        Map<String, String> tags;
        @Option(names = "--requester", defaultValue = "${env:USER:-cli}", description = "Who asks (default: $USER)")
        String requester;
        @Option(names = "--id", description = "request id (idempotent: the same id returns the same decision)")
        String id;

        ObjectNode json() {
            ObjectNode n = GateClient.JSON.createObjectNode();
            if (id != null) n.put("id", id);
            n.put("model", model).put("team", team).put("kind", kind).put("instanceType", instance).put("count", count).put("requester", requester);
            if (trigger != null || drift != null || accuracyDrop != null) {
                ObjectNode t = n.putObject("trigger");
                t.put("type", trigger != null ? trigger : drift != null ? "drift" : "accuracy");
                if (drift != null) t.put("driftScore", drift);
                if (accuracyDrop != null) t.put("accuracyDelta", accuracyDrop);
            }
            if (pricing != null) n.put("pricing", pricing);
            if (provider != null) n.put("provider", provider);
            if (region != null) n.put("region", region);
            if (hours != null) n.put("expectedHours", hours);
            if (datasetGb != null) n.put("datasetGb", datasetGb);
            if (tags != null) tags.forEach(n.putObject("tags")::put);
            return n;
        }
    }

    /**
     * The exit code of a ticket as it stands now (its state, not its first decision): a request approved after waiting
     * exits 0, one approved and later expired or released no longer may run.
     */
    static int exitCode(JsonNode ticket) {
        return switch (ticket.path("state").asText()) {
            case "approved", "running", "finished" -> 0;
            case "pending_approval" -> PENDING;
            case "deferred" -> DEFERRED;
            default -> DENIED; // denied, rejected, expired, released
        };
    }

    static void describe(PrintWriter out, JsonNode t) {
        out.println("request   " + t.path("id").asText() + "  (" + t.path("request").path("model").asText() + ", " + t.path("request").path("kind").asText()
                + ", team " + t.path("request").path("team").asText() + ")");
        out.println("decision  " + t.path("decision").asText() + "   state " + t.path("state").asText());
        JsonNode est = t.path("planEstimate");
        if (!est.isMissingNode() && !est.isNull()) {
            out.println("estimate  p50 " + shown(est.path("p50")) + ", p90 " + shown(est.path("p90"))
                    + " (" + est.path("basis").asText() + "), p90 hours " + est.path("hoursP90").asText());
        }
        JsonNode plan = t.path("plan");
        out.println("plan      " + plan.path("count").asText() + " × " + plan.path("instanceType").asText() + " " + plan.path("pricing").asText()
                + " in " + plan.path("region").asText() + " (" + plan.path("kind").asText() + ")");
        for (JsonNode c : t.path("changes")) {
            out.println("change    " + c.path("kind").asText() + ": " + c.path("from").asText() + " → " + c.path("to").asText() + ", saving "
                    + shown(c.path("saving")));
        }
        for (JsonNode r : t.path("reasons")) out.println("  - " + r.asText());
        for (JsonNode p : t.path("policies")) out.println("  policy: " + p.asText());
        for (JsonNode a : t.path("approvals")) {
            out.println(a.path("verdict").asText() + "  by " + a.path("actor").asText() + " at " + a.path("at").asText() + ": " + a.path("reason").asText());
        }
        if (t.hasNonNull("actualCost")) out.println("actual    " + shown(t.path("actualCost")) + (t.hasNonNull("finishedAt") ? " (finished " + t.path("finishedAt").asText() + ")" : ""));
        if (t.hasNonNull("notBefore")) out.println("not before " + t.path("notBefore").asText());
        out.flush();
    }

    /** A {@code {amount, currency}} of the API's JSON for people: rounded to the currency's minor unit. */
    static String shown(JsonNode money) {
        if (money.isMissingNode() || money.isNull()) return "-";
        String cur = money.path("currency").asText();
        return dev.burnrate.ledger.Money.display(GateRequests.decimal(money, "amount"), cur) + " " + cur;
    }

        @Command(name = "request", description = "Ask the gate for a run. Exit by the request's current state: 0 approved (with or without changes, running, finished), 10 pending approval, 11 deferred, 12 denied, rejected, expired or released.")
    static final class Request implements Callable<Integer> {
        @ParentCommand
        GateCommand parent;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Ask ask;
        @Mixin
        Remote remote;
        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            try (GateClient g = GateClient.open(parent.root, remote.server, remote.token)) {
                JsonNode t = g.submit(ask.json());
                if (format == Output.Format.json) parent.root.out.println(t.toPrettyString());
                else describe(parent.root.out, t);
                parent.root.out.flush();
                return exitCode(t);
            }
        }
    }

    @Command(name = "list", description = "Gate requests, newest first.")
    static final class ListRequests implements Callable<Integer> {
        @ParentCommand
        GateCommand parent;
        @Option(names = "--state", description = "pending_approval | approved | running | finished | deferred | denied | rejected | expired | released")
        String state;
        @Mixin
        Remote remote;
        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            try (GateClient g = GateClient.open(parent.root, remote.server, remote.token)) {
                List<List<Object>> rows = new ArrayList<>();
                for (JsonNode t : g.list(state).path("requests")) {
                    JsonNode p90 = t.path("planEstimate").path("p90");
                    rows.add(List.of(t.path("id").asText(), t.path("createdAt").asText(), t.path("request").path("team").asText(),
                            t.path("request").path("model").asText(), t.path("request").path("kind").asText(), t.path("decision").asText(),
                            t.path("state").asText(), p90.isMissingNode() || p90.isNull() ? "" : Output.money(GateRequests.decimal(p90, "amount"), p90.path("currency").asText()),
                            p90.path("currency").asText(""),
                            t.path("request").path("requester").asText()));
                }
                Output.print(parent.root.out, format, List.of("id", "created", "team", "model", "kind", "decision", "state", "p90", "currency", "requester"), rows, null);
                return 0;
            }
        }
    }

    /** One step on one request: show it, approve, reject or release it, and print the result. */
    abstract static class OnRequest implements Callable<Integer> {
        @ParentCommand
        GateCommand parent;
        @Parameters(paramLabel = "ID", description = "The request id")
        String id;
        @Mixin
        Remote remote;

        abstract String step();

        ObjectNode body() {
            return GateClient.JSON.createObjectNode();
        }

        @Override
        public Integer call() {
            try (GateClient g = GateClient.open(parent.root, remote.server, remote.token)) {
                describe(parent.root.out, g.call(id, step(), body()));
                return 0;
            }
        }
    }

    @Command(name = "show", description = "One request with its reasons, plan and reservations.")
    static final class Show extends OnRequest {
        String step() {
            return "show";
        }
    }

    abstract static class Decide extends OnRequest {
        @Option(names = "--reason", required = true, description = "Why; kept in the audit log")
        String reason;
        @Option(names = "--as", description = "approver name (local ledger or a server without tokens)", defaultValue = "${env:USER:-cli}")
        String approver;

        @Override
        ObjectNode body() {
            return GateClient.JSON.createObjectNode().put("reason", reason).put("approver", approver);
        }
    }

    @Command(name = "approve", description = "Approve a pending request (not your own).")
    static final class Approve extends Decide {
        String step() {
            return "approve";
        }
    }

    @Command(name = "reject", description = "Reject a pending request, releasing its reservation.")
    static final class Reject extends Decide {
        String step() {
            return "reject";
        }
    }

    @Command(name = "release", description = "Give back an approved request's reservation (the run will not happen).")
    static final class Release extends OnRequest {
        String step() {
            return "release";
        }
    }
}

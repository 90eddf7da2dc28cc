package dev.burnrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burnrate.guard.Action;
import dev.burnrate.guard.ProcessActuator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "run", description = {"Run a training command under the gate and the guard.",
        "It asks the gate, starts the command only when approved, sends heartbeats (elapsed, GPU utilisation from nvidia-smi when present),",
        "signals it to checkpoint and stops it (TERM, then KILL after the grace period) when the guard trips, and reports the final cost.",
        "The approved plan reaches the command: placeholders {burnrate.kind}, {burnrate.instance_type}, {burnrate.count},",
        "{burnrate.pricing} and {burnrate.id} in its arguments are replaced, and BURNRATE_GATE_ID, BURNRATE_PLAN_KIND,",
        "BURNRATE_PLAN_INSTANCE_TYPE, BURNRATE_PLAN_COUNT, BURNRATE_PLAN_PRICING and BURNRATE_PLAN_CHANGES are set, so a run",
        "approved with changes (spot, a cheaper instance, incremental) runs as approved.",
        "A checkpoint request is the signal (--checkpoint-signal, default USR1), sent only to the command's processes that",
        "handle it (a process that does not would be terminated by it), and the file named by BURNRATE_CHECKPOINT_FILE,",
        "created at each request, for commands that poll instead.",
        "A request waiting for approval runs once approved: run it again with the same --id and arguments.",
        "Exit: the command's exit code; 10/11/12 when the gate did not approve (pending, deferred, denied/rejected/expired/released);",
        "13 when it changed the plan and --as-asked was given (the reservation is released); 14 when the request already",
        "started; 3 when the guard stopped it."})
final class RunCommand implements Callable<Integer> {
    static final int GUARD_STOPPED = 3;
    static final int CHANGES_REFUSED = 13;
    static final int ALREADY_STARTED = 14;

    @ParentCommand
    BurnrateCommand root;
    @ArgGroup(exclusive = false, multiplicity = "1")
    GateCommand.Ask ask;
    @Mixin
    GateCommand.Remote remote;
    @Option(names = "--heartbeat", defaultValue = "30s", description = "heartbeat interval, e.g. 30s, 500ms")
    String heartbeat;
    @Option(names = "--checkpoint-signal", defaultValue = "USR1", description = "signal asking the command to checkpoint")
    String checkpointSignal;
    @Option(names = "--grace", defaultValue = "60s", description = "time between TERM and KILL when stopping")
    String grace;
    @Option(names = "--nvidia-smi", description = "nvidia-smi executable (default: found on PATH)")
    String nvidiaSmi;
    @Option(names = "--as-asked", description = "run only the plan as requested: when the gate approves with changes, release it and exit 13")
    boolean asAsked;
    @Parameters(arity = "1..*", paramLabel = "-- COMMAND", description = "the command and its arguments, after --")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Duration interval = duration(heartbeat);
        PrintStreamLike log = new PrintStreamLike(root);
        try (GateClient g = GateClient.openBeside(root, remote.server, remote.token)) {
            JsonNode ticket = g.submit(ask.json());
            int gateExit = GateCommand.exitCode(ticket);
            if (gateExit != 0) {
                GateCommand.describe(root.out, ticket);
                log.say("not started: the gate answered " + ticket.path("decision").asText());
                return gateExit;
            }
            String id = ticket.path("id").asText();
            if (!ticket.path("state").asText().equals("approved")) {
                log.say("not started: request " + id + " is already " + ticket.path("state").asText() + "; a new run needs a new --id");
                return ALREADY_STARTED;
            }
            JsonNode plan = ticket.path("plan");
            String decided = ticket.path("decision").asText();
            JsonNode approvals = ticket.path("approvals");
            JsonNode approval = approvals.size() > 0 ? approvals.get(approvals.size() - 1) : null;
            log.say("gate " + (decided.equals("pending_approval") ? "approved" + (approval != null ? " by " + approval.path("actor").asText() : "")
                    + " after waiting for approval" : decided) + ": " + id + ", plan " + plan.path("count").asText() + " × " + plan.path("instanceType").asText()
                    + " " + plan.path("pricing").asText() + ", reserved p90 " + GateCommand.shown(ticket.path("planEstimate").path("p90")));
            List<String> changes = new ArrayList<>();
            for (JsonNode c : ticket.path("changes")) changes.add(c.path("kind").asText() + ":" + c.path("from").asText() + "→" + c.path("to").asText());
            if (!changes.isEmpty()) {
                if (asAsked) {
                    g.call(id, "release", GateClient.JSON.createObjectNode());
                    log.say("not started: the gate approved only with changes (" + String.join(", ", changes) + ") and --as-asked was given; reservation released");
                    return CHANGES_REFUSED;
                }
                log.say("the gate changed the plan: " + String.join(", ", changes) + "; the command gets the approved plan");
            }
            ProcessBuilder pb = new ProcessBuilder(planned(command, id, plan)).inheritIO();
            pb.environment().put("BURNRATE_GATE_ID", id);
            pb.environment().put("BURNRATE_PLAN_KIND", plan.path("kind").asText());
            pb.environment().put("BURNRATE_PLAN_INSTANCE_TYPE", plan.path("instanceType").asText());
            pb.environment().put("BURNRATE_PLAN_COUNT", plan.path("count").asText());
            pb.environment().put("BURNRATE_PLAN_PRICING", plan.path("pricing").asText());
            pb.environment().put("BURNRATE_PLAN_CHANGES", String.join(",", changes));
            Path checkpointFile = Files.createTempDirectory("burnrate-run-").resolve("checkpoint-requested");
            pb.environment().put("BURNRATE_CHECKPOINT_FILE", checkpointFile.toString());
            try {
                g.call(id, "start", GateClient.JSON.createObjectNode());
                Instant started = root.clock.instant();
                Process p = pb.start();
                ProcessActuator actuator = new ProcessActuator(p.toHandle(), checkpointSignal, duration(grace));
                String smi = nvidiaSmi != null ? nvidiaSmi : onPath("nvidia-smi");
                boolean stopped = false;
                JsonNode last = null;
                while (!p.waitFor(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                    last = g.call(id, "heartbeats", heartbeatBody(started, smi));
                    Action a = Action.valueOf(last.path("action").asText().toUpperCase(java.util.Locale.ROOT));
                    if (a == Action.NONE) continue;
                    log.say("guard " + a.label() + ": " + String.join("; ", texts(last.path("reasons"))));
                    if (a == Action.CHECKPOINT) {
                        Files.writeString(checkpointFile, root.clock.instant() + "\n");
                        int sent = actuator.checkpoint();
                        log.say(sent > 0 ? "checkpoint requested: " + checkpointSignal + " sent to " + sent + " process(es); " + checkpointFile + " created"
                                : "checkpoint requested: " + checkpointFile + " created; no process of the command handles " + checkpointSignal
                                + ", so it was not sent (it would have terminated the command)");
                    }
                    if (a == Action.STOP) {
                        actuator.act(a, id, "guard");
                        stopped = true;
                        break;
                    }
                }
                int exit = p.waitFor();
                last = g.call(id, "heartbeats", heartbeatBody(started, null));
                ObjectNode fin = GateClient.JSON.createObjectNode().put("status", stopped ? "stopped" : exit == 0 ? "succeeded" : "failed");
                JsonNode done = g.call(id, "finish", fin);
                log.say("finished " + fin.path("status").asText() + " after " + hours(started) + " h: cost " + GateCommand.shown(done.path("actualCost"))
                        + " (p90 estimate " + GateCommand.shown(ticket.path("planEstimate").path("p90")) + ")");
                return stopped ? GUARD_STOPPED : exit;
            } finally { // also when the start, the command or a heartbeat fails
                Files.deleteIfExists(checkpointFile);
                Files.deleteIfExists(checkpointFile.getParent());
            }
        }
    }

    /** The command with the approved plan's placeholders replaced. */
    static List<String> planned(List<String> command, String id, JsonNode plan) {
        List<String> out = new ArrayList<>(command.size());
        for (String a : command) {
            out.add(a.replace("{burnrate.id}", id).replace("{burnrate.kind}", plan.path("kind").asText())
                    .replace("{burnrate.instance_type}", plan.path("instanceType").asText()).replace("{burnrate.count}", plan.path("count").asText())
                    .replace("{burnrate.pricing}", plan.path("pricing").asText()));
        }
        return out;
    }

    private ObjectNode heartbeatBody(Instant started, String smi) {
        ObjectNode hb = GateClient.JSON.createObjectNode().put("elapsedSeconds", Math.max(0, Duration.between(started, root.clock.instant()).getSeconds()));
        BigDecimal util = smi == null ? null : gpuUtilization(smi);
        if (util != null) hb.put("gpuUtilization", util);
        return hb;
    }

    private String hours(Instant started) {
        return BigDecimal.valueOf(Duration.between(started, root.clock.instant()).getSeconds()).divide(BigDecimal.valueOf(3600), 2, RoundingMode.HALF_UP).toPlainString();
    }

    /** Mean utilisation over the GPUs nvidia-smi lists, or null when it cannot be read. */
    static BigDecimal gpuUtilization(String smi) {
        try {
            Process q = new ProcessBuilder(smi, "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits").redirectErrorStream(true).start();
            List<BigDecimal> values = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(q.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.strip().matches("\\d+(\\.\\d+)?")) values.add(new BigDecimal(line.strip()));
                }
            }
            if (!q.waitFor(10, TimeUnit.SECONDS) || q.exitValue() != 0 || values.isEmpty()) return null;
            return values.stream().reduce(BigDecimal.ZERO, BigDecimal::add).divide(BigDecimal.valueOf(values.size()), 1, RoundingMode.HALF_UP);
        } catch (Exception e) {
            return null;
        }
    }

    private static String onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    static Duration duration(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 5m or 1h");
        }
    }

    private static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Progress lines go to the command's output, prefixed, so they interleave readably with the child's. */
    private record PrintStreamLike(BurnrateCommand root) {
        void say(String line) {
            root.out.println("burnrate: " + line);
            root.out.flush();
        }
    }
}

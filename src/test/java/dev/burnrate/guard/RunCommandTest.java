package dev.burnrate.guard;

import dev.burnrate.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `burnrate run` around real child processes (sh scripts): the gate decides, the guard meters on a clock that moves 2
 * minutes per reading (so hours pass in a few heartbeats without waiting), asks the process to checkpoint with its
 * signal, and stops it.
 */
class RunCommandTest {
    static final String CONFIG = """
            prices:
              - {provider: AWS, instanceType: p4d.24xlarge, region: us-east-1, onDemand: 20.00, spot: 8.00, source: test}
            budgets:
              - {id: ml, scope: {team: ml}, period: monthly, amount: 1000, currency: USD}
            guard:
              spendFactor: 1.0
              ladder: [{action: notify, after: 0m}, {action: checkpoint, after: 4m}, {action: stop, after: 10m}]
            """;

    @TempDir
    Path dir;
    String config = CONFIG;

    int run(StringWriter out, StringWriter err, String... args) throws Exception {
        Files.writeString(dir.resolve("burnrate.yaml"), config);
        String[] all = new String[args.length + 4];
        all[0] = "--db";
        all[1] = dir.resolve("l.duckdb").toString();
        all[2] = "--config";
        all[3] = dir.resolve("burnrate.yaml").toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true), dev.burnrate.testing.MutableClock.stepping(Instant.parse("2026-09-10T08:00:00Z"), Duration.ofMinutes(2)) /* each reading 2 min later */);
    }

    @Test
    void runawayCommand_isAskedToCheckpointWithItsSignal_thenStopped_andTheCostIsReported() throws Exception {
        Path marker = dir.resolve("checkpointed");
        // a "training" loop that writes a checkpoint when it gets USR1 and never ends by itself
        String script = "trap 'echo ckpt > " + marker + "' USR1; while true; do sleep 0.05; done";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "1", "--heartbeat", "100ms",
                "--grace", "5s", "--", "sh", "-c", script);
        // nothing on stderr but the note that this test's ledger is new
        assertThat(err.toString().strip()).isEqualTo("burnrate: new, empty ledger at " + dir.resolve("l.duckdb") + " (none was there; the demo's is .burnrate/demo.duckdb)");
        assertThat(code).as(out.toString()).isEqualTo(3);
        assertThat(out.toString()).contains("gate approved", "guard notify: spend", "guard checkpoint", "guard stop", "finished stopped");
        assertThat(Files.readString(marker).strip()).isEqualTo("ckpt");
        StringWriter audit = new StringWriter();
        run(audit, new StringWriter(), "audit", "list");
        assertThat(audit.toString()).contains("gate.approved", "gate.started", "gate.guard.notify", "gate.guard.checkpoint", "gate.guard.stop",
                "gate.finished.stopped");
        StringWriter verify = new StringWriter();
        assertThat(run(verify, new StringWriter(), "audit", "verify")).isZero();
        assertThat(verify.toString()).contains("audit log intact");
    }

    @Test
    void commandThatEndsInTime_runsToCompletion_andKeepsItsExitCode() throws Exception {
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "10",
                "--heartbeat", "50ms", "--", "sh", "-c", "exit 7");
        assertThat(code).isEqualTo(7);
        assertThat(out.toString()).contains("finished failed");
    }

    @Test
    void approvedWithChanges_theCommandGetsTheApprovedPlan_inItsArgumentsAndEnvironment() throws Exception {
        Path seen = dir.resolve("plan.txt");
        StringWriter out = new StringWriter();
        // 45 h on demand: p90 45 × 20 × 1.25 = 1,125 > the 1,000 budget; on spot 45 × 8 × 1.25 = 450 (+ restart overhead) fits;
        // churn has no past runs, so the request says it resumes from checkpoints
        int code = run(out, new StringWriter(), "run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "45",
                "--pricing", "on_demand", "--tag", "checkpoints=true", "--heartbeat", "50ms", "--", "sh", "-c",
                "echo \"$BURNRATE_PLAN_PRICING $BURNRATE_PLAN_CHANGES {burnrate.pricing} {burnrate.count} {burnrate.kind}\" > " + seen);
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("gate approved_with_changes", "the gate changed the plan: spot:on_demand→spot");
        assertThat(Files.readString(seen).strip()).isEqualTo("spot spot:on_demand→spot spot 1 full");
    }

    @Test
    void approvedWithChanges_andAsAsked_releasesTheReservationAndNeverStarts() throws Exception {
        Path marker = dir.resolve("started");
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "45",
                "--pricing", "on_demand", "--tag", "checkpoints=true", "--as-asked", "--", "sh", "-c", "touch " + marker);
        assertThat(code).isEqualTo(13);
        assertThat(out.toString()).contains("--as-asked was given; reservation released");
        assertThat(marker).doesNotExist();
        StringWriter list = new StringWriter();
        run(list, new StringWriter(), "gate", "list");
        assertThat(list.toString()).contains("released");
    }

    @Test
    void deniedRequest_neverStartsTheCommand() throws Exception {
        Path marker = dir.resolve("started");
        StringWriter out = new StringWriter();
        // 120 h × 8 (spot) × 1.25 = 1,200 p90 > the 1,000 budget, this month and next
        int code = run(out, new StringWriter(), "run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "120",
                "--pricing", "spot", "--", "sh", "-c", "touch " + marker);
        assertThat(code).isEqualTo(12);
        assertThat(out.toString()).contains("decision  denied", "not started");
        assertThat(marker).doesNotExist();
    }

    @Test
    void pendingRequest_approvedLater_runsWithTheSameArguments_once() throws Exception {
        config = CONFIG + "gate:\n  autoApproveLimit: 100\n";
        Path marker = dir.resolve("ran");
        String[] ask = {"run", "--id", "nightly-7", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "12",
                "--pricing", "spot", "--heartbeat", "50ms", "--", "sh", "-c", "echo ran >> " + marker};
        StringWriter first = new StringWriter();
        assertThat(run(first, new StringWriter(), ask)).as(first.toString()).isEqualTo(10); // 12 h × 8 × 1.25 = 120 p90 > 100: waits for an approver
        assertThat(marker).doesNotExist();

        StringWriter approve = new StringWriter();
        assertThat(run(approve, new StringWriter(), "gate", "approve", "nightly-7", "--reason", "planned", "--as", "lead")).as(approve.toString()).isZero();
        try (dev.burnrate.app.Wiring w = dev.burnrate.app.Wiring.open(dir.resolve("l.duckdb"), dir.resolve("burnrate.yaml"), dev.burnrate.testing.MutableClock.stepping(Instant.parse("2026-09-10T08:00:00Z"), Duration.ofMinutes(2)) /* each reading 2 min later */)) {
            assertThat(w.alerts().list(dev.burnrate.alert.Alert.State.OPEN, 100)).extracting(dev.burnrate.alert.Alert::dedupKey)
                    .as("the approval alert is resolved once the request is decided").doesNotContain("gate-pending:nightly-7");
            assertThat(w.alerts().list(dev.burnrate.alert.Alert.State.RESOLVED, 100)).extracting(dev.burnrate.alert.Alert::dedupKey)
                    .contains("gate-pending:nightly-7");
        }

        StringWriter second = new StringWriter();
        assertThat(run(second, new StringWriter(), ask)).as(second.toString()).isZero();
        assertThat(second.toString()).contains("gate approved by lead after waiting for approval: nightly-7", "finished succeeded")
                .containsPattern("cost \\d+\\.\\d{2} USD \\(p90 estimate 120\\.00 USD\\)");
        assertThat(Files.readString(marker).strip()).isEqualTo("ran");

        StringWriter show = new StringWriter();
        run(show, new StringWriter(), "gate", "show", "nightly-7");
        assertThat(show.toString()).contains("approved  by lead at", ": planned").containsPattern("actual    \\d+\\.\\d{2} USD \\(finished ");

        StringWriter third = new StringWriter();
        assertThat(run(third, new StringWriter(), ask)).as(third.toString()).isEqualTo(14);
        assertThat(third.toString()).contains("is already finished");
        assertThat(Files.readAllLines(marker)).hasSize(1);
    }

    @Test
    void commandThatDoesNotHandleTheCheckpointSignal_isNotKilledByIt_andSeesTheCheckpointFile() throws Exception {
        config = CONFIG.replace("{action: stop, after: 10m}", "{action: stop, after: 100h}");
        Path seen = dir.resolve("seen");
        // no trap for USR1: the signal's default action would terminate sh; it ends by itself after ~40 heartbeats
        String script = "i=0; while [ $i -lt 60 ]; do sleep 0.05; i=$((i+1)); [ -f \"$BURNRATE_CHECKPOINT_FILE\" ] && echo yes > " + seen + "; done; exit 0";
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "run", "--model", "churn", "--team", "ml", "--instance", "p4d.24xlarge", "--hours", "1",
                "--heartbeat", "100ms", "--", "sh", "-c", script);
        assertThat(out.toString()).contains("guard checkpoint", "no process of the command handles USR1, so it was not sent");
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("finished succeeded");
        assertThat(Files.readString(seen).strip()).isEqualTo("yes");
    }
}

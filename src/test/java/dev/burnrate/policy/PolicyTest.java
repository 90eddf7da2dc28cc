package dev.burnrate.policy;

import dev.burnrate.app.Main;
import dev.burnrate.spec.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Policy files, CEL conditions, fixtures and the Terraform plan check, through the command line where users meet them. */
class PolicyTest {
    static final Path EXAMPLES = Path.of("examples/policies");
    static final Path RES = Path.of("src/test/resources/policy");

    @TempDir
    Path dir;

    int cli(StringWriter out, String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true), Clock.fixed(Instant.parse("2026-09-10T08:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void shippedExamples_passTheirFixtures() {
        StringWriter out = new StringWriter();
        int code = cli(out, "policy", "test", "--policies", EXAMPLES.resolve("gate.yaml").toString(), RES.resolve("gate-cases.yaml").toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("3 of 3 cases passed");
    }

    @Test
    void shippedJobPolicies_passTheirFixtures_includingHasForAnOptionalGpuFigure() {
        StringWriter out = new StringWriter();
        int code = cli(out, "policy", "test", "--policies", EXAMPLES.resolve("jobs.yaml").toString(), RES.resolve("job-cases.yaml").toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("5 of 5 cases passed");
    }

    @Test
    void aFixtureThatExpectsTheWrongOutcome_failsNamingBoth() throws Exception {
        Path cases = dir.resolve("wrong.yaml");
        Files.writeString(cases, """
                cases:
                  - name: expects nothing but gets a deny
                    applies_to: gate_request
                    input: {request: {kind: full, pricing: spot, instance_type: p5.48xlarge, tags: {cost_center: x, env: dev}}, estimate: {p90: 1}}
                    expect: []
                """);
        StringWriter out = new StringWriter();
        assertThat(cli(out, "policy", "test", "--policies", EXAMPLES.resolve("gate.yaml").toString(), cases.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL expects nothing but gets a deny", "wrong.yaml:2", "expected []", "got [deny:no-p5-outside-prod]");
    }

    @Test
    void terraformPlan_deniesAnUntaggedMachine_pricesTheRest_andSkipsNonCompute() {
        StringWriter out = new StringWriter();
        int code = cli(out, "policy", "check", "--terraform-plan", RES.resolve("plan.json").toString(), "--policies", EXAMPLES.resolve("terraform.yaml").toString());
        String s = out.toString();
        assertThat(code).as(s).isEqualTo(1);
        // p4d.24xlarge 21.957642 × 730 = 16,029.08; a2-highgpu-1g 3.673385 × 730 = 2,681.57; g5.12xlarge 5.672 × 730 = 4,140.56
        assertThat(s).contains("aws_instance.trainer", "16029.08", "deny (tf-gpu-outside-prod)", "warn (tf-monthly-above-10k)");
        assertThat(s).contains("aws_instance.notebook", "4140.56", "deny (tf-required-tags)");
        assertThat(s).contains("google_compute_instance.inference", "2681.57");
        assertThat(s).contains("projected monthly cost (on-demand × 730 h): 22851.21 USD", "aws_s3_bucket.datasets (aws_s3_bucket)", "DENIED by policy");
        assertThat(s).doesNotContain("aws_instance.old");
    }

    @Test
    void aConditionThatDoesNotCompile_failsAtLoadWithFileAndLine() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                policies:
                  - name: typo
                    applies_to: gate_request
                    condition: requets.kind == 'full'
                    effect: deny
                """);
        assertThatThrownBy(() -> PolicySpecs.load(bad)).isInstanceOf(SpecException.class)
                .hasMessageContaining("bad.yaml:4").hasMessageContaining("policies[0][typo].condition").hasMessageContaining("requets");
        Files.writeString(bad, """
                policies:
                  - name: wrong-effect
                    applies_to: gate_request
                    condition: "true"
                    effect: explode
                """);
        assertThatThrownBy(() -> PolicySpecs.load(bad)).hasMessageContaining("bad.yaml:5").hasMessageContaining("'explode' is not one of deny");
    }

    @Test
    void dryRun_isReportedAsSuch_andAnEvaluationErrorIsNotAMatch() {
        PolicySet set = PolicySet.of(List.of(
                new Policy("watch", Policy.AppliesTo.JOB, "job.spend > 100", Policy.Effect.NOTIFY, Policy.Mode.DRY_RUN, "watch spend", "t:1"),
                new Policy("needs-key", Policy.AppliesTo.JOB, "job.missing == 'x'", Policy.Effect.DENY, Policy.Mode.ENFORCE, null, "t:2")));
        List<PolicySet.Hit> hits = set.evaluate(Policy.AppliesTo.JOB, Map.of("job", Map.of("spend", 150L)));
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).enforced()).isFalse();
        assertThat(hits.get(0).describe()).isEqualTo("dry-run notify (watch): watch spend");
        assertThat(hits.get(1).error()).contains("missing");
        assertThat(set.evaluate(Policy.AppliesTo.GATE_REQUEST, Map.of("request", Map.of(), "estimate", Map.of()))).isEmpty();
    }
}

package dev.burnrate.policy;

import dev.burnrate.app.Main;
import dev.burnrate.pricing.PriceCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real {@code terraform show -json} plans (Terraform 1.11.4, hashicorp/aws 5.100.0; configurations beside them in
 * src/test/resources/policy, see NOTICE): a GPU fleet as it is usually provisioned — launch templates, auto scaling
 * groups (one with a mixed instances policy), an EKS managed node group, a plain instance in a module — under a
 * default provider whose region is a variable and an aliased provider in us-west-2; and a plan with no changes.
 */
class TerraformPlanTest {
    static final Path RES = Path.of("src/test/resources/policy");
    static final PriceCatalog CATALOG = PriceCatalog.bundled();

    @TempDir
    Path dir;

    private static Map<String, TerraformPlan.Resource> fleet() {
        return TerraformPlan.read(RES.resolve("plan-gpu-fleet.json"), CATALOG).resources().stream()
                .collect(Collectors.toMap(TerraformPlan.Resource::address, Function.identity()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void gpuFleet_groupsAndNodeGroups_arePricedAsCountTimesHourlyTimes730() {
        Map<String, TerraformPlan.Resource> r = fleet();
        TerraformPlan.Resource asg = r.get("aws_autoscaling_group.trainers");
        assertThat(asg.variables()).containsEntry("instance_type", "p4d.24xlarge").containsEntry("count", 2L)
                .containsEntry("max_count", 4L).containsEntry("gpu_count", 8L).containsEntry("total_gpus", 16L)
                .containsEntry("region", "us-east-1");
        assertThat(asg.monthlyCost()).isEqualByComparingTo("32058.16");              // 2 × 21.957642 × 730
        assertThat(asg.variables().get("max_monthly_cost")).isEqualTo(64116.31);      // 4 × 21.957642 × 730
        // the template's tags reach the group that launches from it
        assertThat((Map<String, Object>) asg.variables().get("tags")).containsEntry("env", "dev").containsEntry("team", "ml");

        TerraformPlan.Resource eks = r.get("aws_eks_node_group.gpu");
        assertThat(eks.variables()).containsEntry("instance_types", List.of("g5.12xlarge")).containsEntry("count", 3L)
                .containsEntry("max_count", 6L).containsEntry("gpu_count", 4L);
        assertThat(eks.monthlyCost()).isEqualByComparingTo("12421.68");              // 3 × 5.672 × 730

        TerraformPlan.Resource template = r.get("aws_launch_template.trainer");
        assertThat(template.variables()).containsEntry("count", 0L).containsEntry("gpu_count", 8L);
        assertThat(template.monthlyCost()).isEqualByComparingTo("0");                // runs nothing itself
    }

    @Test
    void gpuFleet_regionComesFromTheProviderConfiguration_aliasesAndModulesIncluded() {
        Map<String, TerraformPlan.Resource> r = fleet();
        // default provider: region = var.region, planned as us-east-1; a module's instance inherits it
        assertThat(r.get("module.serving.aws_instance.gpu").variables()).containsEntry("region", "us-east-1");
        assertThat(r.get("module.serving.aws_instance.gpu").monthlyCost()).isEqualByComparingTo("734.38");
        // provider = aws.west (us-west-2): the catalog has no us-west-2 price, so no price, never the us-east-1 one
        TerraformPlan.Resource west = r.get("aws_instance.west_trainer");
        assertThat(west.variables()).containsEntry("region", "us-west-2").containsEntry("priced", false)
                .containsEntry("gpu_count", 8L);                                      // a p4d has 8 GPUs in any region
        assertThat(west.monthlyCost()).isNull();
        assertThat(west.priceNote()).contains("p4d.24xlarge", "us-west-2");
        TerraformPlan.Resource mixed = r.get("aws_autoscaling_group.inference");
        assertThat(mixed.variables()).containsEntry("region", "us-west-2").containsEntry("instance_types", List.of("g5.xlarge", "g5.2xlarge"))
                .containsEntry("count", 1L).containsEntry("max_count", 8L);          // desired unknown: min_size
        assertThat(mixed.monthlyCost()).isNull();
    }

    @Test
    void mixedInstancesPolicy_isPricedAtItsDearestOverride() throws Exception {
        String plan = Files.readString(RES.resolve("plan-gpu-fleet.json")).replace("\"us-west-2\"", "\"us-east-1\"");
        Path p = Files.writeString(dir.resolve("east.json"), plan);
        TerraformPlan.Resource mixed = TerraformPlan.read(p, CATALOG).resources().stream()
                .filter(x -> x.address().equals("aws_autoscaling_group.inference")).findFirst().orElseThrow();
        assertThat(mixed.monthlyCost()).isEqualByComparingTo(new BigDecimal("1.212").multiply(new BigDecimal("730"))); // g5.2xlarge
        assertThat(mixed.variables().get("max_monthly_cost")).isEqualTo(7078.08);    // 8 × 1.212 × 730
    }

    @Test
    void policyCheck_gpuFleet_policiesSeeTemplatesAndGroups() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[]{"policy", "check", "--terraform-plan", RES.resolve("plan-gpu-fleet.json").toString(),
                        "--policies", "examples/policies/terraform.yaml"}, new PrintWriter(out, true), new PrintWriter(out, true),
                Clock.fixed(Instant.parse("2026-12-03T08:00:00Z"), ZoneOffset.UTC));
        String s = out.toString();
        assertThat(code).as(s).isEqualTo(1);
        assertThat(s).containsPattern("aws_autoscaling_group\\.trainers .*32058\\.16.*deny \\(tf-gpu-outside-prod\\)");
        assertThat(s).containsPattern("aws_launch_template\\.trainer .*deny \\(tf-gpu-outside-prod\\)");
        assertThat(s).containsPattern("aws_instance\\.west_trainer .*p4d\\.24xlarge +1 +8 +\\(no price\\)");
        assertThat(s).contains("projected monthly cost (on-demand × 730 h): 45214.22 USD");  // 32058.16 + 12421.68 + 734.38
        assertThat(s).contains("2 resource(s) without a price, not in the total");
        assertThat(s).doesNotContain("not compute, not checked");
    }

    @Test
    void aPlanWithNoChanges_passes() {
        assertThat(TerraformPlan.read(RES.resolve("plan-no-changes.json"), CATALOG).resources()).isEmpty();
        StringWriter out = new StringWriter();
        int code = Main.run(new String[]{"policy", "check", "--terraform-plan", RES.resolve("plan-no-changes.json").toString(),
                        "--policies", "examples/policies/terraform.yaml"}, new PrintWriter(out, true), new PrintWriter(out, true),
                Clock.fixed(Instant.parse("2026-12-03T08:00:00Z"), ZoneOffset.UTC));
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("no enforced deny");
    }

    @Test
    void trailingGarbageAfterThePlan_isAnError_namingWhere() throws Exception {
        Path p = Files.writeString(dir.resolve("plan.json"), Files.readString(RES.resolve("plan-no-changes.json")).strip()
                + "\n{\"resource_changes\": []}\n");
        assertThatThrownBy(() -> TerraformPlan.read(p, CATALOG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plan.json (line 2, column").hasMessageContaining("not a JSON plan");
    }
}

package dev.burnrate.cli;

import dev.burnrate.policy.Policy;
import dev.burnrate.policy.PolicyFixtures;
import dev.burnrate.policy.PolicySet;
import dev.burnrate.policy.PolicySpecs;
import dev.burnrate.policy.TerraformPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "policy", description = "Policy-as-code: list, test against fixtures, check a Terraform plan.",
        subcommands = {PolicyCommand.ListPolicies.class, PolicyCommand.Test.class, PolicyCommand.Check.class})
final class PolicyCommand {
    @ParentCommand
    BurnrateCommand root;

    /** Policies of burnrate.yaml, or of --policies (a file or directory) when given. No database needed. */
    static PolicySet load(BurnrateCommand root, Path policies) {
        if (policies != null) return PolicySet.of(PolicySpecs.load(policies));
        return PolicySet.of(root.policies());
    }

    @Command(name = "list", description = "The policies in force, with where they were declared.")
    static final class ListPolicies implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @Option(names = "--policies", description = "a policy file or directory instead of burnrate.yaml's")
        Path policies;
        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            List<List<String>> rows = new ArrayList<>();
            for (Policy p : load(parent.root, policies).policies()) {
                rows.add(List.of(p.name(), p.appliesTo().label(), p.effect().label(), p.mode().label(), p.condition(), p.source()));
            }
            Output.print(parent.root.out, format, List.of("name", "applies_to", "effect", "mode", "condition", "source"), rows, null);
            return 0;
        }
    }

    @Command(name = "test", description = "Run policies against fixture inputs with expected outcomes; exit 1 when any case fails.")
    static final class Test implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @Option(names = "--policies", description = "a policy file or directory instead of burnrate.yaml's")
        Path policies;
        @Parameters(arity = "1..*", paramLabel = "FIXTURE", description = "Fixture files (YAML): inputs and the outcome each policy must give")
        List<Path> fixtures;

        @Override
        public Integer call() {
            PolicySet set = load(parent.root, policies);
            int failed = 0;
            int total = 0;
            for (Path f : fixtures) {
                for (PolicyFixtures.Result r : PolicyFixtures.run(set, PolicyFixtures.load(f))) {
                    total++;
                    if (r.passed()) {
                        parent.root.out.println("PASS " + r.testCase().name());
                    } else {
                        failed++;
                        parent.root.out.println("FAIL " + r.testCase().name() + " (" + r.testCase().source() + "): expected " + r.testCase().expect()
                                + ", got " + r.actual());
                    }
                }
            }
            parent.root.out.println(total - failed + " of " + total + " cases passed");
            parent.root.out.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "check", description = {"Check a `terraform show -json` plan: instance types, GPU counts, tags, projected monthly cost.",
            "Exit 1 when an enforced policy denies a resource (for CI)."})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @Option(names = "--terraform-plan", required = true, paramLabel = "PLAN.json", description = "Output of terraform show -json")
        Path plan;
        @Option(names = "--policies", description = "a policy file or directory instead of burnrate.yaml's")
        Path policies;
        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            PolicySet set = load(parent.root, policies);
            TerraformPlan.Parsed parsed = TerraformPlan.read(plan, parent.root.catalog());
            List<List<Object>> rows = new ArrayList<>();
            boolean denied = false;
            BigDecimal total = BigDecimal.ZERO;
            for (TerraformPlan.Resource r : parsed.resources()) {
                List<String> hits = new ArrayList<>();
                for (PolicySet.Hit h : set.evaluate(Policy.AppliesTo.TERRAFORM_RESOURCE, java.util.Map.of("resource", r.variables()))) {
                    hits.add(h.error() != null ? "error (" + h.policy().name() + "): " + h.error() : h.describe());
                    if (h.enforced() && h.error() == null && h.effect() == Policy.Effect.DENY) denied = true;
                }
                if (r.monthlyCost() != null) total = total.add(r.monthlyCost());
                rows.add(List.of(r.address(), String.join(",", (List<String>) r.variables().get("instance_types")),
                        String.valueOf(r.variables().get("count")), String.valueOf(r.variables().get("gpu_count")),
                        r.monthlyCost() == null ? "(no price)" : Output.money(r.monthlyCost(), "USD"), String.valueOf(r.priceNote()),
                        hits.isEmpty() ? "ok" : String.join(" | ", hits)));
            }
            List<String> footer = new ArrayList<>();
            footer.add("projected monthly cost (on-demand × 730 h): " + dev.burnrate.ledger.Money.display(total, "USD") + " USD");
            long unpriced = parsed.resources().stream().filter(r -> r.monthlyCost() == null).count();
            if (unpriced > 0) footer.add(unpriced + " resource(s) without a price, not in the total (see basis)");
            if (!parsed.skipped().isEmpty()) footer.add("not compute, not checked: " + String.join(", ", parsed.skipped()));
            footer.add(denied ? "DENIED by policy" : "no enforced deny");
            Output.print(parent.root.out, format, List.of("resource", "instance_type", "count", "gpus", "monthly_usd", "basis", "policies"), rows, footer);
            return denied ? 1 : 0;
        }
    }
}

package dev.burnrate.cli;

import dev.burnrate.allocation.TrainingEconomics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "unit-costs", description = {"Training unit economics per model or team.",
        "Runs, cost per run and per instance-hour, retraining spend per month, GPU utilisation and idle GPU cost (from GPU samples)."},
        subcommands = UnitCostsCommand.LifecycleCommand.class)
final class UnitCostsCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--by", defaultValue = "model", description = "model|team")
    String by;

    @Option(names = "--idle-below", defaultValue = "5", description = "GPU utilisation (%%) under which GPU time counts as idle (default ${DEFAULT-VALUE})")
    double idleBelow;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Override
    public Integer call() {
        if (!by.equals("model") && !by.equals("team")) throw new IllegalArgumentException("--by " + by + ": expected model or team");
        try (Services s = root.open()) {
            List<List<Object>> rows = new ArrayList<>();
            for (TrainingEconomics.Line l : s.trainingEconomics().byOwner(by, idleBelow)) {
                rows.add(List.of(l.key(), l.currency(), String.valueOf(l.runs()), String.valueOf(l.estimatedRuns()), Output.money(l.cost(), l.currency()),
                        Output.money(l.costPerRun(), l.currency()), Output.rate(l.costPerInstanceHour(), l.currency()),
                        new Output.Text(l.retrainingByMonth().entrySet().stream().map(e -> e.getKey() + ":" + dev.burnrate.ledger.Money.display(e.getValue(), l.currency())).collect(Collectors.joining(" ")),
                                l.retrainingByMonth().entrySet().stream().map(e -> e.getKey() + ":" + plain(e.getValue())).collect(Collectors.joining(" "))),
                        l.meanGpuUtilization() == null ? "" : String.format(Locale.ROOT, "%.1f%%", l.meanGpuUtilization()), Output.money(l.idleCost(), l.currency())));
            }
            Output.print(root.out, format, List.of(by, "currency", "runs", "estimated_runs", "cost", "cost_per_run", "cost_per_instance_hour",
                    "retraining_by_month", "gpu_util_mean", "idle_gpu_cost"), rows, null);
        }
        return 0;
    }

    @Command(name = "lifecycle", description = "Training vs inference spend per model and month.")
    static final class LifecycleCommand implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        UnitCostsCommand parent;

        @Option(names = "--from", description = "First month, YYYY-MM (default: 2 months ago)")
        String from;

        @Option(names = "--to", description = "Last month, YYYY-MM (default: this month)")
        String to;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
        Output.Format format;

        @Override
        public Integer call() {
            java.time.YearMonth now = java.time.YearMonth.now(parent.root.clock);
            java.time.YearMonth f = from == null ? now.minusMonths(2) : java.time.YearMonth.parse(from);
            java.time.YearMonth t = to == null ? now : java.time.YearMonth.parse(to);
            try (Services s = parent.root.open()) {
                List<List<Object>> rows = new ArrayList<>();
                for (dev.burnrate.allocation.Lifecycle.Line l : new dev.burnrate.allocation.Lifecycle(s.jobs(), s.jobCosts(),
                        new dev.burnrate.allocation.InferenceEconomics(s.inference())).byModel(f, t)) {
                    String share = l.total().signum() == 0 ? "" : l.training().multiply(java.math.BigDecimal.valueOf(100))
                            .divide(l.total(), 1, java.math.RoundingMode.HALF_EVEN).toPlainString() + "%";
                    rows.add(List.of(l.model(), l.month().toString(), l.currency(), Output.money(l.training(), l.currency()), Output.money(l.inference(), l.currency()),
                            Output.money(l.total(), l.currency()), share));
                }
                Output.print(parent.root.out, format, List.of("model", "month", "currency", "training", "inference", "total", "training_share"), rows, null);
            }
            return 0;
        }
    }

    private static String plain(java.math.BigDecimal v) {
        return dev.burnrate.ledger.Money.plain(v);
    }
}

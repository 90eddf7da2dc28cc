package dev.burnrate.cli;

import dev.burnrate.budget.Budget;
import dev.burnrate.budget.BudgetStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "budgets", description = {"Budget status: spent, reserved, forecast, remaining, burn rate, days to exhaustion.",
        "Evaluating raises an alert the first time each threshold is crossed in a period."},
        subcommands = {BudgetsCommand.Add.class, BudgetsCommand.Remove.class})
final class BudgetsCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Override
    public Integer call() {
        try (Services s = root.open()) {
            List<List<Object>> rows = new ArrayList<>();
            for (BudgetStatus st : s.budgets().evaluate()) {
                Budget b = st.budget();
                rows.add(List.of(b.id(), st.periodStart() + ".." + st.periodEnd().minusDays(1), b.amount().currency(), Output.money(b.amount()),
                        Output.money(st.spent()), st.percentSpent().toPlainString() + "%", Output.money(st.reserved()), Output.money(st.forecastAtEnd()),
                        new Output.Text(st.forecastLow().display() + "-" + st.forecastHigh().display(), st.forecastLow().plain() + "-" + st.forecastHigh().plain()),
                        Output.money(st.remaining()), Output.money(st.burnRatePerDay()),
                        st.daysToExhaustion() == null ? "" : st.daysToExhaustion().toPlainString(),
                        String.join(" ", st.crossed().stream().map(Budget.Threshold::label).toList())));
            }
            Output.print(root.out, format, List.of("budget", "period", "currency", "amount", "spent", "spent_pct", "reserved",
                    "forecast_end", "forecast_80pct", "remaining", "burn_per_day", "days_left", "crossed"), rows, null);
        }
        return 0;
    }

    @Command(name = "add", description = "Create or replace a budget from a JSON or YAML spec (a file, or the text itself).")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        BudgetsCommand parent;

        @Parameters(paramLabel = "SPEC", description = "FILE or inline JSON, e.g. '{id: fraud, scope: {team: fraud}, amount: 5000, currency: USD}'")
        String spec;

        @Override
        public Integer call() throws IOException {
            String text = Files.isRegularFile(Path.of(spec)) ? Files.readString(Path.of(spec)) : spec;
            try (Services s = parent.root.open()) {
                Budget b = s.budgets().put(text, parent.root.actor());
                parent.root.out.println("budget " + b.id() + " stored: " + b.amount() + " " + b.period().kind().name().toLowerCase());
                parent.root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Delete a budget created with 'budgets add' or the API.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        BudgetsCommand parent;

        @Parameters(paramLabel = "ID", description = "The budget id")
        String id;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                if (!s.budgets().delete(id, parent.root.actor())) throw new IllegalArgumentException("no stored budget '" + id + "'");
                parent.root.out.println("budget " + id + " removed");
                parent.root.out.flush();
            }
            return 0;
        }
    }
}

package dev.burnrate.cli;

import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostQueryParser;
import dev.burnrate.ledger.Money;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Coverage;
import dev.burnrate.ledger.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "costs", description = {"Cost explorer: where does the money go?",
        "Sums one cost basis over charges whose ChargePeriodStart is in [--from, --to)."},
        subcommands = CostsCommand.CoverageCommand.class)
final class CostsCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--by", paramLabel = "DIM[,DIM...]", description = "Dimensions or FOCUS columns, e.g. team,model or ServiceName")
    String by;

    @Option(names = "--from", paramLabel = "DATE", description = "Inclusive start, YYYY-MM-DD (UTC)")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Exclusive end, YYYY-MM-DD (UTC)")
    String to;

    @Option(names = "--granularity", defaultValue = "none", description = "none|day|week|month")
    String granularity;

    @Option(names = "--basis", defaultValue = "effective", description = "effective|billed|list|contracted (show back on effective, reconcile on billed)")
    String basis;

    @Option(names = "--filter", paramLabel = "DIM=VALUE", description = "Repeatable; DIM=A,B or a repeated DIM means any of the values, different DIMs must all hold")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json")
    Output.Format format;

    @Option(names = "--allocate", description = "Direct + shared (split by the allocation rules in burnrate.yaml) + total per owner; --by names one owner dimension")
    boolean allocate;

    @Option(names = "--idle", description = "With --allocate: move the idle GPU cost of each owner's runs into __idle__")
    boolean idle;

    @Override
    public Integer call() {
        CostQuery q = CostQueryParser.parse(by, from, to, granularity, basis, filters);
        if (allocate) return allocated(root, q, format, idle);
        try (Services s = root.open()) {
            CostReport r = s.costs().costs(q);
            List<String> cols = new ArrayList<>();
            if (q.granularity() != dev.burnrate.ledger.Granularity.NONE) cols.add("period");
            q.groupBy().stream().map(Field::name).forEach(cols::add);
            cols.add("currency");
            cols.add("cost");
            cols.add("records");
            List<List<Object>> rows = new ArrayList<>();
            for (CostReport.Row row : r.rows()) {
                List<Object> line = new ArrayList<>();
                if (row.period() != null) line.add(row.period().toString());
                line.addAll(row.keys());
                line.add(row.cost().currency());
                line.add(Output.money(row.cost()));
                line.add(String.valueOf(row.records()));
                rows.add(line);
            }
            List<String> footer = new ArrayList<>();
            r.totals().forEach((c, a) -> footer.add("total " + q.basis().name().toLowerCase() + " " + Money.display(a, c) + " " + c));
            Output.print(root.out, format, cols, rows, footer);
        }
        return 0;
    }

    static int allocated(BurnrateCommand root, CostQuery q, Output.Format format, boolean idle) {
        if (q.groupBy().size() != 1) throw new IllegalArgumentException("--allocate needs exactly one owner dimension in --by, e.g. --by team");
        try (Services s = root.open()) {
            List<dev.burnrate.allocation.Allocation.Line> lines = s.allocation().allocate(q.groupBy().get(0), q.from(), q.to(), q.granularity(), q.basis(), q.filters(), idle);
            java.util.TreeSet<String> ruleNames = new java.util.TreeSet<>();
            lines.forEach(l -> ruleNames.addAll(l.shared().keySet()));
            List<String> cols = new ArrayList<>();
            if (q.granularity() != dev.burnrate.ledger.Granularity.NONE) cols.add("period");
            cols.add(q.groupBy().get(0).name());
            cols.add("currency");
            cols.add("direct");
            ruleNames.forEach(r -> cols.add("shared:" + r));
            cols.add("total");
            List<List<Object>> rows = new ArrayList<>();
            java.util.Map<String, BigDecimal> totals = new java.util.TreeMap<>();
            for (dev.burnrate.allocation.Allocation.Line l : lines) {
                List<Object> r = new ArrayList<>();
                if (l.period() != null) r.add(l.period().toString());
                r.add(l.owner());
                r.add(l.currency());
                r.add(Output.money(l.direct(), l.currency()));
                for (String rule : ruleNames) r.add(Output.money(l.shared().getOrDefault(rule, BigDecimal.ZERO), l.currency()));
                r.add(Output.money(l.total(), l.currency()));
                rows.add(r);
                totals.merge(l.currency(), l.total(), BigDecimal::add);
            }
            List<String> footer = new ArrayList<>();
            totals.forEach((c, a) -> footer.add("total " + q.basis().name().toLowerCase() + " " + Money.display(a, c) + " " + c + " (equals the bill)"));
            Output.print(root.out, format, cols, rows, footer);
        }
        return 0;
    }

    static String plain(BigDecimal v) {
        return dev.burnrate.ledger.Money.plain(v);
    }

    @Command(name = "coverage", description = "Tag coverage: share of effective cost that carries each dimension.")
    static final class CoverageCommand implements Callable<Integer> {
        @ParentCommand
        CostsCommand parent;

        @Option(names = "--from", paramLabel = "DATE", description = "Inclusive start, YYYY-MM-DD (UTC)")
        String from;

        @Option(names = "--to", paramLabel = "DATE", description = "Exclusive end, YYYY-MM-DD (UTC)")
        String to;

        @Option(names = "--format", defaultValue = "table", description = "table|csv|json")
        Output.Format format;

        @Override
        public Integer call() {
            var f = CostQueryParser.date("from", from);
            var t = CostQueryParser.date("to", to);
            try (Services s = parent.root.open()) {
                Coverage c = s.costs().coverage(f, t);
                List<List<Object>> rows = new ArrayList<>();
                for (Coverage.Line l : c.lines()) {
                    rows.add(List.of(l.dimension(), l.currency(), Output.money(l.tagged(), l.currency()), Output.money(l.total(), l.currency()),
                            l.percent() == null ? "" : l.percent().toPlainString() + "%"));
                }
                Output.print(parent.root.out, format, List.of("dimension", "currency", "tagged_effective", "total_effective", "coverage"), rows, null);
            }
            return 0;
        }
    }
}

package dev.burnrate.cli;

import dev.burnrate.ledger.Money;
import dev.burnrate.recommend.Recommendation;
import dev.burnrate.recommend.Recommendations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "recommend", description = {"Savings recommendations with their evidence and monthly saving.",
        "Commitments (unused commitment dollars; purchases up to the steady on-demand floor over 7, 30 and 60 days, with term and break-even), "
                + "idle GPU jobs (p95 < 3%% over 3 days while billed), non-production jobs idle outside working hours (a schedule), "
                + "oversized GPU jobs (p95 + headroom to 70%% fits fewer GPUs), training families that checkpoint moved to spot (less the restart "
                + "overhead, checkpoint interval by Young/Daly), inference (a cheaper variant of a model within its P95 or latency SLO; endpoints "
                + "consolidated where requests per instance-hour are low) and storage (object storage unchanged for 60 days tiered to infrequent "
                + "access; cross-region transfer lines). Savings are per 30-day month at the bill's effective prices, "
                + "per currency; the same dollars are never counted twice."},
        subcommands = {RecommendCommand.Accept.class, RecommendCommand.Dismiss.class, RecommendCommand.Implemented.class})
final class RecommendCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--kind", description = "rightsize|idle|schedule|spot|commitment|inference|storage")
    String kind;

    @Option(names = "--team", description = "Only this team's recommendations (commitments, and resources no tag names a team for, belong to no team)")
    String team;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Override
    public Integer call() {
        Recommendation.Kind k;
        try {
            k = kind == null ? null : Recommendation.Kind.parse(kind);
        } catch (IllegalArgumentException e) {
            throw new dev.burnrate.ledger.InvalidParameterException("--kind", kind, "expected rightsize, idle, schedule, spot, commitment, inference or storage");
        }
        try (Services s = root.open()) {
            Recommendations.Listing l = s.recommendations().list(new Recommendations.Filter(k, team == null ? null : Set.of(team)));
            List<List<Object>> rows = new ArrayList<>();
            Map<String, BigDecimal> totals = new TreeMap<>();
            for (Recommendation r : l.recommendations()) {
                String evidence = r.evidence().numbers().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
                rows.add(List.of(r.id(), r.kind().label(), r.team() == null ? "" : r.team(), r.target(), r.monthlySaving().currency(),
                        Output.money(r.monthlySaving()), r.risk().label(), r.state().status().label() + (r.state().reason() == null ? "" : ": " + r.state().reason()),
                        r.action(), r.evidence().from() + "/" + r.evidence().to(), r.evidence().rule(), evidence));
                if (r.state().status() == Recommendation.Status.OPEN || r.state().status() == Recommendation.Status.ACCEPTED) totals.merge(r.monthlySaving().currency(), r.monthlySaving().amount(), BigDecimal::add);
            }
            List<String> columns = List.of("id", "kind", "team", "target", "currency", "monthly_saving", "risk", "state", "action", "window", "rule", "evidence");
            if (format == Output.Format.table) {
                List<List<Object>> shown = rows.stream().map(r -> List.<Object>of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7)))
                        .toList();
                List<String> footer = new ArrayList<>();
                totals.forEach((c, a) -> footer.add("potential monthly saving: " + Money.display(a, c) + " " + c + " (open and accepted; dismissed and implemented left out)"));
                dev.burnrate.recommend.CommitmentReport c = l.result().commitments();
                if (team == null && (k == null || k == Recommendation.Kind.COMMITMENT)) { // the bill's commitments, under their own kind
                    for (dev.burnrate.recommend.CommitmentReport.Commitment x : c.commitments()) {
                        footer.add("commitment " + (x.name() == null ? x.id() : x.name()) + " " + c.from() + ".." + c.to() + ": used "
                                + Money.display(x.usedEffective(), x.currency()) + ", unused " + Money.display(x.unusedEffective(), x.currency()) + " " + x.currency()
                                + ", utilisation " + percent(x.utilisation()));
                    }
                    for (dev.burnrate.recommend.CommitmentReport.ServiceCoverage x : c.coverage()) {
                        footer.add("coverage " + x.service() + ": " + percent(x.coverage()) + " of " + Money.display(x.coveredList().add(x.onDemandList()), x.currency())
                                + " " + x.currency() + " at list (committed vs on demand)");
                    }
                }
                for (dev.burnrate.recommend.RealisedSavings.Realised x : s.recommendations().realised(new Recommendations.Filter(k, team == null ? null : Set.of(team)))) {
                    footer.add(realisedLine(x));
                }
                l.result().notes(k).forEach(n -> footer.add("note: " + n));
                if (rows.isEmpty()) footer.add("no recommendations");
                Output.print(root.out, format, columns.subList(0, 8), shown, footer);
            } else {
                Output.print(root.out, format, columns, rows, null);
            }
        }
        return 0;
    }

    /** One implemented recommendation, measured: before and after per 30 days, the realised saving against the expected one. */
    static String realisedLine(dev.burnrate.recommend.RealisedSavings.Realised x) {
        String c = x.currency();
        String head = "realised " + x.id() + " (" + x.target() + ", implemented " + x.implementedAt() + "): ";
        if (x.realised() == null) return head + x.note();
        return head + Money.display(x.realised(), c) + " " + c + " a month (expected " + Money.display(x.expected(), c) + "): spend per 30 days "
                + Money.display(x.beforePerMonth(), c) + " before " + x.beforeTo().toString().substring(0, 10) + ", " + Money.display(x.afterPerMonth(), c)
                + " after, over " + x.afterDays() + " days of bills from " + x.afterFrom().toString().substring(0, 10);
    }

    private static String percent(BigDecimal ratio) {
        return ratio == null ? "n/a (no dollars on the covered rows)" : ratio.movePointRight(2).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString() + "%";
    }

    @Command(name = "accept", description = "Accept a recommendation (kept by its id; audited).")
    static final class Accept implements Callable<Integer> {
        @ParentCommand
        RecommendCommand parent;

        @Parameters(paramLabel = "ID", description = "The recommendation id, as listed by 'burnrate recommend'")
        String id;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                Recommendation r = s.recommendations().accept(id, parent.root.actor());
                parent.root.out.println("recommendation " + r.id() + " accepted: " + r.monthlySaving().displayWithCurrency() + " a month");
                parent.root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "dismiss", description = "Dismiss a recommendation, with the reason (kept by its id; audited).")
    static final class Dismiss implements Callable<Integer> {
        @ParentCommand
        RecommendCommand parent;

        @Parameters(paramLabel = "ID", description = "The recommendation id, as listed by 'burnrate recommend'")
        String id;

        @Option(names = "--reason", required = true, description = "Why (kept with the dismissal)")
        String reason;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                Recommendation r = s.recommendations().dismiss(id, reason, parent.root.actor());
                parent.root.out.println("recommendation " + r.id() + " dismissed: " + reason);
                parent.root.out.flush();
            }
            return 0;
        }
    }

    @Command(name = "implemented", description = "Record that a recommendation was implemented (kept by its id; audited); its realised saving is measured "
            + "from the bills that follow: spend per 30 days before acceptance against after implementation.")
    static final class Implemented implements Callable<Integer> {
        @ParentCommand
        RecommendCommand parent;

        @Parameters(paramLabel = "ID", description = "The recommendation id, as listed by 'burnrate recommend'")
        String id;

        @Override
        public Integer call() {
            try (Services s = parent.root.open()) {
                dev.burnrate.recommend.RealisedSavings.Realised r = s.recommendations().implemented(id, parent.root.actor());
                parent.root.out.println("recommendation " + r.id() + " implemented at " + r.implementedAt());
                parent.root.out.println(realisedLine(r));
                parent.root.out.flush();
            }
            return 0;
        }
    }
}

package dev.burnrate.cli;

import dev.burnrate.slo.Slo;
import dev.burnrate.slo.SloEvaluator;
import dev.burnrate.slo.SloStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "slo", description = {"SLOs of the AI services and GPU pools: SLI, objective, error budget left, burn rates, alerting state.",
        "Burn rates over 1h, 6h and 3d, and which multi-window rules fire (page 14.4x 1h/5m, 6x 6h/30m; ticket 1x 3d/6h).",
        "Read only: the server's loop raises the alerts every 5 minutes."})
final class SloCommand implements Callable<Integer> {
    @ParentCommand
    BurnrateCommand root;

    @Option(names = "--format", defaultValue = "table", description = "table|csv|json (default ${DEFAULT-VALUE})")
    Output.Format format;

    @Override
    public Integer call() {
        try (Services s = root.open()) {
            List<List<Object>> rows = new ArrayList<>();
            for (SloStatus st : s.slos().statuses()) {
                Slo slo = st.slo();
                rows.add(List.of(slo.id(), slo.scope().toString(), slo.sli().label(), value(st.sli(), slo), value(st.sliLastHour(), slo),
                        slo.objective().toString(), slo.target().toPlainString() + "%", SloEvaluator.label(slo.window()),
                        pct(st.goodPercent(), 3), pct(st.budgetRemainingPercent(), 1), burn(st.burnRate(Duration.ofHours(1))),
                        burn(st.burnRate(Duration.ofHours(6))), burn(st.burnRate(Duration.ofDays(3))), st.state(),
                        st.rules().stream().filter(SloStatus.RuleState::firing).map(r -> r.rule().key()).collect(Collectors.joining(" ")),
                        st.asOf().toString()));
            }
            Output.print(root.out, format, List.of("slo", "scope", "sli", "sli_window", "sli_1h", "objective", "target", "window", "good",
                    "budget_left", "burn_1h", "burn_6h", "burn_3d", "state", "firing", "as_of"), rows, null);
        }
        return 0;
    }

    /** Tables show the unit; CSV and JSON carry the number alone (ms, % — error rate, GPU utilisation — or the objective's currency per 1k). */
    private static Object value(BigDecimal v, Slo slo) {
        if (v == null) return "";
        return new Output.Text(v.toPlainString() + (slo.sli().latency() ? " ms" : slo.sli() == Slo.Sli.COST_PER_1K ? " " + slo.objective().unit() : "%"),
                v.toPlainString());
    }

    private static Object pct(Double v, int scale) {
        return v == null ? "" : new Output.Text(BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_EVEN).toPlainString() + "%",
                BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN).toPlainString());
    }

    private static Object burn(Double v) {
        return v == null ? "" : new Output.Text(String.format(Locale.ROOT, "%.2fx", v), BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_EVEN).toPlainString());
    }
}

package dev.burnrate.budget;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ledger.Money;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns crossed thresholds into alerts: once per budget, period and threshold (the dedup key says so). */
public final class BudgetAlerts {
    private BudgetAlerts() {
    }

    /** Returns how many new alerts were raised. */
    public static int raise(BudgetStatus s, Alerts alerts) {
        int raised = 0;
        Budget b = s.budget();
        for (Budget.Threshold t : s.crossed()) {
            Alert.Severity severity = switch (t.action()) {
                case PAGE -> Alert.Severity.PAGE;
                case TICKET -> Alert.Severity.TICKET;
                case NOTIFY -> Alert.Severity.INFO;
            };
            Map<String, String> d = new LinkedHashMap<>();
            d.put("scope", scope(b));
            d.put("period", s.periodStart() + " .. " + s.periodEnd().minusDays(1));
            d.put("budget", b.amount().displayWithCurrency());
            d.put("spent", s.spent().displayWithCurrency() + " (" + s.percentSpent().toPlainString() + "%)");
            d.put("reserved", s.reserved().displayWithCurrency());
            d.put("forecast at period end", s.forecastAtEnd().displayWithCurrency() + " (80% interval " + s.forecastLow().display() + " - "
                    + s.forecastHigh().display() + ")");
            d.put("remaining", s.remaining().displayWithCurrency());
            d.put("burn rate", s.burnRatePerDay().displayWithCurrency() + " per day");
            d.put("days to exhaustion", s.daysToExhaustion() == null ? "n/a (no spend)" : s.daysToExhaustion().toPlainString());
            d.put("tier", b.tier().name().toLowerCase());
            // who may see the alert: the teams of the scope (a team-scoped API token sees only alerts of its teams)
            b.scope().entrySet().stream().filter(e -> e.getKey().name().equals("team")).findFirst()
                    .ifPresent(e -> d.put("team", String.join(", ", e.getValue())));
            if (!b.owners().isEmpty()) d.put("owners", String.join(", ", b.owners()));
            // an actual threshold counts the money the gate holds for approved runs too: the title says so, not "spent 0"
            String what = t.basis() != Budget.Basis.ACTUAL ? "forecast " + s.forecastAtEnd().displayWithCurrency()
                    : s.reserved().amount().signum() == 0 ? "spent " + s.spent().displayWithCurrency()
                    : "spent " + s.spent().displayWithCurrency() + " + " + s.reserved().displayWithCurrency() + " reserved by the gate";
            String title = "Budget " + b.id() + ": " + t.label() + " threshold crossed (" + what + " of " + b.amount().displayWithCurrency() + ")";
            String summary = "Scope " + scope(b) + ", period starting " + s.periodStart() + ".";
            String action = t.basis() == Budget.Basis.ACTUAL
                    ? "Pause or defer non-critical jobs in this scope, or raise the budget if the spend is planned."
                    : "At " + s.burnRatePerDay().displayWithCurrency() + " a day the budget is exceeded before " + s.periodEnd()
                    + "; review the largest jobs in scope and move experiments to spot or a later period.";
            boolean isNew = alerts.raise("budget", severity, "budget:" + b.id() + ":" + s.periodStart() + ":" + t.label(), title,
                    summary, d, "/budgets?id=" + java.net.URLEncoder.encode(b.id(), java.nio.charset.StandardCharsets.UTF_8), action, b.channels());
            if (isNew) raised++;
        }
        return raised;
    }

    static String scope(Budget b) {
        if (b.scope().isEmpty()) return "all spend";
        return b.scope().entrySet().stream().map(e -> e.getKey().name() + "=" + String.join("|", e.getValue()))
                .collect(Collectors.joining(", "));
    }
}

package dev.burnrate.http;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Prometheus text exposition of Burnrate's own health: requests, latency, ledger size, JVM memory. */
final class Metrics {
    private record Key(String method, String route, int status) {
    }

    private final Map<Key, LongAdder> count = new ConcurrentHashMap<>();
    private final Map<Key, LongAdder> nanos = new ConcurrentHashMap<>();
    private final long started = System.currentTimeMillis();

    void record(String method, String route, int status, long elapsedNanos) {
        Key k = new Key(method, route, status);
        count.computeIfAbsent(k, x -> new LongAdder()).increment();
        nanos.computeIfAbsent(k, x -> new LongAdder()).add(elapsedNanos);
    }

    /** {@code costRecords} null: the ledger cannot be read now (an unmounted directory): said by burnrate_ledger_up 0. */
    String render(Long costRecords) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP burnrate_http_requests_total HTTP requests served, by method, route and status.\n");
        sb.append("# TYPE burnrate_http_requests_total counter\n");
        count.forEach((k, v) -> sb.append("burnrate_http_requests_total").append(labels(k)).append(' ').append(v.sum()).append('\n'));
        sb.append("# HELP burnrate_http_request_duration_seconds_sum Time spent serving HTTP requests.\n");
        sb.append("# TYPE burnrate_http_request_duration_seconds_sum counter\n");
        nanos.forEach((k, v) -> sb.append("burnrate_http_request_duration_seconds_sum").append(labels(k)).append(' ')
                .append(v.sum() / 1e9).append('\n'));
        sb.append("# HELP burnrate_ledger_up 1 when the cost ledger can be read, 0 when it cannot (see /readyz).\n# TYPE burnrate_ledger_up gauge\n");
        sb.append("burnrate_ledger_up ").append(costRecords == null ? 0 : 1).append('\n');
        if (costRecords != null) {
            sb.append("# HELP burnrate_ledger_cost_records Rows in the cost ledger.\n# TYPE burnrate_ledger_cost_records gauge\n");
            sb.append("burnrate_ledger_cost_records ").append(costRecords).append('\n');
        }
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        sb.append("# HELP burnrate_jvm_heap_used_bytes JVM heap in use.\n# TYPE burnrate_jvm_heap_used_bytes gauge\n");
        sb.append("burnrate_jvm_heap_used_bytes ").append(mem.getHeapMemoryUsage().getUsed()).append('\n');
        sb.append("# HELP burnrate_process_start_time_seconds Start time of the process since the epoch.\n");
        sb.append("# TYPE burnrate_process_start_time_seconds gauge\n");
        sb.append("burnrate_process_start_time_seconds ").append(started / 1000).append('\n');
        return sb.toString();
    }

    /**
     * The budgets and team spend rates of the last budget evaluation (the server's loop, every 5 minutes): remaining,
     * burn per day and share spent per budget (as many as are declared), and each team's spend per day over the last 7
     * complete days (at most {@link dev.burnrate.budget.SpendRates#TEAM_LIMIT} teams, the rest as {@code __other__}).
     * An HPA or KEDA external metric can scale on them; Grafana can chart them.
     */
    static String budgets(dev.burnrate.budget.Budgets.Evaluation e) {
        if (e == null) return "";
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP burnrate_budget_remaining Amount left in the budget's current period (negative: overspent).\n# TYPE burnrate_budget_remaining gauge\n");
        StringBuilder burn = new StringBuilder();
        StringBuilder spent = new StringBuilder();
        for (dev.burnrate.budget.BudgetStatus st : e.statuses()) {
            List<String> teams = BudgetRoutes.teams(st.budget());
            String labels = "{budget=\"" + esc(st.budget().id()) + "\",team=\"" + esc(teams.size() == 1 ? teams.get(0) : "") + "\",currency=\""
                    + esc(st.remaining().currency()) + "\"} ";
            sb.append("burnrate_budget_remaining").append(labels).append(st.remaining().plain()).append('\n');
            if (st.burnRatePerDay() != null) burn.append("burnrate_budget_burn_rate_per_day").append(labels).append(st.burnRatePerDay().plain()).append('\n');
            if (st.percentSpent() != null) spent.append("burnrate_budget_spent_ratio{budget=\"").append(esc(st.budget().id())).append("\"} ")
                    .append(st.percentSpent().movePointLeft(2).toPlainString()).append('\n');
        }
        sb.append("# HELP burnrate_budget_burn_rate_per_day Spend per day over the last 7 complete days within the budget's scope.\n")
                .append("# TYPE burnrate_budget_burn_rate_per_day gauge\n").append(burn);
        sb.append("# HELP burnrate_budget_spent_ratio Share of the budget spent in its current period.\n# TYPE burnrate_budget_spent_ratio gauge\n").append(spent);
        sb.append("# HELP burnrate_team_spend_rate_per_day Effective spend per day of each team over the last 7 complete days.\n")
                .append("# TYPE burnrate_team_spend_rate_per_day gauge\n");
        for (dev.burnrate.budget.SpendRates.Rate r : e.teamSpendRates()) {
            sb.append("burnrate_team_spend_rate_per_day{team=\"").append(esc(r.team())).append("\",currency=\"").append(esc(r.currency())).append("\"} ")
                    .append(r.perDay().toPlainString()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The SLOs and cost per 1k of the last evaluation (the server's loop, every 5 minutes; nothing is evaluated per scrape).
     * Labels: the SLO ids (as many as are declared), the alert windows and rules, and at most {@link dev.burnrate.slo.Slos#MODEL_LIMIT}
     * models (the rest as {@code __other__}) by currency.
     */
    static String slos(dev.burnrate.slo.Slos.Evaluation e) {
        if (e == null) return "";
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP burnrate_slo_evaluated_timestamp_seconds When the SLOs were last evaluated.\n# TYPE burnrate_slo_evaluated_timestamp_seconds gauge\n");
        sb.append("burnrate_slo_evaluated_timestamp_seconds ").append(e.at().getEpochSecond()).append('\n');
        sb.append("# HELP burnrate_slo_info What each SLO measures and its objective (>= a floor, <= a ceiling); always 1.\n# TYPE burnrate_slo_info gauge\n");
        for (var s : e.statuses()) {
            var slo = s.slo();
            sb.append("burnrate_slo_info{slo=\"").append(esc(slo.id())).append("\",sli=\"").append(slo.sli().label()).append("\",scope=\"")
                    .append(esc(slo.scope().toString())).append("\",objective=\"").append(esc(slo.objective().toString())).append("\",target=\"")
                    .append(slo.target().toPlainString()).append("\",window=\"").append(dev.burnrate.slo.SloEvaluator.label(slo.window())).append("\"} 1\n");
        }
        sb.append("# HELP burnrate_slo_burn_rate Error budget burn rate over a window: the bad share (the SLI on the wrong side of its objective) / the budget; 1 = the budget lasts exactly the SLO window.\n");
        sb.append("# TYPE burnrate_slo_burn_rate gauge\n");
        for (var s : e.statuses()) {
            s.burnRates().forEach((w, r) -> {
                if (r != null) sb.append("burnrate_slo_burn_rate{slo=\"").append(esc(s.slo().id())).append("\",window=\"")
                        .append(dev.burnrate.slo.SloEvaluator.label(w)).append("\"} ").append(r).append('\n');
            });
        }
        sb.append("# HELP burnrate_slo_error_budget_remaining_ratio Share of the error budget left over the SLO window (negative: overspent).\n");
        sb.append("# TYPE burnrate_slo_error_budget_remaining_ratio gauge\n");
        for (var s : e.statuses()) {
            if (s.budgetRemainingPercent() != null) sb.append("burnrate_slo_error_budget_remaining_ratio{slo=\"").append(esc(s.slo().id())).append("\"} ")
                    .append(s.budgetRemainingPercent() / 100).append('\n');
        }
        sb.append("# HELP burnrate_slo_alert_firing 1 while a multi-window burn-rate rule fires.\n# TYPE burnrate_slo_alert_firing gauge\n");
        for (var s : e.statuses()) {
            for (var r : s.rules()) sb.append("burnrate_slo_alert_firing{slo=\"").append(esc(s.slo().id())).append("\",rule=\"").append(r.rule().key())
                    .append("\"} ").append(r.firing() ? 1 : 0).append('\n');
        }
        sb.append("# HELP burnrate_inference_cost_per_1k Cost per 1,000 inferences over the last 24 hours, by model and currency.\n");
        sb.append("# TYPE burnrate_inference_cost_per_1k gauge\n");
        StringBuilder tokens = new StringBuilder();
        for (var l : e.lastDayByModel()) {
            for (var c : l.costs()) {
                String labels = "{model=\"" + esc(l.model()) + "\",currency=\"" + esc(c.currency()) + "\"} ";
                if (c.per1kInferences() != null) sb.append("burnrate_inference_cost_per_1k").append(labels).append(c.per1kInferences().toPlainString()).append('\n');
                if (c.per1MTokens() != null) tokens.append("burnrate_inference_cost_per_1m_tokens").append(labels).append(c.per1MTokens().toPlainString()).append('\n');
            }
        }
        sb.append("# HELP burnrate_inference_cost_per_1m_tokens Cost per million tokens (input + output) over the last 24 hours, by model and currency.\n");
        sb.append("# TYPE burnrate_inference_cost_per_1m_tokens gauge\n").append(tokens);
        return sb.toString();
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String labels(Key k) {
        return "{method=\"" + k.method() + "\",route=\"" + k.route().replace("\"", "\\\"") + "\",status=\"" + k.status() + "\"}";
    }
}

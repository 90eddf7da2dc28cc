package dev.burnrate.gate;

import dev.burnrate.ledger.Money;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The projected cost of a run: p50 and p90, the wall-clock hours behind them, and the evidence.
 *
 * @param basis    {@code history} (similar past runs, scaled) or {@code catalog} (price × declared hours)
 * @param evidence the past runs used, or the price line, each with its numbers
 */
public record Estimate(Money p50, Money p90, java.math.BigDecimal hoursP50, java.math.BigDecimal hoursP90, String basis,
                       List<Evidence> evidence, String note) {

    /** One past run behind an estimate: its actual cost and hours, and both scaled to the request. */
    public record Evidence(String jobId, String instanceType, int count, String pricing, java.math.BigDecimal hours, Money actual,
                           java.math.BigDecimal scaledHours, Money scaled) {
    }

    public Estimate {
        evidence = List.copyOf(evidence);
    }

    public Map<String, Object> asVariables() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", p50.amount().doubleValue());
        m.put("p90", p90.amount().doubleValue());
        m.put("currency", p90.currency());
        m.put("hours_p50", hoursP50.doubleValue());
        m.put("hours_p90", hoursP90.doubleValue());
        m.put("basis", basis);
        m.put("runs", (long) (basis.equals("history") ? evidence.size() : 0));
        return m;
    }
}

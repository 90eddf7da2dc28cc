package dev.burnrate.gate;

import dev.burnrate.ledger.Money;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The projected cost of a run: p50 and p90, the wall-clock hours behind them, and the evidence.
 *
 * @param basis    {@code history} (similar past runs, scaled) or {@code catalog} (price × declared hours)
 * @param evidence the newest of the past runs used (at most ten), each with its numbers
 * @param runs     the ids of every similar past run found (newest first): all behind a {@code history} estimate, too few
 *                 for one behind a {@code catalog} estimate
 * @param excluded how many of the model's other past runs were left out, by reason ("other kind/tier", "other GPU
 *                 type", "still running", ...)
 */
public record Estimate(Money p50, Money p90, java.math.BigDecimal hoursP50, java.math.BigDecimal hoursP90, String basis,
                       List<Evidence> evidence, String note, List<String> runs, Map<String, Integer> excluded) {

    /**
     * One past run behind an estimate: where it ran, its actual cost (null when unknown) and hours, its GPU-hours (null
     * for an instance without GPUs), and both scaled to the request.
     */
    public record Evidence(String jobId, String instanceType, int count, String pricing, java.math.BigDecimal hours, Money actual,
                           java.math.BigDecimal scaledHours, Money scaled, String provider, String region, java.math.BigDecimal gpuHours) {
    }

    public Estimate {
        evidence = List.copyOf(evidence);
        runs = runs == null ? List.of() : List.copyOf(runs); // tickets journalled before these fields read back without them
        excluded = excluded == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(excluded));
    }

    /**
     * This estimate with its hours and amounts grown by {@code 1 + overhead} (work redone and restarts on spot), rounded
     * to the cent as every estimate is, and {@code why} added to its note.
     */
    public Estimate withOverhead(java.math.BigDecimal overhead, String why) {
        java.math.BigDecimal f = java.math.BigDecimal.ONE.add(overhead);
        return new Estimate(grown(p50, f), grown(p90, f), hoursP50.multiply(f).setScale(4, java.math.RoundingMode.HALF_EVEN),
                hoursP90.multiply(f).setScale(4, java.math.RoundingMode.HALF_EVEN), basis, evidence, note + "; " + why, runs, excluded);
    }

    private static Money grown(Money m, java.math.BigDecimal f) {
        return new Money(m.amount().multiply(f).setScale(2, java.math.RoundingMode.HALF_UP), m.currency());
    }

    public Map<String, Object> asVariables() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", p50.amount().doubleValue());
        m.put("p90", p90.amount().doubleValue());
        m.put("currency", p90.currency());
        m.put("hours_p50", hoursP50.doubleValue());
        m.put("hours_p90", hoursP90.doubleValue());
        m.put("basis", basis);
        m.put("runs", (long) (basis.equals("history") ? runs.size() : 0));
        return m;
    }
}

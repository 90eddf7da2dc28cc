package dev.burnrate.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Answer to a {@link CostQuery}: one row per period × group × currency, and totals per currency. */
public record CostReport(CostQuery query, List<Row> rows) {

    /** {@code period} is null when the granularity is NONE; {@code keys} follow the query's groupBy order. */
    public record Row(LocalDate period, List<String> keys, Money cost, long records) {
    }

    /** Totals per currency; never one number across currencies. */
    public Map<String, BigDecimal> totals() {
        Map<String, BigDecimal> t = new TreeMap<>();
        for (Row r : rows) t.merge(r.cost().currency(), r.cost().amount(), BigDecimal::add);
        return t;
    }
}

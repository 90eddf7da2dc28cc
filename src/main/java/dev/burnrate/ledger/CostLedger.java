package dev.burnrate.ledger;

import java.time.LocalDate;

/** Read side of the ledger that reports are built from. */
public interface CostLedger {
    CostReport costs(CostQuery query);

    /** Tag coverage over charges in [from, to); null ends are open. */
    Coverage coverage(LocalDate from, LocalDate to);

    /** One hour of cost for one group, in one currency. */
    record HourRow(java.time.LocalDateTime hour, java.util.List<String> keys, Money cost) {
    }

    /** Hourly sums of one basis over charges starting in [from, to), grouped, filtered. */
    java.util.List<HourRow> hourly(java.util.List<Field> groupBy, java.time.LocalDateTime from, java.time.LocalDateTime to,
                                   java.util.Map<Field, java.util.List<String>> filters, CostBasis basis);

    /**
     * One distinct combination of some fields among the rows of one import: the fields as a policy sees them (FOCUS
     * columns by name, decimals as numbers, timestamps as ISO text; {@code tags} and {@code dimensions} as maps), how
     * many rows share it, and their effective cost in their billing currency.
     */
    record RecordGroup(java.util.Map<String, Object> record, long rows, Money effectiveCost) {
    }

    /**
     * The rows of import {@code importId} grouped by {@code fields} (FOCUS column names, {@code tags},
     * {@code dimensions}; unknown names are left out; null = every column) and billing currency.
     */
    void recordGroups(String importId, java.util.Collection<String> fields, java.util.function.Consumer<RecordGroup> sink);

    /** Changes with every committed change of the cost records (imports, restatements), so caches know when to reload. */
    long version();

    /** Row count of the ledger, for health and metrics. */
    long recordCount();

    /**
     * How far the bills reach: the latest charge end among the billing accounts still delivering (each account's latest
     * charge end, the earliest of those within a week of the newest), or empty when the ledger holds nothing. Before
     * it a day is billed; after it a day's bill has not arrived yet (exports lag a day or two), which is not a day
     * without spend.
     */
    java.util.Optional<java.time.Instant> billedThrough();
}

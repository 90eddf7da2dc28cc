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

    /** Row count of the ledger, for health and metrics. */
    long recordCount();
}

package dev.burnrate.ledger;

import java.time.LocalDate;

/** Read side of the ledger that reports are built from. */
public interface CostLedger {
    CostReport costs(CostQuery query);

    /** Tag coverage over charges in [from, to); null ends are open. */
    Coverage coverage(LocalDate from, LocalDate to);

    /** Row count of the ledger, for health and metrics. */
    long recordCount();
}

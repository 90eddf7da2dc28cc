package dev.burnrate.ledger;

/** Named buckets for cost that has no single owner. */
public final class Buckets {
    /** No owner: the dimension's tag is missing and the tag map gives no default. */
    public static final String UNALLOCATED = "__unallocated__";
    /** Capacity paid for and not used. */
    public static final String IDLE = "__idle__";
    /** Platform cost before it is split by a share rule. */
    public static final String SHARED = "__shared__";

    private Buckets() {
    }
}

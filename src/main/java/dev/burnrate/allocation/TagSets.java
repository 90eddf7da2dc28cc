package dev.burnrate.allocation;

import java.util.Map;

/** The distinct tag sets of the ledger and the dimensions they were given, by tag-set key. */
public interface TagSets {
    /** Fingerprint of the tag map the stored dimensions were computed with; null before the first. */
    String fingerprint();

    /** Every tag set: key to raw Tags JSON (null for rows without tags). */
    Map<Long, String> all();

    /** Replaces the dimensions of every tag set in one step and records the fingerprint. */
    void replaceAll(Map<Long, Map<String, String>> dimensions, String fingerprint);
}

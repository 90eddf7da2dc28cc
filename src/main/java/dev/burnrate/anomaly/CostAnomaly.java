package dev.burnrate.anomaly;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Unusual spend of one scope (dimension = value) on one day: actual against expected with its interval, the
 * dollar impact, a score in [0, 1), and the sub-dimensions that explain the difference.
 */
public record CostAnomaly(String id, LocalDate day, String dimension, String value, String currency, BigDecimal actual,
                          BigDecimal expected, BigDecimal low, BigDecimal high, BigDecimal impact, double score,
                          String severity, List<Contributor> rootCause, String feedback, boolean suppressed) {

    /** One sub-dimension value and the dollars it adds to (or takes from) the day against its usual level. */
    public record Contributor(String dimension, String value, BigDecimal actual, BigDecimal baseline, BigDecimal delta) {
    }

    /** Stable across runs, so re-detection updates the same anomaly instead of adding another. */
    public static String key(String dimension, String value, String currency, LocalDate day) {
        return dimension + "=" + value + "|" + currency + "|" + day;
    }

    public enum Feedback { TRUE_POSITIVE, FALSE_POSITIVE, EXPECTED }
}

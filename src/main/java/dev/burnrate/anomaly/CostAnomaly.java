package dev.burnrate.anomaly;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Unusual spend of one scope (dimension = value) on one day, or one hour of it ({@code hour} 0-23; null for a
 * daily anomaly): actual against expected with its interval, the dollar impact, a score in [0, 1], and the
 * sub-dimensions that explain the difference. Anomalies of one change seen in several scopes on the same day (the
 * runaway's team, its model, its account) are one incident: each names the {@code incident} it belongs to (the id of
 * the anomaly that speaks for it, which is alerted; the others are listed with it).
 */
public record CostAnomaly(String id, LocalDate day, Integer hour, String dimension, String value, String currency, BigDecimal actual,
                          BigDecimal expected, BigDecimal low, BigDecimal high, BigDecimal impact, double score,
                          String severity, List<Contributor> rootCause, String feedback, boolean suppressed, String incident,
                          String feedbackNote, LocalDate feedbackOn) {

    /** An anomaly without a note or a day on its feedback (as detection makes it). */
    public CostAnomaly(String id, LocalDate day, Integer hour, String dimension, String value, String currency, BigDecimal actual,
                       BigDecimal expected, BigDecimal low, BigDecimal high, BigDecimal impact, double score,
                       String severity, List<Contributor> rootCause, String feedback, boolean suppressed, String incident) {
        this(id, day, hour, dimension, value, currency, actual, expected, low, high, impact, score, severity, rootCause, feedback, suppressed,
                incident, null, null);
    }

    /**
     * One sub-dimension value and the dollars it adds to (or takes from) the day against its usual level, and the part of
     * the scope's change that is (a fraction: 0.95 = 95%; null in anomalies stored before it was kept).
     */
    public record Contributor(String dimension, String value, BigDecimal actual, BigDecimal baseline, BigDecimal delta, BigDecimal share) {
        /** The share as whole percent, "89%" (null when not kept). */
        public String sharePercent() {
            return share == null ? null : share.movePointRight(2).setScale(0, java.math.RoundingMode.HALF_UP).toPlainString() + "%";
        }
    }

    /**
     * Days that a verdict of false_positive or expected silences its scope's anomalies: after the day it was given, or
     * the anomaly's day if that is later.
     */
    public static final int SILENCE_DAYS = 7;

    /**
     * The last day whose anomalies of this scope its verdict silences (no alert; they are kept with {@code suppressed}
     * set): 7 days after the verdict was given, or after the anomaly's day if later (a verdict on an incident that began
     * 9 days ago silences the next 7 days, not 7 days that are over; the days between the anomaly's seventh and the
     * verdict stay as they were); null when it has no verdict that silences.
     * ({@code suppressed} says something else: that this anomaly was found while an earlier verdict silenced its scope.)
     */
    public LocalDate silencedThrough() {
        if (!"false_positive".equals(feedback) && !"expected".equals(feedback)) return null;
        return (feedbackOn != null && feedbackOn.isAfter(day) ? feedbackOn : day).plusDays(SILENCE_DAYS);
    }

    /** True when this anomaly speaks for its incident (or stands alone). */
    public boolean leadsIncident() {
        return incident == null || incident.equals(id);
    }

    /** The id of the incident this anomaly belongs to: its lead's, its own where it leads one or stands alone. */
    public String incidentId() {
        return incident == null ? id : incident;
    }

    /** This anomaly as a member of {@code incident} (null: it stands alone). */
    CostAnomaly inIncident(String incident) {
        return new CostAnomaly(id, day, hour, dimension, value, currency, actual, expected, low, high, impact, score, severity, rootCause,
                feedback, suppressed, incident, feedbackNote, feedbackOn);
    }

    /** Stable across runs, so re-detection updates the same anomaly instead of adding another. */
    public static String key(String dimension, String value, String currency, LocalDate day, Integer hour) {
        return dimension + "=" + value + "|" + currency + "|" + day + (hour == null ? "" : String.format("T%02d", hour));
    }

    /** "2026-09-16" or "2026-09-16 14:00". */
    public String when() {
        return day + (hour == null ? "" : String.format(" %02d:00", hour));
    }

    public enum Feedback {
        TRUE_POSITIVE, FALSE_POSITIVE, EXPECTED;

        /** The verdict named {@code value} (any case) of the parameter {@code parameter}, or a refusal naming both. */
        public static Feedback parse(String parameter, String value) {
            return dev.burnrate.ledger.InvalidParameterException.oneOf(Feedback.class, parameter, value);
        }
    }
}

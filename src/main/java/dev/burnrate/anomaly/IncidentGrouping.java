package dev.burnrate.anomaly;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which anomalies are one incident. One change seen in several scopes is one incident: two anomalies of the same
 * period, currency and direction belong together when one's scope carries at least half of the other's change (the
 * fraud team's rise is its model's and its account's); its headline is the first in {@link #lead}'s order. A change
 * first seen in one scope and a day later in another continues the earlier incident (see {@link #continues}).
 */
final class IncidentGrouping {
    private IncidentGrouping() {
    }

    /** A flagged period of one scope, and every value of the other dimensions that moved with it (for grouping). */
    record Candidate(CostAnomaly anomaly, List<CostAnomaly.Contributor> carriers) {
    }

    /**
     * The candidates in incidents, oldest first (by day, then hour, a day's before its hours); each incident's members
     * in {@link #lead}'s order.
     */
    static List<List<Candidate>> byIncident(List<Candidate> found) {
        int n = found.size();
        int[] group = new int[n];
        for (int i = 0; i < n; i++) group[i] = i;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (together(found.get(i), found.get(j))) union(group, i, j);
            }
        }
        Map<Integer, List<Candidate>> incidents = new TreeMap<>();
        for (int i = 0; i < n; i++) incidents.computeIfAbsent(find(group, i), k -> new ArrayList<>()).add(found.get(i));
        List<List<Candidate>> byTime = new ArrayList<>();
        for (List<Candidate> members : incidents.values()) {
            Comparator<CostAnomaly> order = lead(members.stream().map(Candidate::anomaly).toList());
            byTime.add(members.stream().sorted(Comparator.comparing(Candidate::anomaly, order)).toList());
        }
        // an incident's members share its period (see together)
        byTime.sort(Comparator.comparing((List<Candidate> g) -> g.get(0).anomaly().day())
                .thenComparing(g -> g.get(0).anomaly().hour(), Comparator.nullsFirst(Comparator.naturalOrder())));
        return byTime;
    }

    /** True when {@code x} continues the incident of {@code e}, seen within the 7 days before it (see {@link CostAnomalies}). */
    static boolean continues(Candidate x, CostAnomaly e) {
        CostAnomaly a = x.anomaly();
        // the earlier one began before this one's period ended: an hour of the day the daily anomaly judges counts, and
        // an hour judged after its day's anomaly was stored (a scan of days, then hours) is a part of that day
        LocalDateTime at = a.day().atTime(a.hour() == null ? 0 : a.hour(), 0);
        LocalDateTime end = a.hour() == null ? at.plusDays(1) : at.plusHours(1);
        LocalDateTime then = e.day().atTime(e.hour() == null ? 0 : e.hour(), 0);
        boolean earlier = then.isBefore(at) || e.hour() != null && a.hour() == null && then.isBefore(end)
                || e.hour() == null && a.hour() != null && e.day().equals(a.day());
        if (!earlier || then.isBefore(at.minusDays(7)) || !a.currency().equals(e.currency())
                || a.impact().signum() != e.impact().signum() || a.rootCause().isEmpty() || e.rootCause().isEmpty()) return false;
        return RootCause.sameCause(e.rootCause().get(0), a.rootCause().get(0), x.carriers()) && carries(x, e);
    }

    /**
     * The order in which an incident's scopes are offered as its headline: page before ticket; then, among the scopes
     * whose impact is at least half the incident's largest (the headline must not understate it), the one the change
     * is the largest part of (impact over the larger of actual and expected: the scope most specific to it); the
     * others after them by the larger impact; then the higher score. The same order lists the other scopes. A broad scope carries other changes of the day beside this one: on the demo the
     * runaway's day is +37,063 on EC2 (the untagged cluster, a week old, is in it too) and +32,102 on the ml-training
     * account, where the runaway is 94% of the day's spend; the account is the headline, EC2 is also seen in.
     */
    static Comparator<CostAnomaly> lead(List<CostAnomaly> members) {
        BigDecimal largest = members.stream().map(a -> a.impact().abs()).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        return Comparator.comparing((CostAnomaly a) -> a.severity().equals("page") ? 0 : 1)
                .thenComparing(a -> carriesHalf(a, largest) ? 0 : 1)
                .thenComparing(a -> carriesHalf(a, largest) ? concentration(a) : BigDecimal.ZERO, Comparator.reverseOrder())
                .thenComparing(CostAnomaly::impact, Comparator.comparing(BigDecimal::abs, Comparator.reverseOrder()))
                .thenComparing(Comparator.comparingDouble(CostAnomaly::score).reversed())
                .thenComparing(CostAnomaly::id);
    }

    private static boolean carriesHalf(CostAnomaly a, BigDecimal largest) {
        return a.impact().abs().multiply(BigDecimal.TWO).compareTo(largest) >= 0;
    }

    /** The part of a scope's day (or hour) that is the change: |impact| over the larger of actual and expected. */
    static BigDecimal concentration(CostAnomaly a) {
        BigDecimal whole = a.actual().abs().max(a.expected().abs());
        return whole.signum() == 0 ? BigDecimal.ZERO : a.impact().abs().divide(whole, 4, RoundingMode.HALF_EVEN);
    }

    private static boolean together(Candidate x, Candidate y) {
        CostAnomaly a = x.anomaly();
        CostAnomaly b = y.anomaly();
        if (!a.day().equals(b.day()) || !java.util.Objects.equals(a.hour(), b.hour()) || !a.currency().equals(b.currency())
                || a.impact().signum() != b.impact().signum()) return false;
        return carries(x, b) || carries(y, a);
    }

    /** True when the scope of {@code b} carries at least half of the change of {@code x}'s anomaly. */
    private static boolean carries(Candidate x, CostAnomaly b) {
        BigDecimal half = x.anomaly().impact().abs().divide(BigDecimal.TWO, 2, RoundingMode.HALF_EVEN);
        return x.carriers().stream().anyMatch(c -> c.dimension().equals(b.dimension()) && c.value().equals(b.value())
                && c.delta().abs().compareTo(half) >= 0);
    }

    private static int find(int[] group, int i) {
        while (group[i] != i) i = group[i] = group[group[i]];
        return i;
    }

    private static void union(int[] group, int i, int j) {
        int a = find(group, i);
        int b = find(group, j);
        if (a != b) group[Math.max(a, b)] = Math.min(a, b);
    }
}

package dev.burnrate.anomaly;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One change of spend as people should see it: the anomaly that speaks for it and the other scopes it was seen in on
 * the same day (see {@link CostAnomalies}: the fraud team's rise is also its model's and its account's).
 */
public record Incident(CostAnomaly lead, List<CostAnomaly> alsoSeenIn) {
    /** The stored anomalies as incidents, in the order of their leads in {@code anomalies}. */
    public static List<Incident> of(List<CostAnomaly> anomalies) {
        Map<String, List<CostAnomaly>> members = new LinkedHashMap<>();
        for (CostAnomaly a : anomalies) if (!a.leadsIncident()) members.computeIfAbsent(a.incident(), k -> new ArrayList<>()).add(a);
        List<Incident> out = new ArrayList<>();
        for (CostAnomaly a : anomalies) {
            if (!a.leadsIncident() && anomalies.stream().anyMatch(l -> l.id().equals(a.incident()))) continue;
            out.add(seenAlsoIn(a, a.leadsIncident() ? members.getOrDefault(a.id(), List.of()) : List.of()));
        }
        return out;
    }

    /** {@code a} with the other scopes it was seen in, the largest change first. */
    public static Incident seenAlsoIn(CostAnomaly a, List<CostAnomaly> others) {
        List<CostAnomaly> sorted = new ArrayList<>(others);
        sorted.sort(Comparator.comparing(CostAnomaly::impact, Comparator.comparing(BigDecimal::abs, Comparator.reverseOrder())));
        return new Incident(a, List.copyOf(sorted));
    }
}

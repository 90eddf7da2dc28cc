package dev.burnrate.recommend;

import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who a resource of the bill belongs to: the team (dimension) carrying most of its effective cost over a window, a team
 * before {@code __unallocated__} (a few untagged rows do not make a tagged bucket nobody's). Costs of different
 * currencies are not compared: a resource is billed in one.
 */
final class Owners {
    static final Field RESOURCE = new Field(Field.Kind.FOCUS_COLUMN, "ResourceId");
    static final Field TEAM = new Field(Field.Kind.DIMENSION, "team");

    private Owners() {
    }

    /** The team of each resource billed in [from, to) (none for a resource the window does not bill). */
    static Map<String, String> teams(CostLedger ledger, Collection<String> resources, LocalDate from, LocalDate to) {
        Map<String, String> out = new HashMap<>();
        if (resources.isEmpty()) return out;
        CostReport r = ledger.costs(new CostQuery(List.of(RESOURCE, TEAM), from, to, Granularity.NONE, CostBasis.EFFECTIVE,
                Map.of(RESOURCE, List.copyOf(resources))));
        Map<String, Map<String, BigDecimal>> byTeam = new HashMap<>();
        for (CostReport.Row row : r.rows()) {
            byTeam.computeIfAbsent(row.keys().get(0), k -> new HashMap<>()).merge(row.keys().get(1), row.cost().amount(), BigDecimal::add);
        }
        byTeam.forEach((resource, teams) -> out.put(resource, owner(teams)));
        return out;
    }

    /** The team with the largest cost among {@code costs} (team → cost), a named team before the unallocated bucket; ties by name. */
    static String owner(Map<String, BigDecimal> costs) {
        String best = null;
        for (Map.Entry<String, BigDecimal> e : costs.entrySet()) {
            if (best == null || better(e.getKey(), e.getValue(), best, costs.get(best))) best = e.getKey();
        }
        return best == null || best.equals(Buckets.UNALLOCATED) ? null : best;
    }

    private static boolean better(String team, BigDecimal cost, String best, BigDecimal bestCost) {
        boolean named = !team.equals(Buckets.UNALLOCATED);
        boolean bestNamed = !best.equals(Buckets.UNALLOCATED);
        if (named != bestNamed) return named;
        int c = cost.compareTo(bestCost);
        return c > 0 || c == 0 && team.compareTo(best) < 0;
    }
}

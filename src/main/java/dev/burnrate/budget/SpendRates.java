package dev.burnrate.budget;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Effective spend per day of each team over the last 7 complete days (the rate a budget burns at), for dashboards and
 * autoscalers: the {@link #TEAM_LIMIT} teams that spend most by name, the rest together as {@link #OTHER}, so that what is
 * exported per team stays bounded. Currencies are never added.
 */
public final class SpendRates {
    public static final int TEAM_LIMIT = 50;
    public static final String OTHER = "__other__";
    static final int DAYS = 7;

    /** A team's mean effective spend per day in one currency. */
    public record Rate(String team, String currency, BigDecimal perDay) {
    }

    private SpendRates() {
    }

    /** Over [today - 7 days, today): whole days only, today's charges so far are a part of a day. */
    public static List<Rate> perTeam(CostLedger ledger, LocalDate today) {
        Field team = Field.parse("team").orElseThrow();
        CostReport r = ledger.costs(new CostQuery(List.of(team), today.minusDays(DAYS), today, Granularity.NONE, CostBasis.EFFECTIVE, Map.of()));
        Map<String, Map<String, BigDecimal>> byCurrency = new TreeMap<>();
        for (CostReport.Row row : r.rows()) {
            byCurrency.computeIfAbsent(row.cost().currency(), c -> new TreeMap<>())
                    .merge(row.keys().get(0), row.cost().amount(), BigDecimal::add);
        }
        List<Rate> out = new ArrayList<>();
        byCurrency.forEach((currency, teams) -> {
            List<Map.Entry<String, BigDecimal>> ranked = new ArrayList<>(teams.entrySet());
            ranked.sort(Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            BigDecimal other = null;
            for (int i = 0; i < ranked.size(); i++) {
                if (i < TEAM_LIMIT) out.add(new Rate(ranked.get(i).getKey(), currency, perDay(ranked.get(i).getValue())));
                else other = other == null ? ranked.get(i).getValue() : other.add(ranked.get(i).getValue());
            }
            if (other != null) out.add(new Rate(OTHER, currency, perDay(other)));
        });
        out.sort(Comparator.comparing(Rate::currency).thenComparing(Rate::team));
        return out;
    }

    /** Exact: a sum over 7 days divided by 7, to 10 decimal places (a mean, not an amount billed). */
    private static BigDecimal perDay(BigDecimal sum) {
        return sum.divide(BigDecimal.valueOf(DAYS), 10, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}

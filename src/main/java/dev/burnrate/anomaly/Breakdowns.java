package dev.burnrate.anomaly;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What {@link RootCause} ranks, read from the ledger: an anomaly's period in its scope broken down by each of the
 * other dimensions, next to the usual mix (the same weekday of the last 4 weeks, or the same hour of the last 7 days)
 * and the values that ran shortly before it (so a value is "new" only if it did not).
 */
final class Breakdowns {
    /** The most the usual mix is scaled, up or down, to the expected amount (see {@link #atExpected}). */
    static final BigDecimal MAX_RESCALE = BigDecimal.valueOf(3);

    private final CostLedger ledger;
    private final List<Field> explainBy;

    Breakdowns(CostLedger ledger, List<Field> explainBy) {
        this.ledger = ledger;
        this.explainBy = explainBy;
    }

    /** The day broken down by the other dimensions against the same weekday of the last 4 weeks; what ran in the 7 days before it. */
    List<RootCause.Breakdown> ofDay(Field dim, String value, String currency, LocalDate day) {
        List<RootCause.Breakdown> all = new ArrayList<>();
        for (Field by : explainBy) {
            if (by.equals(dim)) continue;
            CostReport r = ledger.costs(new CostQuery(List.of(by), day.minusDays(28), day.plusDays(1), Granularity.DAY,
                    CostBasis.EFFECTIVE, Map.of(dim, List.of(value))));
            List<Charge> charges = r.rows().stream().map(row -> new Charge(row.period().atStartOfDay(), row.keys().get(0), row.cost())).toList();
            LocalDateTime at = day.atStartOfDay();
            all.add(gather(by, charges, currency, at, t -> ChronoUnit.DAYS.between(t, at) % 7 == 0, 4,
                    t -> ChronoUnit.DAYS.between(t, at) <= 7));
        }
        return all;
    }

    /** The hour broken down by the other dimensions against the same hour of the previous 7 days; what ran in any hour of them. */
    List<RootCause.Breakdown> ofHour(Field dim, String value, String currency, LocalDateTime hour) {
        List<RootCause.Breakdown> all = new ArrayList<>();
        for (Field by : explainBy) {
            if (by.equals(dim)) continue;
            List<Charge> charges = ledger.hourly(List.of(by), hour.minusDays(7), hour.plusHours(1), Map.of(dim, List.of(value)), CostBasis.EFFECTIVE)
                    .stream().map(row -> new Charge(row.hour(), row.keys().get(0), row.cost())).toList();
            all.add(gather(by, charges, currency, hour, t -> t.getHour() == hour.getHour(), 7, t -> true));
        }
        return all;
    }

    /** One value's spend in one period. */
    private record Charge(LocalDateTime at, String key, Money cost) {
    }

    /**
     * The charges of {@code currency} at {@code now} against the mean of the earlier periods that are {@code usual}
     * ({@code periods} of them), and the values with spend in an earlier period that is {@code recent} (a credit alone
     * is no run).
     */
    private static RootCause.Breakdown gather(Field by, List<Charge> charges, String currency, LocalDateTime now,
                                              Predicate<LocalDateTime> usual, int periods, Predicate<LocalDateTime> recent) {
        Map<String, BigDecimal> then = new TreeMap<>();
        Map<String, BigDecimal> before = new TreeMap<>();
        Set<String> ran = new TreeSet<>();
        for (Charge c : charges) {
            if (!c.cost().currency().equals(currency)) continue;
            String k = c.key() == null ? RootCause.NONE : c.key();
            if (c.at().equals(now)) {
                then.merge(k, c.cost().amount(), BigDecimal::add);
                continue;
            }
            if (!c.at().isBefore(now)) continue;
            if (usual.test(c.at())) before.merge(k, c.cost().amount(), BigDecimal::add);
            if (recent.test(c.at()) && c.cost().amount().signum() > 0) ran.add(k);
        }
        Map<String, BigDecimal> mean = new TreeMap<>();
        before.forEach((k, v) -> mean.put(k, v.divide(BigDecimal.valueOf(periods), 2, RoundingMode.HALF_EVEN)));
        return new RootCause.Breakdown(by.name(), then, mean, ran);
    }

    /**
     * The usual mix at the expected amount (the day's forecast, or the hour's detector expectation): each value's usual spend scaled so that they add up to the
     * expected amount, so the contributors' changes add up to the anomaly's impact and their shares are of the change
     * the headline states (against the weekdays' own mean, the runaway's job read 98% of a change 5% smaller than its
     * impact, and a group of new instances 114%). Left as it is where the usual mix holds credits (a net near zero
     * would be scaled without bound: usage and credits of a few thousand each, blown up fifty times) or differs from
     * the expected amount by more than a factor of {@link #MAX_RESCALE} (then the weekdays are no guide to its mix).
     */
    static RootCause.Breakdown atExpected(RootCause.Breakdown b, BigDecimal expected) {
        if (b.usual().values().stream().anyMatch(v -> v.signum() < 0)) return b;
        BigDecimal usual = b.usual().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        if (usual.signum() <= 0 || expected.signum() <= 0) return b;
        if (expected.compareTo(usual.multiply(MAX_RESCALE)) > 0 || usual.compareTo(expected.multiply(MAX_RESCALE)) > 0) return b;
        Map<String, BigDecimal> scaled = new TreeMap<>();
        b.usual().forEach((k, v) -> scaled.put(k, v.multiply(expected).divide(usual, 6, RoundingMode.HALF_EVEN)));
        return new RootCause.Breakdown(b.dimension(), b.now(), scaled, b.recent());
    }
}

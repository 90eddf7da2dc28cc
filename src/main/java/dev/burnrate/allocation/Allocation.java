package dev.burnrate.allocation;

import dev.burnrate.ledger.Buckets;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Showback / chargeback: direct cost per owner plus each shared pool split onto the owners, per period and
 * currency, adding up to the bill to the last decimal.
 * <ol>
 *   <li>Read the cost grouped by the owner dimension and every field the rules match on.</li>
 *   <li>Each group goes to the first rule it matches (a shared pool) or to its owner as direct cost
 *       (untagged direct cost stays in {@code __unallocated__}).</li>
 *   <li>Each pool is split onto the owners with direct cost in that period and currency: evenly, in proportion
 *       to direct cost (negative direct cost weighs 0), or by fixed weights. With no one to carry it, it stays
 *       in {@code __shared__}.</li>
 *   <li>Parts are cut at the pool's last decimal with the largest-remainder method, so they sum to the pool exactly.</li>
 * </ol>
 */
public final class Allocation {
    private final CostLedger ledger;
    private final List<ShareRule> rules;
    private final UsageMetrics metrics;

    /** Usage per owner in a window, for by_metric rules: e.g. GPU-hours per team, requests per feature. */
    @FunctionalInterface
    public interface UsageMetrics {
        Map<String, BigDecimal> usage(String metric, Field owner, java.time.Instant from, java.time.Instant to);
    }

    /** The idle GPU cost of one run: its owner, currency, start and amount (cost × idle share). */
    public record IdleCost(String owner, String currency, java.time.Instant start, BigDecimal amount) {
    }

    /** Every run's idle GPU cost for an owner dimension; read once per allocation, then bucketed by period. */
    @FunctionalInterface
    public interface IdleCosts {
        List<IdleCost> idle(Field owner);
    }

    private final IdleCosts idleCosts;

    public Allocation(CostLedger ledger, List<ShareRule> rules) {
        this(ledger, rules, (m, o, f, t) -> Map.of(), o -> List.of());
    }

    public Allocation(CostLedger ledger, List<ShareRule> rules, UsageMetrics metrics) {
        this(ledger, rules, metrics, o -> List.of());
    }

    public Allocation(CostLedger ledger, List<ShareRule> rules, UsageMetrics metrics, IdleCosts idleCosts) {
        this.ledger = ledger;
        this.rules = List.copyOf(rules);
        this.metrics = metrics;
        this.idleCosts = idleCosts;
        Set<String> names = new java.util.HashSet<>();
        for (ShareRule r : rules) {
            if (!names.add(r.name())) throw new IllegalArgumentException("share rule '" + r.name() + "' is defined twice");
        }
    }

    /** One owner's line: direct, shared (per rule) and total, in one currency for one period. */
    public record Line(LocalDate period, String owner, String currency, BigDecimal direct, Map<String, BigDecimal> shared, BigDecimal total) {
    }

    public List<Line> allocate(Field owner, LocalDate from, LocalDate to, Granularity granularity, CostBasis basis,
                               Map<Field, List<String>> filters) {
        return allocate(owner, from, to, granularity, basis, filters, false);
    }

    /**
     * With {@code idle}, the idle GPU cost of each owner's runs (from GPU samples) moves out of the owner's direct
     * cost into {@code __idle__} — never more than the owner's direct cost — so the parts still add up to the bill.
     */
    public List<Line> allocate(Field owner, LocalDate from, LocalDate to, Granularity granularity, CostBasis basis,
                               Map<Field, List<String>> filters, boolean idle) {
        LinkedHashSet<Field> fields = new LinkedHashSet<>();
        fields.add(owner);
        for (ShareRule r : rules) fields.addAll(r.match().keySet());
        List<Field> groupBy = new ArrayList<>(fields);
        CostReport report = ledger.costs(new CostQuery(groupBy, from, to, granularity, basis, filters));

        // period|currency -> owner -> direct ; period|currency -> rule -> pool
        Map<String, Map<String, BigDecimal>> direct = new TreeMap<>();
        Map<String, Map<String, BigDecimal>> pools = new TreeMap<>();
        Map<String, LocalDate> periods = new HashMap<>();
        for (CostReport.Row row : report.rows()) {
            Map<Field, String> values = new HashMap<>();
            for (int i = 0; i < groupBy.size(); i++) values.put(groupBy.get(i), row.keys().get(i));
            String key = row.period() + "|" + row.cost().currency();
            periods.put(key, row.period());
            ShareRule rule = rules.stream().filter(r -> r.matches(values)).findFirst().orElse(null);
            if (rule == null) {
                String o = Objects.requireNonNullElse(values.get(owner), Buckets.UNALLOCATED);
                direct.computeIfAbsent(key, k -> new TreeMap<>()).merge(o, row.cost().amount(), BigDecimal::add);
            } else {
                pools.computeIfAbsent(key, k -> new LinkedHashMap<>()).merge(rule.name(), row.cost().amount(), BigDecimal::add);
            }
        }
        List<IdleCost> idleRuns = idle ? idleCosts.idle(owner) : List.of();
        List<Line> out = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(direct.keySet());
        keys.addAll(pools.keySet());
        for (String key : keys) {
            String currency = key.substring(key.indexOf('|') + 1);
            Map<String, BigDecimal> d = new TreeMap<>(direct.getOrDefault(key, Map.of()));
            if (idle) moveIdle(d, idleRuns, periods.get(key), granularity, from, to, currency);
            Map<String, Map<String, BigDecimal>> sharedByOwner = new TreeMap<>();
            for (Map.Entry<String, BigDecimal> pool : pools.getOrDefault(key, Map.of()).entrySet()) {
                ShareRule rule = rules.stream().filter(r -> r.name().equals(pool.getKey())).findFirst().orElseThrow();
                Map<String, BigDecimal> w = rule.split() == ShareRule.Split.BY_METRIC
                        ? metricWeights(rule, owner, periods.get(key), granularity, from, to)
                        : weights(rule, d);
                split(pool.getValue(), w).forEach((o, part) ->
                        sharedByOwner.computeIfAbsent(o, x -> new TreeMap<>()).merge(rule.name(), part, BigDecimal::add));
            }
            Set<String> owners = new java.util.TreeSet<>(d.keySet());
            owners.addAll(sharedByOwner.keySet());
            for (String o : owners) {
                BigDecimal dir = d.getOrDefault(o, BigDecimal.ZERO);
                Map<String, BigDecimal> sh = sharedByOwner.getOrDefault(o, Map.of());
                BigDecimal total = sh.values().stream().reduce(dir, BigDecimal::add);
                out.add(new Line(periods.get(key), o, currency, dir, Map.copyOf(sh), total));
            }
        }
        out.sort(Comparator.comparing((Line l) -> l.period() == null ? LocalDate.MIN : l.period())
                .thenComparing(Line::currency).thenComparing(Line::total, Comparator.reverseOrder()));
        return out;
    }

    /** Moves the idle cost of runs that started in the period, per owner, from direct cost into __idle__. */
    private static void moveIdle(Map<String, BigDecimal> direct, List<IdleCost> runs, LocalDate period, Granularity g, LocalDate from,
                                 LocalDate to, String currency) {
        java.time.Instant[] w = window(period, g, from, to);
        Map<String, BigDecimal> idleByOwner = new TreeMap<>();
        for (IdleCost r : runs) {
            if (r.currency().equals(currency) && !r.start().isBefore(w[0]) && r.start().isBefore(w[1])) {
                idleByOwner.merge(r.owner(), r.amount(), BigDecimal::add);
            }
        }
        BigDecimal moved = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> e : idleByOwner.entrySet()) {
            BigDecimal amount = e.getValue();
            BigDecimal have = direct.getOrDefault(e.getKey(), BigDecimal.ZERO);
            BigDecimal take = amount.min(have.max(BigDecimal.ZERO));
            if (take.signum() <= 0) continue;
            direct.put(e.getKey(), have.subtract(take));
            moved = moved.add(take);
        }
        if (moved.signum() > 0) direct.merge(Buckets.IDLE, moved, BigDecimal::add);
    }

    private static java.time.Instant[] window(LocalDate period, Granularity g, LocalDate from, LocalDate to) {
        LocalDate start = period != null ? period : (from != null ? from : LocalDate.of(1970, 1, 1));
        LocalDate end = switch (g) {
            case NONE -> to != null ? to : LocalDate.of(9999, 1, 1);
            case DAY -> start.plusDays(1);
            case WEEK -> start.plusWeeks(1);
            case MONTH -> start.plusMonths(1);
        };
        return new java.time.Instant[]{start.atStartOfDay().toInstant(java.time.ZoneOffset.UTC), end.atStartOfDay().toInstant(java.time.ZoneOffset.UTC)};
    }

    /** by_metric: each owner's usage in the period the pool belongs to; with no usage, the pool stays in __shared__. */
    private Map<String, BigDecimal> metricWeights(ShareRule rule, Field owner, LocalDate period, Granularity g, LocalDate from, LocalDate to) {
        java.time.Instant[] win = window(period, g, from, to);
        Map<String, BigDecimal> w = new TreeMap<>();
        metrics.usage(rule.metric(), owner, win[0], win[1])
                .forEach((o, v) -> {
                    if (v.signum() > 0 && !o.startsWith("__")) w.put(o, v);
                });
        if (w.isEmpty()) w.put(Buckets.SHARED, BigDecimal.ONE);
        return w;
    }

    /** Who carries a pool, and with what weight. Owners are those with direct cost, never the special buckets. */
    static Map<String, BigDecimal> weights(ShareRule rule, Map<String, BigDecimal> direct) {
        Map<String, BigDecimal> w = new TreeMap<>();
        List<String> owners = direct.keySet().stream().filter(o -> !o.startsWith("__")).toList();
        switch (rule.split()) {
            case FIXED -> rule.weights().forEach((o, v) -> {
                if (v.signum() > 0) w.put(o, v);
            });
            case PROPORTIONAL -> {
                for (String o : owners) {
                    BigDecimal v = direct.get(o);
                    if (v.signum() > 0) w.put(o, v);
                }
                if (w.isEmpty()) owners.forEach(o -> w.put(o, BigDecimal.ONE));
            }
            case EVEN -> owners.forEach(o -> w.put(o, BigDecimal.ONE));
            case BY_METRIC -> throw new IllegalStateException("by_metric weights come from usage metrics");
        }
        if (w.isEmpty()) w.put(Buckets.SHARED, BigDecimal.ONE);
        return w;
    }

    /**
     * Splits an amount by weights at the amount's own scale; the units lost to rounding go one by one to the
     * largest remainders (ties: owner name), so the parts add up to the amount exactly.
     */
    public static Map<String, BigDecimal> split(BigDecimal amount, Map<String, BigDecimal> weights) {
        BigDecimal totalWeight = weights.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        int scale = Math.max(amount.scale(), 2);
        BigDecimal unit = BigDecimal.ONE.movePointLeft(scale);
        Map<String, BigDecimal> parts = new TreeMap<>();
        List<Map.Entry<String, BigDecimal>> remainders = new ArrayList<>();
        BigDecimal assigned = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> w : weights.entrySet()) {
            BigDecimal exact = amount.multiply(w.getValue()).divide(totalWeight, scale + 12, RoundingMode.HALF_EVEN);
            BigDecimal floor = exact.setScale(scale, RoundingMode.FLOOR);
            parts.put(w.getKey(), floor);
            assigned = assigned.add(floor);
            remainders.add(Map.entry(w.getKey(), exact.subtract(floor)));
        }
        long left = amount.subtract(assigned).divide(unit, 0, RoundingMode.UNNECESSARY).longValueExact();
        remainders.sort(Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (int i = 0; i < left; i++) {
            String o = remainders.get(i % remainders.size()).getKey();
            parts.put(o, parts.get(o).add(unit));
        }
        return parts;
    }
}

package dev.burnrate.gate;

import dev.burnrate.budget.Budget;
import dev.burnrate.ledger.Field;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The budgets as the gate sees them, cached so a decision costs no database query: the budget list for
 * {@link #BUDGETS_TTL}, each budget's spend to date for {@link #SPEND_TTL} (the bill arrives hours late anyway).
 */
public final class BudgetView {
    static final Duration BUDGETS_TTL = Duration.ofSeconds(30);
    static final Duration SPEND_TTL = Duration.ofMinutes(5);

    /** Effective cost in a budget's scope and currency over [from, to). */
    @FunctionalInterface
    public interface SpendSource {
        BigDecimal spent(Budget b, LocalDate from, LocalDate to);
    }

    private record Timed<T>(Instant at, T value) {
    }

    private final Supplier<List<Budget>> budgets;
    private final SpendSource spend;
    private final Clock clock;
    private volatile Timed<List<Budget>> list;
    private final Map<String, Timed<BigDecimal>> spent = new ConcurrentHashMap<>();

    public BudgetView(Supplier<List<Budget>> budgets, SpendSource spend, Clock clock) {
        this.budgets = budgets;
        this.spend = spend;
        this.clock = clock;
    }

    public List<Budget> all() {
        Instant now = clock.instant();
        Timed<List<Budget>> l = list;
        if (l == null || Duration.between(l.at(), now).compareTo(BUDGETS_TTL) >= 0) {
            l = new Timed<>(now, List.copyOf(budgets.get()));
            list = l;
        }
        return l.value();
    }

    /** Drops the cached figures (budgets changed, a bill was imported). */
    public void refresh() {
        list = null;
        spent.clear();
    }

    /** Spend in the period up to today (exclusive). */
    public BigDecimal spent(Budget b, LocalDate periodStart, LocalDate today) {
        Instant now = clock.instant();
        String key = b.id() + "|" + periodStart + "|" + today;
        Timed<BigDecimal> t = spent.get(key);
        if (t == null || Duration.between(t.at(), now).compareTo(SPEND_TTL) >= 0) {
            t = new Timed<>(now, today.isAfter(periodStart) ? spend.spent(b, periodStart, today) : BigDecimal.ZERO);
            spent.put(key, t);
        }
        return t.value();
    }

    /**
     * Does the budget's scope cover the request? Each scope field the request speaks for (team, model, tags named like
     * dimensions, region, provider) must match; a field it cannot speak for (e.g. ServiceName) counts as matching, so
     * money is held rather than overlooked.
     */
    public static boolean covers(Budget b, GateRequest r) {
        for (Map.Entry<Field, List<String>> e : b.scope().entrySet()) {
            String v = valueOf(e.getKey(), r);
            if (v == null) continue;
            boolean any = false;
            for (String want : e.getValue()) any |= want.equalsIgnoreCase(v);
            if (!any) return false;
        }
        return true;
    }

    private static String valueOf(Field f, GateRequest r) {
        if (f.kind() == Field.Kind.DIMENSION) {
            return switch (f.name()) {
                case "team" -> r.team();
                case "model" -> r.model();
                default -> r.tags().get(f.name());
            };
        }
        return switch (f.name().toLowerCase(Locale.ROOT)) {
            case "regionid", "regionname" -> r.region();
            case "providername", "serviceprovidername" -> r.provider();
            default -> null;
        };
    }
}

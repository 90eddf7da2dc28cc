package dev.burnrate.gate;

import dev.burnrate.budget.Budget;
import dev.burnrate.ledger.Field;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The budgets as the gate sees them, cached so a decision costs no database query. The cache is keyed by a version
 * that changes with every write that can change an answer (a budget created, changed or deleted; a bill imported or
 * restated), so the very next decision after such a write sees it; no time-to-live, nothing stale.
 */
public final class BudgetView {

    /** Effective cost in a budget's scope and currency over [from, to). */
    @FunctionalInterface
    public interface SpendSource {
        BigDecimal spent(Budget b, LocalDate from, LocalDate to);
    }

    /** What the cache holds at one version of its sources. */
    private record Snapshot(long version, List<Budget> budgets, Map<String, BigDecimal> spent) {
    }

    private final Supplier<List<Budget>> budgets;
    private final SpendSource spend;
    private final LongSupplier version;
    private volatile Snapshot snapshot;

    /**
     * @param version changes (never repeats) whenever the budgets or the ledger's costs change; read before every
     *                answer, so it must be cheap (an in-memory counter)
     */
    public BudgetView(Supplier<List<Budget>> budgets, SpendSource spend, LongSupplier version) {
        this.budgets = budgets;
        this.spend = spend;
        this.version = version;
    }

    private Snapshot current() {
        long v = version.getAsLong();
        Snapshot s = snapshot;
        if (s == null || s.version() != v) {
            // read the version before the data: a write that lands in between bumps it again and the next call reloads
            s = new Snapshot(v, List.copyOf(budgets.get()), new ConcurrentHashMap<>());
            snapshot = s;
        }
        return s;
    }

    public List<Budget> all() {
        return current().budgets();
    }

    /**
     * Spend to date in the period that starts on {@code periodStart}: every charge from its start through {@code today}
     * (today's charges so far included, as the cost explorer and the budget report count them), never past the
     * period's end {@code periodEnd} (exclusive).
     */
    public BigDecimal spent(Budget b, LocalDate periodStart, LocalDate periodEnd, LocalDate today) {
        LocalDate to = today.plusDays(1).isBefore(periodEnd) ? today.plusDays(1) : periodEnd;
        if (!to.isAfter(periodStart)) return BigDecimal.ZERO;
        return current().spent().computeIfAbsent(b.id() + "|" + periodStart + "|" + to, k -> spend.spent(b, periodStart, to));
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

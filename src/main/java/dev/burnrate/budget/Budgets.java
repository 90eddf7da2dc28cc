package dev.burnrate.budget;

import dev.burnrate.alert.Alerts;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The budgets: those declared in burnrate.yaml (read-only here) and those created through the API or CLI
 * (stored). Evaluating them raises threshold alerts.
 */
public final class Budgets {
    /** Budgets created at run time, kept as their JSON spec. */
    public interface Store {
        Map<String, String> all();

        void put(String id, String spec);

        /**
         * Changes whenever the stored budgets change, whoever changed them (a store that several replicas share); a
         * store only this process writes may keep 0: this process counts its own writes.
         */
        default long version() {
            return 0;
        }

        boolean delete(String id);
    }

    /** Where a budget created, changed or deleted at run time is recorded (the audit log): who, what, which, the spec. */
    @FunctionalInterface
    public interface Changes {
        void record(String actor, String action, String budgetId, String spec);

        static Changes none() {
            return (a, b, c, d) -> {
            };
        }
    }

    private final Map<String, Budget> declared;
    private Changes changes = Changes.none();
    private final Store store;
    private final BudgetEvaluator evaluator;
    private final Alerts alerts;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    public Budgets(List<Budget> declared, Store store, BudgetEvaluator evaluator, Alerts alerts, Clock clock) {
        Map<String, Budget> m = new LinkedHashMap<>();
        for (Budget b : declared) {
            if (m.put(b.id(), b) != null) throw new IllegalArgumentException("budget id '" + b.id() + "' is declared twice");
        }
        this.declared = Map.copyOf(m);
        this.store = store;
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.clock = clock;
    }

    public List<Budget> all() {
        List<Budget> out = new ArrayList<>(declared.values());
        store.all().forEach((id, spec) -> out.add(BudgetSpecs.parse(spec, "budget " + id)));
        out.sort(java.util.Comparator.comparing(Budget::id));
        return out;
    }

    /** Budget writes are recorded here from now on. */
    public Budgets recordingTo(Changes changes) {
        this.changes = changes;
        return this;
    }

    /** Changes with every budget created, changed or deleted here, so the gate's view reloads before its next decision. */
    public long version() {
        return version.get() + store.version();
    }

    public Optional<Budget> find(String id) {
        return all().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** Creates or replaces a run-time budget from its JSON/YAML spec; a budget declared in burnrate.yaml cannot be replaced. */
    public Budget put(String spec, String actor) {
        Budget b = BudgetSpecs.parse(spec, "request body");
        if (declared.containsKey(b.id())) {
            throw new IllegalArgumentException("budget '" + b.id() + "' is declared in burnrate.yaml; change it there");
        }
        boolean existed = store.all().containsKey(b.id());
        store.put(b.id(), spec);
        version.incrementAndGet(); // before anything that may fail: the gate must see what is stored
        changes.record(actor, existed ? "budget.changed" : "budget.created", b.id(), spec);
        return b;
    }

    public boolean delete(String id, String actor) {
        if (declared.containsKey(id)) throw new IllegalArgumentException("budget '" + id + "' is declared in burnrate.yaml; remove it there");
        String spec = store.all().get(id);
        boolean deleted = store.delete(id);
        if (deleted) version.incrementAndGet(); // before anything that may fail: the gate must see what is stored
        if (deleted) changes.record(actor, "budget.deleted", id, spec);
        return deleted;
    }

    public BudgetStatus status(Budget b) {
        return evaluator.status(b, LocalDate.now(clock));
    }

    /**
     * The statuses of the last {@link #evaluate}, and each team's spend rate over the 7 days before that evaluation's day
     * (for /metrics: nothing is evaluated per scrape). The rates are read from the ledger once, when first asked for:
     * `burnrate budgets` and the evaluation after each import never ask, so they do not pay for a query they do not show.
     */
    public static final class Evaluation {
        private final java.time.Instant at;
        private final List<BudgetStatus> statuses;
        private final java.util.function.Supplier<List<SpendRates.Rate>> rates;
        private List<SpendRates.Rate> teamSpendRates;

        Evaluation(java.time.Instant at, List<BudgetStatus> statuses, java.util.function.Supplier<List<SpendRates.Rate>> rates) {
            this.at = at;
            this.statuses = List.copyOf(statuses);
            this.rates = rates;
        }

        public java.time.Instant at() {
            return at;
        }

        public List<BudgetStatus> statuses() {
            return statuses;
        }

        public synchronized List<SpendRates.Rate> teamSpendRates() {
            if (teamSpendRates == null) teamSpendRates = List.copyOf(rates.get());
            return teamSpendRates;
        }
    }

    private volatile Evaluation last;

    /** Evaluates every budget and raises alerts for newly crossed thresholds; returns the statuses. */
    public List<BudgetStatus> evaluate() {
        List<BudgetStatus> out = new ArrayList<>();
        for (Budget b : all()) {
            BudgetStatus s = status(b);
            BudgetAlerts.raise(s, alerts);
            out.add(s);
        }
        LocalDate today = LocalDate.now(clock);
        last = new Evaluation(clock.instant(), out, () -> evaluator.teamSpendRates(today));
        return out;
    }

    /** The last evaluation, or null before the first. */
    public Evaluation lastEvaluation() {
        return last;
    }
}

package dev.burnrate.store;

import dev.burnrate.budget.Budgets;

import java.time.Clock;
import java.util.Map;

/** Budgets created at run time, kept as their spec (see {@link SpecTable}). */
public final class DuckBudgetStore implements Budgets.Store {
    private final SpecTable specs;

    public DuckBudgetStore(Database db, Clock clock) {
        this.specs = new SpecTable(db, clock, "budget", "budget", "budgets");
    }

    @Override
    public Map<String, String> all() {
        return specs.all();
    }

    @Override
    public void put(String id, String spec) {
        specs.put(id, spec);
    }

    @Override
    public boolean delete(String id) {
        return specs.delete(id);
    }
}

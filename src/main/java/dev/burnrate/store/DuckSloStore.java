package dev.burnrate.store;

import dev.burnrate.slo.Slos;

import java.time.Clock;
import java.util.Map;

/** SLOs created at run time, kept as their spec (see {@link SpecTable}). */
public final class DuckSloStore implements Slos.Store {
    private final SpecTable specs;

    public DuckSloStore(Database db, Clock clock) {
        this.specs = new SpecTable(db, clock, "slo", "SLO", "SLOs");
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

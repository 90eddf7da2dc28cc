package dev.burnrate.gate;

import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Cheaper ways to run the same work when the plan does not fit: spot instead of on-demand, incremental instead of full
 * (from incremental history), or another instance size with the same GPUs. Each is estimated on the same basis as the
 * plan (the same past runs' GPU-hours, or the same declared hours), and an instance is offered only when its price per
 * GPU-hour is lower, so a saving is a saving and never an artefact of comparing two kinds of estimate.
 */
final class Alternatives {
    /** One change to the plan and what it would cost. */
    record Alternative(String kind, String from, String to, GateRequest request, Estimate estimate) {
        String label() {
            return kind + " (" + from + " → " + to + ")";
        }
    }

    private final Estimator estimator;

    Alternatives(Estimator estimator) {
        this.estimator = estimator;
    }

    /** The alternatives cheaper than the plan's p90, the biggest saving first. */
    List<Alternative> of(GateRequest r, Estimate est) {
        List<Alternative> out = new ArrayList<>();
        if (r.pricing() != PriceCatalog.Pricing.SPOT) {
            GateRequest s = r.withPricing(PriceCatalog.Pricing.SPOT);
            estimator.tryEstimate(s).filter(e -> e.basis().equals(est.basis()))
                    .ifPresent(e -> out.add(new Alternative("spot", r.pricing().label(), "spot", s, e)));
        }
        if (r.kind() == GateRequest.Kind.FULL && r.trigger().isQualityTrigger()) {
            GateRequest inc = r.withKind(GateRequest.Kind.INCREMENTAL);
            estimator.tryEstimate(inc).filter(e -> e.basis().equals("history"))
                    .ifPresent(e -> out.add(new Alternative("incremental", "full", "incremental", inc, e)));
        }
        cheaperInstance(r, est).ifPresent(out::add);
        out.removeIf(a -> a.estimate().p90().amount().compareTo(est.p90().amount()) >= 0);
        out.sort(Comparator.comparing(a -> est.p90().amount().subtract(a.estimate().p90().amount()).negate()));
        return out;
    }

    /**
     * The cheapest other instance type of the same provider and region with the same GPU chip, as many GPUs in all,
     * a lower price per GPU-hour, and an estimate on the plan's basis.
     */
    private Optional<Alternative> cheaperInstance(GateRequest r, Estimate est) {
        PriceCatalog catalog = estimator.catalog();
        Optional<PriceCatalog.Gpu> mine = catalog.gpu(r.provider(), r.instanceType(), r.region());
        if (mine.isEmpty()) return Optional.empty();
        int gpus = mine.get().count() * r.count();
        BigDecimal perGpu;
        try {
            perGpu = estimator.unitRate(r);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<Alternative> found = new ArrayList<>();
        for (InstancePrice p : catalog.search(null, r.provider(), r.region(), null)) {
            if (p.instanceType().equals(r.instanceType())) continue;
            Optional<PriceCatalog.Gpu> theirs = catalog.gpu(p.provider(), p.instanceType(), p.region());
            if (theirs.isEmpty() || !theirs.get().model().equals(mine.get().model()) || gpus % theirs.get().count() != 0) continue;
            GateRequest q = r.withInstance(p.instanceType(), gpus / theirs.get().count());
            BigDecimal theirPerGpu;
            try {
                theirPerGpu = estimator.unitRate(q);
            } catch (IllegalArgumentException e) {
                continue; // no price under this pricing model
            }
            if (theirPerGpu.compareTo(perGpu) >= 0) continue;
            estimator.tryEstimate(q).filter(e -> e.basis().equals(est.basis()))
                    .ifPresent(e -> found.add(new Alternative("instance", r.count() + " × " + r.instanceType(), q.count() + " × " + q.instanceType(), q, e)));
        }
        return found.stream().min(Comparator.comparing(a -> a.estimate().p90().amount()));
    }
}

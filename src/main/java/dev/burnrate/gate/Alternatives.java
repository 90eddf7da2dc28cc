package dev.burnrate.gate;

import dev.burnrate.ledger.JobRun;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.recommend.SpotEconomics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Cheaper ways to run the same work when the plan does not fit: spot instead of on-demand (by the savings engine's spot
 * rule, restart overhead included, and only for work that checkpoints), incremental instead of full (from incremental
 * history), or another instance size with the same GPUs. Each is estimated on the same basis as the
 * plan (the same past runs' GPU-hours, or the same declared hours), and an instance is offered only when its price per
 * GPU-hour is lower, so a saving is a saving and never an artefact of comparing two kinds of estimate.
 */
final class Alternatives {
    /** One change to the plan and what it would cost. */
    record Alternative(String kind, String from, String to, GateRequest request, Estimate estimate, String why) {
        Alternative(String kind, String from, String to, GateRequest request, Estimate estimate) {
            this(kind, from, to, request, estimate, "");
        }

        String label() {
            return kind + " (" + from + " → " + to + ")";
        }
    }

    /** The request tag by which a run declares that it resumes from checkpoints (for a model without such history). */
    static final String CHECKPOINTS_TAG = "checkpoints";

    private final Estimator estimator;
    private final SpotEconomics spot;

    Alternatives(Estimator estimator, SpotEconomics spot) {
        this.estimator = estimator;
        this.spot = spot;
    }

    /**
     * The alternatives cheaper than the plan's p90, the biggest saving first; {@code notes} gets why a change was not
     * offered (spot for a family whose runs never checkpoint).
     */
    List<Alternative> of(GateRequest r, Estimate est, List<String> notes) {
        List<Alternative> out = new ArrayList<>();
        if (r.pricing() != PriceCatalog.Pricing.SPOT) onSpot(r, est, notes).ifPresent(out::add);
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
     * Spot, by the savings engine's rule ({@link SpotEconomics}): only for a family whose past runs of this kind
     * checkpoint, or a request tagged {@code checkpoints=true} (a run that cannot resume starts over at every eviction), estimated at the spot price and grown by the
     * expected restart overhead, with the MTBF from the family's own evictions on this instance type and region, or
     * the Spot Advisor's band.
     */
    private Optional<Alternative> onSpot(GateRequest r, Estimate est, List<String> notes) {
        List<JobRun> family = estimator.pastRuns(r.model()).stream().filter(j -> r.kind().matches(j.kind(), j.tier())).toList();
        boolean declared = "true".equalsIgnoreCase(r.tags().getOrDefault(CHECKPOINTS_TAG, ""));
        if (!declared && family.stream().noneMatch(j -> j.checkpoints() > 0)) {
            notes.add("spot not offered: " + (family.isEmpty() ? "no past " + r.kind().label() + " run of " + r.model() + " shows it checkpoints"
                    : "none of " + r.model() + "'s " + family.size() + " past " + r.kind().label() + " runs wrote a checkpoint") + ", and a run that cannot resume starts over at every eviction"
                    + " (a run that resumes from checkpoints says so with the tag " + CHECKPOINTS_TAG + "=true)");
            return Optional.empty();
        }
        GateRequest s = r.withPricing(PriceCatalog.Pricing.SPOT);
        Optional<Estimate> atSpot = estimator.tryEstimate(s).filter(e -> e.basis().equals(est.basis()));
        if (atSpot.isEmpty()) return Optional.empty();
        Instant end = estimator.now();
        List<JobRun> onSpot = family.stream().filter(j -> "spot".equals(j.pricing()) && r.instanceType().equals(j.instanceType())
                && (j.region() == null || j.region().equals(r.region()))).toList();
        Optional<SpotEconomics.Outcome> o = spot.of(r.provider(), r.instanceType(), r.region(), r.count(),
                SpotEconomics.history(onSpot, end.minus(spot.historyWindow()), end), atSpot.get().hoursP90());
        if (o.isEmpty()) {
            notes.add("spot not offered: no eviction history on spot and no interruption band for " + r.instanceType() + " in " + r.region());
            return Optional.empty();
        }
        String why = (declared ? "the request resumes from checkpoints (tag " + CHECKPOINTS_TAG + "=true)"
                : r.model() + "'s past " + r.kind().label() + " runs checkpoint") + "; " + o.get().describe();
        return Optional.of(new Alternative("spot", r.pricing().label(), "spot", s, atSpot.get().withOverhead(o.get().overhead(), "on spot: " + o.get().describe()), why));
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

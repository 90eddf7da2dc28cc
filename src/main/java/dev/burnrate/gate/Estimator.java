package dev.burnrate.gate;

import dev.burnrate.allocation.JobCosts;
import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates a run's cost from similar past runs of the same model: same kind and tier, on the same GPU chip (any
 * provider spelling, region, instance size or price lookup), finished and succeeded. Each run is measured in GPU-hours
 * (instance-hours of its family for instances without GPUs), × dataset size ratio when both are known, and priced at the
 * requested instance's rate per GPU-hour; GPU-hours are assumed conserved when the instance size or count changes. The
 * estimate names the runs it used and counts the others by why they were left out. With fewer than {@link #MIN_RUNS}
 * similar runs and declared hours, it prices the declared hours from the catalog instead, p90 = p50 ×
 * {@link #CATALOG_P90_FACTOR}. History is cached per model for {@link #CACHE_TTL} and dropped when a run finishes.
 */
public final class Estimator {
    public static final int MIN_RUNS = 3;
    public static final BigDecimal CATALOG_P90_FACTOR = new BigDecimal("1.25");
    static final Duration CACHE_TTL = Duration.ofMinutes(5);
    private static final int HISTORY = 2000;
    private static final int SHOWN = 10;

    /** Why a past run of the model did not inform an estimate (the labels appear in the estimate's evidence). */
    enum Exclusion {
        STILL_RUNNING("still running"), NOT_SUCCEEDED("did not succeed"), OTHER_KIND("other kind/tier"), OTHER_GPU("other GPU type"),
        UNKNOWN_INSTANCE("instance type not in the price catalog"), NO_DURATION("no start or end");

        final String label;

        Exclusion(String label) {
            this.label = label;
        }
    }

    private final JobRuns jobs;
    private final JobCosts costs;
    private final PriceCatalog catalog;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** A past run of the model, with its cost when it finished (billed or estimated; null when unknown). */
    private record Past(JobRun job, Money cost) {
    }

    private record Cached(Instant at, List<Past> runs) {
    }

    /**
     * What a run is measured in: GPUs of one chip ({@code key} "gpu:h100", {@code perInstance} 8 for p5.48xlarge), or
     * for an instance without GPUs, instances of one family ("family:m5", 1).
     */
    record Unit(String key, int perInstance, String label) {
        boolean gpu() {
            return key.startsWith("gpu:");
        }
    }

    /** The past runs that fit a request, each scaled to it, and how many of the others were left out and why. */
    record Similar(List<Estimate.Evidence> used, Map<String, Integer> excluded, Unit unit, int datasetScaled) {
        String excludedText() {
            if (excluded.isEmpty()) return "";
            return excluded.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
        }
    }

    public Estimator(JobRuns jobs, JobCosts costs, PriceCatalog catalog, Clock clock) {
        this.jobs = jobs;
        this.costs = costs;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Forget the cached history of a model (a run of it finished). */
    public void invalidate(String model) {
        cache.remove(model);
    }

    /** The hourly rate of one instance under a pricing model; fails naming what the catalog lacks. */
    public BigDecimal rate(String provider, String type, String region, PriceCatalog.Pricing pricing) {
        InstancePrice p = catalog.find(provider, type, region).orElseThrow(() -> new IllegalArgumentException(
                "no price for " + provider + " " + type + " in " + region + " in the price catalog (add it under prices: in burnrate.yaml)"));
        BigDecimal r = switch (pricing) {
            case ON_DEMAND -> p.onDemand();
            case SPOT -> p.spot();
            case RESERVED -> p.commit1y();
        };
        if (r == null) {
            throw new IllegalArgumentException("the catalog has no " + pricing.name().toLowerCase(Locale.ROOT) + " price for " + type + " in " + region);
        }
        return r;
    }

    public PriceCatalog catalog() {
        return catalog;
    }

    /** The unit a request's instances are measured in (GPUs of their chip, or instances of their family). */
    Unit unit(String provider, String type, String region) {
        return catalog.gpu(provider, type, region)
                .map(g -> new Unit("gpu:" + g.model(), g.count(), g.model().toUpperCase(Locale.ROOT) + " GPUs"))
                .orElseGet(() -> new Unit("family:" + family(type), 1, family(type) + " instances"));
    }

    /** The rate of one unit (one GPU, or one instance without GPUs) of the request's instance, per hour. */
    BigDecimal unitRate(GateRequest r) {
        return rate(r.provider(), r.instanceType(), r.region(), r.pricing())
                .divide(BigDecimal.valueOf(unit(r.provider(), r.instanceType(), r.region()).perInstance()), MathContext.DECIMAL64);
    }

    /** The estimate, or null when there is neither enough history nor declared hours. */
    /** The estimate of a variant of a request, or empty when it has none (no price for it, no history and no hours). */
    java.util.Optional<Estimate> tryEstimate(GateRequest r) {
        try {
            return java.util.Optional.ofNullable(estimate(r));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    public Estimate estimate(GateRequest r) {
        BigDecimal rate = rate(r.provider(), r.instanceType(), r.region(), r.pricing());
        Similar sim = similar(r, rate);
        List<Estimate.Evidence> ev = sim.used();
        Unit unit = sim.unit();
        String pricing = r.pricing().name().toLowerCase(Locale.ROOT);
        String instances = r.count() + " × " + r.instanceType() + (unit.gpu() ? " (" + r.count() * unit.perInstance() + " " + unit.label() + ")" : "");
        if (ev.size() >= MIN_RUNS || (!ev.isEmpty() && r.expectedHours() == null)) {
            List<BigDecimal> costsSorted = ev.stream().map(e -> e.scaled().amount()).sorted().toList();
            List<BigDecimal> hoursSorted = ev.stream().map(Estimate.Evidence::scaledHours).sorted().toList();
            List<String> ids = ev.stream().map(Estimate.Evidence::jobId).toList();
            BigDecimal perUnit = rate.divide(BigDecimal.valueOf(unit.perInstance()), 4, RoundingMode.HALF_EVEN);
            String measure = unit.gpu() ? "GPU-hours" : "instance-hours";
            return new Estimate(usd(quantile(costsSorted, 0.5)), usd(quantile(costsSorted, 0.9)), quantile(hoursSorted, 0.5).setScale(2, RoundingMode.HALF_UP),
                    quantile(hoursSorted, 0.9).setScale(2, RoundingMode.HALF_UP), "history", ev.stream().limit(SHOWN).toList(),
                    ev.size() + " similar past run(s) of " + r.model() + " (" + r.kind().label() + " on " + unit.label() + ": " + idsText(ids) + ")"
                            + ", their " + measure + " priced for " + instances + " " + pricing + " at " + Money.plain(rate) + " USD/h ("
                            + Money.plain(perUnit) + " USD per " + (unit.gpu() ? "GPU" : "instance") + "-hour)"
                            + datasetText(r, sim)
                            + (sim.excluded().isEmpty() ? "" : "; not used: " + sim.excludedText()),
                    ids, sim.excluded());
        }
        if (r.expectedHours() == null) return null;
        BigDecimal p50 = rate.multiply(BigDecimal.valueOf(r.count())).multiply(r.expectedHours());
        BigDecimal hours90 = r.expectedHours().multiply(CATALOG_P90_FACTOR);
        return new Estimate(usd(p50), usd(p50.multiply(CATALOG_P90_FACTOR)), r.expectedHours(), hours90.setScale(2, RoundingMode.HALF_UP), "catalog",
                List.of(), "price catalog: " + instances + " " + pricing + " at " + Money.plain(rate) + " USD/h × " + Money.plain(r.expectedHours())
                + " h declared; p90 adds " + Money.plain(CATALOG_P90_FACTOR) + "× for uncertainty (" + historyText(r, sim) + ")",
                ev.stream().map(Estimate.Evidence::jobId).toList(), sim.excluded());
    }

    /** Why history alone cannot estimate the request: which of its model's runs fit, and why the others do not. */
    public String history(GateRequest r) {
        return historyText(r, similar(r, rate(r.provider(), r.instanceType(), r.region(), r.pricing())));
    }

    private static String historyText(GateRequest r, Similar sim) {
        String of = " of " + r.model() + " (" + r.kind().label() + " on " + sim.unit().label() + ")";
        String head = sim.used().isEmpty() ? "no similar past runs" + of
                : "only " + sim.used().size() + " similar past run(s)" + of + ": " + idsText(sim.used().stream().map(Estimate.Evidence::jobId).toList());
        return head + (sim.excluded().isEmpty() ? "" : "; not used: " + sim.excludedText());
    }

    private static String datasetText(GateRequest r, Similar sim) {
        if (r.datasetGb() == null) return "";
        String gb = Money.plain(r.datasetGb()) + " GB";
        if (sim.datasetScaled() == sim.used().size()) return " and scaled to " + gb;
        if (sim.datasetScaled() == 0) return "; not scaled to " + gb + " (the past runs do not record their dataset size)";
        return " and scaled to " + gb + " where the past run records its dataset size (" + sim.datasetScaled() + " of " + sim.used().size() + ")";
    }

    private static String idsText(List<String> ids) {
        int shown = Math.min(ids.size(), 5);
        return String.join(", ", ids.subList(0, shown)) + (ids.size() > shown ? " and " + (ids.size() - shown) + " more" : "");
    }

    /** The model's past runs that fit the request (newest first), each scaled to it, and the others counted by reason. */
    Similar similar(GateRequest r, BigDecimal rate) {
        Unit unit = unit(r.provider(), r.instanceType(), r.region());
        BigDecimal units = BigDecimal.valueOf((long) r.count() * unit.perInstance());
        List<Estimate.Evidence> used = new ArrayList<>();
        Map<String, Integer> excluded = new LinkedHashMap<>();
        int datasetScaled = 0;
        for (Past past : history(r.model())) {
            JobRun j = past.job();
            Exclusion why = null;
            Unit theirs = null;
            if ("running".equals(j.status()) || (j.status() == null && j.end() == null)) why = Exclusion.STILL_RUNNING;
            else if (j.status() != null && !"succeeded".equals(j.status())) why = Exclusion.NOT_SUCCEEDED;
            else if (!r.kind().matches(j.kind(), j.tier())) why = Exclusion.OTHER_KIND;
            else {
                theirs = unit(j.provider(), j.instanceType(), j.region());
                if (!theirs.key().equals(unit.key())) {
                    why = unit.gpu() && !theirs.gpu() && (j.instanceType() == null || !catalog.hasType(j.instanceType())) ? Exclusion.UNKNOWN_INSTANCE : Exclusion.OTHER_GPU;
                } else if (j.start() == null || j.end() == null || !j.end().isAfter(j.start())) why = Exclusion.NO_DURATION;
            }
            if (why != null) {
                excluded.merge(why.label, 1, Integer::sum);
                continue;
            }
            BigDecimal ds = BigDecimal.ONE;
            if (r.datasetGb() != null && j.datasetSizeGb() != null && j.datasetSizeGb() > 0) {
                ds = r.datasetGb().divide(BigDecimal.valueOf(j.datasetSizeGb()), MathContext.DECIMAL64);
                datasetScaled++;
            }
            BigDecimal hours = BigDecimal.valueOf(Duration.between(j.start(), j.end()).getSeconds()).divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
            BigDecimal unitHours = hours.multiply(BigDecimal.valueOf((long) Math.max(1, j.instanceCount()) * theirs.perInstance()));
            BigDecimal scaledUnitHours = unitHours.multiply(ds);
            BigDecimal scaledHours = scaledUnitHours.divide(units, 4, RoundingMode.HALF_EVEN);
            BigDecimal scaled = scaledUnitHours.multiply(rate).divide(BigDecimal.valueOf(unit.perInstance()), 2, RoundingMode.HALF_EVEN);
            used.add(new Estimate.Evidence(j.id(), j.instanceType(), j.instanceCount(), j.pricing(), hours, past.cost(), scaledHours, new Money(scaled, "USD"),
                    j.provider() == null ? null : Providers.canonical(j.provider()), j.region(), unit.gpu() ? unitHours.setScale(4, RoundingMode.HALF_EVEN) : null));
        }
        // a stable order of reasons, so the same history always reads the same
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (Exclusion e : Exclusion.values()) if (excluded.containsKey(e.label)) ordered.put(e.label, excluded.get(e.label));
        return new Similar(used, ordered, unit, datasetScaled);
    }

    /** The clock's now: where history windows end. */
    Instant now() {
        return clock.instant();
    }

    /** The model's past runs (newest first), as the estimates read them. */
    List<JobRun> pastRuns(String model) {
        return history(model).stream().map(Past::job).toList();
    }

    private List<Past> history(String model) {
        Instant now = clock.instant();
        Cached c = cache.get(model);
        if (c != null && Duration.between(c.at(), now).compareTo(CACHE_TTL) < 0) return c.runs();
        List<JobRun> all = jobs.list(model, null, HISTORY);
        List<JobRun> finished = all.stream().filter(j -> j.start() != null && j.end() != null && (j.status() == null || "succeeded".equals(j.status()))).toList();
        Map<String, Money> cost = new HashMap<>();
        for (JobCosts.JobCost x : costs.costs(finished)) if (x.cost() != null) cost.put(x.job().id(), x.cost());
        List<Past> runs = all.stream().map(j -> new Past(j, cost.get(j.id()))).toList();
        cache.put(model, new Cached(now, runs));
        return runs;
    }

    /** The instance family: "p4d" for p4d.24xlarge, "a2" for a2-highgpu-8g, "nd96asr" for Standard_ND96asr_v4. */
    static String family(String type) {
        if (type == null) return "";
        String t = type.toLowerCase(Locale.ROOT);
        if (t.startsWith("standard_")) t = t.substring(9);
        int cut = t.length();
        for (char sep : new char[]{'.', '-', '_'}) {
            int i = t.indexOf(sep);
            if (i > 0) cut = Math.min(cut, i);
        }
        return t.substring(0, cut);
    }

    /** Linear interpolation between closest ranks. */
    static BigDecimal quantile(List<BigDecimal> sorted, double q) {
        if (sorted.size() == 1) return sorted.get(0);
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.size() - 1, lo + 1);
        BigDecimal frac = BigDecimal.valueOf(pos - lo);
        return sorted.get(lo).add(sorted.get(hi).subtract(sorted.get(lo)).multiply(frac));
    }

    private static Money usd(BigDecimal v) {
        return new Money(v.setScale(2, RoundingMode.HALF_UP), "USD");
    }
}

package dev.burnrate.gate;

import dev.burnrate.allocation.JobCosts;
import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates a run's cost from similar past runs (same model, kind and instance family; finished, with a known cost),
 * each scaled to the request: × dataset size ratio (when both are known) × the requested instance's hourly rate over the
 * past run's. Instance-hours are assumed to be conserved when the instance count changes. With fewer than
 * {@link #MIN_RUNS} similar runs and declared hours, it prices the declared hours from the catalog instead, p90 = p50 ×
 * {@link #CATALOG_P90_FACTOR}. History is cached per model for {@link #CACHE_TTL} and dropped when a run finishes.
 */
public final class Estimator {
    public static final int MIN_RUNS = 3;
    public static final BigDecimal CATALOG_P90_FACTOR = new BigDecimal("1.25");
    static final Duration CACHE_TTL = Duration.ofMinutes(5);
    private static final int HISTORY = 2000;

    private final JobRuns jobs;
    private final JobCosts costs;
    private final PriceCatalog catalog;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Instant at, List<JobCosts.JobCost> runs) {
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

    /** The estimate, or null when there is neither enough history nor declared hours. */
    public Estimate estimate(GateRequest r) {
        BigDecimal rate = rate(r.provider(), r.instanceType(), r.region(), r.pricing());
        List<Estimate.Evidence> ev = new ArrayList<>();
        for (JobCosts.JobCost c : history(r.model())) {
            JobRun j = c.job();
            if (!r.kind().matches(j.kind(), j.tier()) || !family(j.instanceType()).equals(family(r.instanceType()))) continue;
            if (!"USD".equals(c.cost().currency())) continue;
            PriceCatalog.Pricing jp = j.pricing() == null ? PriceCatalog.Pricing.ON_DEMAND : PriceCatalog.Pricing.valueOf(j.pricing().toUpperCase(Locale.ROOT));
            BigDecimal pastRate;
            try {
                pastRate = rate(j.provider() == null ? "AWS" : j.provider(), j.instanceType(), j.region() == null ? "us-east-1" : j.region(), jp);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (pastRate.signum() == 0) continue;
            BigDecimal ds = BigDecimal.ONE;
            if (r.datasetGb() != null && j.datasetSizeGb() != null && j.datasetSizeGb() > 0) {
                ds = r.datasetGb().divide(BigDecimal.valueOf(j.datasetSizeGb()), MathContext.DECIMAL64);
            }
            BigDecimal hours = BigDecimal.valueOf(Duration.between(j.start(), j.end()).getSeconds()).divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
            BigDecimal scaledHours = hours.multiply(ds).multiply(BigDecimal.valueOf(Math.max(1, j.instanceCount())))
                    .divide(BigDecimal.valueOf(r.count()), 4, RoundingMode.HALF_EVEN);
            BigDecimal scaled = c.cost().amount().multiply(ds).multiply(rate).divide(pastRate, 2, RoundingMode.HALF_EVEN);
            ev.add(new Estimate.Evidence(j.id(), j.instanceType(), j.instanceCount(), j.pricing(), hours, c.cost(), scaledHours, new Money(scaled, "USD")));
        }
        if (ev.size() >= MIN_RUNS || (!ev.isEmpty() && r.expectedHours() == null)) {
            List<BigDecimal> costsSorted = ev.stream().map(e -> e.scaled().amount()).sorted().toList();
            List<BigDecimal> hoursSorted = ev.stream().map(Estimate.Evidence::scaledHours).sorted().toList();
            List<Estimate.Evidence> shown = ev.stream().sorted(Comparator.comparing((Estimate.Evidence e) -> e.jobId()).reversed()).limit(10).toList();
            return new Estimate(usd(quantile(costsSorted, 0.5)), usd(quantile(costsSorted, 0.9)), quantile(hoursSorted, 0.5).setScale(2, RoundingMode.HALF_UP),
                    quantile(hoursSorted, 0.9).setScale(2, RoundingMode.HALF_UP), "history", shown,
                    ev.size() + " similar past run(s) of " + r.model() + " (" + r.kind().label() + ", " + family(r.instanceType()) + " family), scaled to "
                            + r.count() + " × " + r.instanceType() + " " + r.pricing().name().toLowerCase(Locale.ROOT) + " at " + Money.plain(rate) + " USD/h"
                            + (r.datasetGb() != null ? " and " + Money.plain(r.datasetGb()) + " GB" : ""));
        }
        if (r.expectedHours() == null) return null;
        BigDecimal p50 = rate.multiply(BigDecimal.valueOf(r.count())).multiply(r.expectedHours());
        BigDecimal hours90 = r.expectedHours().multiply(CATALOG_P90_FACTOR);
        return new Estimate(usd(p50), usd(p50.multiply(CATALOG_P90_FACTOR)), r.expectedHours(), hours90.setScale(2, RoundingMode.HALF_UP), "catalog",
                List.of(), "price catalog: " + r.count() + " × " + r.instanceType() + " " + r.pricing().name().toLowerCase(Locale.ROOT) + " at "
                + Money.plain(rate) + " USD/h × " + Money.plain(r.expectedHours()) + " h declared; p90 adds " + Money.plain(CATALOG_P90_FACTOR) + "× for uncertainty"
                + (ev.isEmpty() ? " (no similar past runs)" : " (only " + ev.size() + " similar past run(s))"));
    }

    private List<JobCosts.JobCost> history(String model) {
        Instant now = clock.instant();
        Cached c = cache.get(model);
        if (c != null && Duration.between(c.at(), now).compareTo(CACHE_TTL) < 0) return c.runs();
        List<JobRun> finished = jobs.list(model, null, HISTORY).stream()
                .filter(j -> "succeeded".equals(j.status()) && j.start() != null && j.end() != null && j.end().isAfter(j.start())).toList();
        List<JobCosts.JobCost> runs = costs.costs(finished).stream().filter(x -> x.cost() != null).toList();
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

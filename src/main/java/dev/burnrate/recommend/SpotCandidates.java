package dev.burnrate.recommend;

import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Training job families that checkpoint, run on demand, and could run on spot. A family is a team's runs of one model and
 * kind on one instance type in one region. Over the lookback, its on-demand runs that checkpoint (and that no idle or
 * rightsizing recommendation already counts: the same dollars are never saved twice) billed some effective cost; on
 * spot that cost is scaled by the catalog's spot / on-demand ratio and grows by the expected restart overhead
 * ({@link SpotEconomics}, the rule the gate's spot change uses too), for the family's median instances per run:
 * saving = billed × (1 − spot/on-demand × (1 + overhead)), when positive.
 */
final class SpotCandidates {
    static final Set<String> TRAINING = Set.of("training", "retraining", "fine_tune", "hpo_trial");
    private static final MathContext MC = MathContext.DECIMAL64;

    private final JobRuns jobs;
    private final PriceCatalog catalog;
    private final SavingsEngine.Settings settings;
    private final SpotEconomics economics;

    SpotCandidates(JobRuns jobs, PriceCatalog catalog, SavingsEngine.Settings settings, SpotEconomics economics) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.settings = settings;
        this.economics = economics;
    }

    private record Family(String team, String model, String kind, String provider, String instanceType, String region) {
        String label() {
            return team + "/" + model + "/" + kind + " on " + instanceType + " (" + provider + " " + region + ")";
        }
    }

    /**
     * The recommendations, with what they save on demand per "provider|region|currency" added to {@code onDemandSaved}.
     * {@code taken}: jobs another recommendation already counts.
     */
    List<Recommendation> find(Instant end, Set<String> taken, OnDemandSavings onDemandSaved, List<String> notes) {
        Instant from = end.minus(Duration.ofDays(settings.spotDays()));
        Instant historyFrom = end.minus(Duration.ofDays(settings.spotHistoryDays()));
        Map<Family, List<JobRun>> onDemand = new TreeMap<>(Comparator.comparing(Family::label));
        Map<Family, List<JobRun>> spot = new LinkedHashMap<>();
        for (JobRun j : jobs.listAny(List.of(), List.of(), 100_000)) {
            if (j.kind() == null || !TRAINING.contains(j.kind()) || j.instanceType() == null || j.start() == null || !j.start().isBefore(end)) continue;
            Family f = new Family(j.team() == null ? "__unallocated__" : j.team(), j.model() == null ? "(no model)" : j.model(), j.kind(),
                    Providers.canonical(j.provider() == null ? "AWS" : j.provider()), j.instanceType(), j.region() == null ? "us-east-1" : j.region());
            boolean inWindow = j.end() == null || j.end().isAfter(from);
            if ("spot".equals(j.pricing())) {
                if (j.end() == null || j.end().isAfter(historyFrom)) spot.computeIfAbsent(f, k -> new ArrayList<>()).add(j);
            } else if ((j.pricing() == null || "on_demand".equals(j.pricing())) && inWindow && j.checkpoints() > 0 && !taken.contains(j.id())
                    && !"stopped".equals(j.status())) {
                // a run that was stopped (the guard's runaway, someone's kill) is an incident, not the family's workload
                onDemand.computeIfAbsent(f, k -> new ArrayList<>()).add(j);
            }
        }
        List<Recommendation> out = new ArrayList<>();
        // one pass over the bill for every family's runs, charge period by charge period: the totals and the daily
        // spend (for the steady share) both come from it
        List<JobRuns.BilledPeriod> all = jobs.billedPeriods(onDemand.values().stream().flatMap(List::stream).map(JobRun::id).toList(), from, end);
        Map<String, Map<String, JobRuns.Billed>> billed = JobRuns.totals(all);
        Map<String, List<JobRuns.BilledPeriod>> periods = new java.util.HashMap<>();
        for (JobRuns.BilledPeriod p : all) periods.computeIfAbsent(p.job(), k -> new ArrayList<>()).add(p);
        for (Map.Entry<Family, List<JobRun>> e : onDemand.entrySet()) {
            Recommendation r = recommend(e.getKey(), e.getValue(), billed, spot.getOrDefault(e.getKey(), List.of()), from, end, historyFrom, notes);
            if (r == null) continue;
            out.add(r);
            // a commitment covers the steady floor: only the part of the family's spend billed every day lowers it
            BigDecimal steady = r.monthlySaving().amount().multiply(steadyShare(e.getValue(), periods, r.monthlySaving().currency(), from, end), MC);
            onDemandSaved.add(r.id(), e.getKey().provider() + "|" + e.getKey().region() + "|" + r.monthlySaving().currency(), steady);
        }
        return out;
    }

    /**
     * The share of a family's on-demand spend in [from, end) that it bills every whole UTC day of the window: its lowest
     * day × the days ÷ its spend (0 when some day bills nothing: training that does not run every day is not in the floor).
     */
    static BigDecimal steadyShare(List<JobRun> runs, Map<String, List<JobRuns.BilledPeriod>> periods, String currency, Instant from, Instant end) {
        java.time.LocalDate first = java.time.LocalDate.ofInstant(from.plusSeconds(86_399), java.time.ZoneOffset.UTC);
        java.time.LocalDate last = java.time.LocalDate.ofInstant(end, java.time.ZoneOffset.UTC); // exclusive
        if (!last.isAfter(first)) return BigDecimal.ZERO;
        Map<java.time.LocalDate, BigDecimal> daily = new java.util.HashMap<>();
        BigDecimal total = BigDecimal.ZERO;
        for (JobRun j : runs) {
            for (JobRuns.BilledPeriod p : periods.getOrDefault(j.id(), List.of())) {
                if (!p.currency().equals(currency)) continue;
                java.time.LocalDate d = java.time.LocalDate.ofInstant(p.start(), java.time.ZoneOffset.UTC);
                total = total.add(p.effective());
                if (!d.isBefore(first) && d.isBefore(last)) daily.merge(d, p.effective(), BigDecimal::add);
            }
        }
        if (total.signum() <= 0) return BigDecimal.ZERO;
        BigDecimal lowest = null;
        long days = 0;
        for (java.time.LocalDate d = first; d.isBefore(last); d = d.plusDays(1), days++) {
            BigDecimal v = daily.getOrDefault(d, BigDecimal.ZERO);
            if (lowest == null || v.compareTo(lowest) < 0) lowest = v;
        }
        BigDecimal share = lowest.multiply(BigDecimal.valueOf(days)).divide(total, MC);
        return share.compareTo(BigDecimal.ONE) > 0 ? BigDecimal.ONE : share;
    }

    private Recommendation recommend(Family f, List<JobRun> runs, Map<String, Map<String, JobRuns.Billed>> billedByJob, List<JobRun> spotRuns, Instant from,
                                     Instant end, Instant historyFrom, List<String> notes) {
        InstancePrice price = catalog.find(f.provider(), f.instanceType(), f.region()).orElse(null);
        if (price == null || price.spot() == null || price.onDemand().signum() <= 0) {
            notes.add("spot for " + f.label() + " not judged: the catalog has no spot price for it");
            return null;
        }
        Map<String, BigDecimal> byCurrency = new TreeMap<>();
        for (JobRun j : runs) billedByJob.getOrDefault(j.id(), Map.of()).forEach((c, b) -> byCurrency.merge(c, b.effective(), BigDecimal::add));
        if (byCurrency.isEmpty()) return null; // no billing rows carry its runs: nothing the bill shows to save
        if (byCurrency.size() > 1) {
            notes.add("spot for " + f.label() + " not judged: billed in " + byCurrency.keySet() + " (amounts of different currencies are never added)");
            return null;
        }
        String currency = byCurrency.keySet().iterator().next();
        BigDecimal spend = byCurrency.get(currency);
        if (spend.signum() <= 0) return null;
        // a job's MTBF is its instances' MTBF over how many it runs: the family's typical (median) run, not its largest
        int[] counts = runs.stream().mapToInt(j -> Math.max(1, j.instanceCount())).sorted().toArray();
        int instances = counts.length == 0 ? 1 : counts[(counts.length - 1) / 2];

        // the family's typical (median) run length: a run shorter than the checkpoint interval needs none within it
        long[] seconds = runs.stream().filter(j -> j.end() != null && j.start() != null).mapToLong(j -> java.time.Duration.between(j.start(), j.end()).getSeconds())
                .sorted().toArray();
        BigDecimal runHours = seconds.length == 0 ? null : BigDecimal.valueOf(seconds[(seconds.length - 1) / 2]).divide(BigDecimal.valueOf(3600), MC);
        SpotEconomics.Outcome o = economics.of(f.provider(), f.instanceType(), f.region(), instances, SpotEconomics.history(spotRuns, historyFrom, end), runHours)
                .orElse(null);
        if (o == null) {
            notes.add("spot for " + f.label() + " not judged: no eviction history on spot and no interruption band in the catalog");
            return null;
        }
        BigDecimal mtbf = o.mtbfHours();
        BigDecimal tau = o.checkpointEveryHours();
        BigDecimal overhead = o.overhead();
        BigDecimal ratio = o.ratio();
        BigDecimal gross = spend.multiply(BigDecimal.ONE.subtract(ratio), MC);
        BigDecimal restartCost = spend.multiply(ratio, MC).multiply(overhead, MC);
        BigDecimal perWindow = gross.subtract(restartCost);
        BigDecimal monthly = perWindow.multiply(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH)).divide(BigDecimal.valueOf(settings.spotDays()), MC)
                .setScale(6, RoundingMode.HALF_EVEN);
        if (monthly.signum() <= 0) {
            notes.add("spot for " + f.label() + " saves nothing: restarts (overhead " + percent(overhead) + "%) eat the " + percent(BigDecimal.ONE.subtract(ratio)) + "% discount");
            return null;
        }
        Map<String, String> n = new LinkedHashMap<>();
        n.put("on_demand_runs", String.valueOf(runs.size()));
        n.put("billed_effective", Money.plain(spend));
        n.put("window_days", String.valueOf(settings.spotDays()));
        n.put("on_demand_per_hour", Money.plain(price.onDemand()));
        n.put("spot_per_hour", Money.plain(price.spot()));
        n.put("spot_to_on_demand", plain(ratio));
        n.put("instances", String.valueOf(instances));
        n.put("mtbf_hours", plain(mtbf));
        n.put("checkpoint_cost_minutes", String.valueOf(settings.checkpointMinutes()));
        n.put("restart_minutes", String.valueOf(settings.restartMinutes()));
        n.put("checkpoint_interval_hours", plain(tau));
        if (runHours != null) n.put("median_run_hours", plain(runHours));
        n.put("overhead_fraction", plain(overhead));
        n.put("gross_saving", plain(gross));
        n.put("restart_overhead_cost", plain(restartCost));
        Recommendation.Risk risk = o.risk();

        return Recommendation.open(Recommendation.Kind.SPOT, f.team(), "job family " + f.label(),
                new Recommendation.Evidence(from, end, "on-demand runs that checkpoint, billed in the last " + settings.spotDays() + " days, on spot: billed × spot/on-demand "
                        + "× (1 + overhead), overhead = C/τ + (τ/2 + R)/MTBF with τ = √(2 × MTBF × C) (Young/Daly), C = " + settings.checkpointMinutes()
                        + " min to write a checkpoint, R = " + settings.restartMinutes() + " min to restart (a run of T h shorter than τ needs no checkpoint within it: overhead = (T/2 + R)/MTBF); MTBF from " + o.mtbfSource(), n),
                new Money(monthly, currency), risk,
                "Run " + f.team() + "'s " + f.model() + " " + f.kind() + " jobs on spot " + f.instanceType() + " (" + Money.plain(price.spot()) + " instead of "
                        + Money.plain(price.onDemand()) + " USD/hour at list), " + o.advice() + " and resuming from the last checkpoint when evicted; "
                        + "e.g. a gate policy that downgrades " + f.kind() + " requests of " + f.model() + " to spot");
    }

    private static String plain(BigDecimal v) {
        return v.setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static String percent(BigDecimal ratio) {
        return ratio.movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }
}

package dev.burnrate.recommend;

import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Non-production capacity that runs, billed, outside working hours with nothing to do: schedule it. A job is
 * non-production by its {@code environment} (or {@code env}) tag (dev, test, staging, sandbox, …), or, without one, by
 * its kind {@code experiment} (notebooks, trials). One still running that ran the whole lookback is judged hour by hour
 * from its GPU samples: an hour is idle when the mean utilisation of its samples is under the idle threshold. When at
 * least {@code offHoursIdleShare} of its observed off-hours were idle, it is recommended a schedule (stop when working
 * hours end, start when they begin); the saving is what its billing rows (x_JobId or a job_id tag) charged for the idle
 * off-hours, a row spread evenly over its charge period, per month. Jobs another recommendation counts already (idle,
 * rightsizing) are left out: the same dollars are never saved twice.
 */
final class OffHours {
    /** Values of an environment tag that say non-production (any case). */
    static final Set<String> NON_PRODUCTION = Set.of("dev", "develop", "development", "test", "testing", "qa", "staging", "stage", "sandbox", "experiment",
            "experimental", "research", "nonprod", "non-prod", "non-production", "preview", "demo");
    private static final List<String> ENVIRONMENT_TAGS = List.of("environment", "env");

    private final JobRuns jobs;
    private final GpuSamples samples;
    private final SavingsEngine.Settings settings;

    OffHours(JobRuns jobs, GpuSamples samples, SavingsEngine.Settings settings) {
        this.jobs = jobs;
        this.samples = samples;
        this.settings = settings;
    }

    /** The recommendations, and what those on on-demand jobs save per month by "provider|region|currency" (so commitments do not count it again). */
    record Found(List<Recommendation> recommendations, OnDemandSavings onDemandSaved) {
    }

    /** Why a job is non-production ("environment=dev", "kind experiment"), or null when it is production or not known to be otherwise. */
    static String nonProduction(JobRun j) {
        for (String key : ENVIRONMENT_TAGS) {
            for (Map.Entry<String, String> t : j.tags().entrySet()) {
                if (!t.getKey().equalsIgnoreCase(key) || t.getValue() == null) continue;
                String v = t.getValue().strip().toLowerCase(Locale.ROOT);
                return NON_PRODUCTION.contains(v) ? t.getKey() + "=" + t.getValue().strip() : null; // a tag that says prod (or anything else) wins over the kind
            }
        }
        return "experiment".equals(j.kind()) ? "kind experiment" : null;
    }

    /** {@code taken}: jobs another recommendation already counts. */
    Found find(Instant end, Collection<String> taken, List<String> notes) {
        int days = settings.offHoursDays();
        Instant from = end.minus(Duration.ofDays(days));
        WorkingHours hours = settings.workingHours();
        List<JobRun> candidates = jobs.listAny(List.of(), List.of(), 100_000).stream()
                .filter(j -> j.start() != null && !j.start().isAfter(from) && (j.end() == null || !j.end().isBefore(end)))
                .filter(j -> !taken.contains(j.id()) && nonProduction(j) != null)
                .sorted(Comparator.comparing(JobRun::id)).toList();
        List<Recommendation> out = new ArrayList<>();
        OnDemandSavings saved = new OnDemandSavings();
        if (candidates.isEmpty()) return new Found(out, saved);
        Map<String, List<JobRuns.BilledPeriod>> billed = new LinkedHashMap<>();
        for (JobRuns.BilledPeriod p : jobs.billedPeriods(candidates.stream().map(JobRun::id).toList(), from, end)) {
            billed.computeIfAbsent(p.job(), k -> new ArrayList<>()).add(p);
        }
        double threshold = settings.idleP95BelowPercent();
        for (JobRun j : candidates) {
            List<GpuSamples.UtilizationHour> observed = samples.utilizationByHour(GpuSamples.Group.JOB, j.id(), from, end);
            if (observed.isEmpty()) continue; // no GPU samples: nothing to judge
            Set<Instant> idleOff = new HashSet<>();
            int offObserved = 0;
            int workObserved = 0;
            int workBusy = 0;
            for (GpuSamples.UtilizationHour h : observed) {
                boolean idle = h.meanUtilization() < threshold;
                if (hours.working(h.hour())) {
                    workObserved++;
                    if (!idle) workBusy++;
                } else {
                    offObserved++;
                    if (idle) idleOff.add(h.hour());
                }
            }
            if (idleOff.isEmpty()) continue;
            BigDecimal share = BigDecimal.valueOf(idleOff.size()).divide(BigDecimal.valueOf(offObserved), 6, RoundingMode.DOWN);
            if (share.compareTo(BigDecimal.valueOf(settings.offHoursIdleShare())) < 0) continue; // used at night or at weekends: not for a schedule
            List<JobRuns.BilledPeriod> periods = billed.getOrDefault(j.id(), List.of());
            Set<String> currencies = new java.util.TreeSet<>();
            periods.forEach(p -> currencies.add(p.currency()));
            if (currencies.size() != 1) {
                if (currencies.size() > 1) notes.add("job " + j.id() + " is billed in " + currencies + ": not judged for a schedule (amounts of different currencies are never added)");
                continue; // no billing rows carry it: nothing to save (the idle rule says so for every running job with samples)
            }
            String currency = currencies.iterator().next();
            BigDecimal all = BigDecimal.ZERO;
            BigDecimal off = BigDecimal.ZERO;
            for (JobRuns.BilledPeriod p : periods) {
                all = all.add(p.effective());
                off = off.add(inHours(p, idleOff::contains));
            }
            if (off.signum() <= 0) continue;
            BigDecimal monthly = CommitmentAnalysis.perMonth(off, days);
            String why = nonProduction(j);
            Map<String, String> n = new LinkedHashMap<>();
            n.put("non_production", why);
            n.put("working_hours", hours.describe());
            n.put("window_days", String.valueOf(days));
            n.put("idle_below_percent", plain(threshold));
            n.put("off_hours_observed", String.valueOf(offObserved));
            n.put("off_hours_idle", String.valueOf(idleOff.size()));
            n.put("off_hours_idle_share", Money.plain(share));
            n.put("working_hours_observed", String.valueOf(workObserved));
            n.put("working_hours_busy", String.valueOf(workBusy));
            n.put("billed_effective", Money.plain(all));
            n.put("billed_idle_off_hours", Money.plain(off));
            n.put("instance_type", String.valueOf(j.instanceType()));
            n.put("instance_count", String.valueOf(j.instanceCount()));
            out.add(Recommendation.open(Recommendation.Kind.SCHEDULE, j.team(), "job " + j.id(),
                    new Recommendation.Evidence(from, end, "a non-production job (an environment or env tag of dev, test, staging, sandbox and the like, or "
                            + "kind experiment) running the whole of the last " + days + " days whose GPUs were idle (hourly mean utilisation under "
                            + plain(threshold) + "%) in at least " + BigDecimal.valueOf(settings.offHoursIdleShare()).movePointRight(2).stripTrailingZeros().toPlainString() + "% of its observed hours outside working hours ("
                            + hours.describe() + "): the saving is what its billing rows charged for those idle off-hours (a row spread evenly over its "
                            + "charge period), per " + Recommendation.DAYS_PER_MONTH + "-day month", n),
                    new Money(monthly, currency), idleOff.size() == offObserved ? Recommendation.Risk.LOW : Recommendation.Risk.MEDIUM,
                    action(j, why, hours, idleOff.size(), offObserved, off, currency, days)));
            if (j.pricing() == null || j.pricing().equals("on_demand")) {
                saved.add(out.get(out.size() - 1).id(), Providers.canonical(j.provider() == null ? "AWS" : j.provider()) + "|" + j.region() + "|" + currency, monthly);
            }
        }
        return new Found(out, saved);
    }

    /**
     * The part of a charge period's cost that falls in the given hours (judged by their UTC hour starts): cost × seconds of
     * the period in them / seconds of the period, exact for whole periods, else to 10 places rounded down (never overstated).
     */
    static BigDecimal inHours(JobRuns.BilledPeriod p, java.util.function.Predicate<Instant> hours) {
        if (p.start() == null || p.end() == null || !p.end().isAfter(p.start())) return BigDecimal.ZERO;
        long total = Duration.between(p.start(), p.end()).getSeconds();
        long in = 0;
        for (Instant h = p.start().truncatedTo(ChronoUnit.HOURS); h.isBefore(p.end()); h = h.plus(Duration.ofHours(1))) {
            if (!hours.test(h)) continue;
            Instant a = h.isBefore(p.start()) ? p.start() : h;
            Instant b = h.plus(Duration.ofHours(1)).isAfter(p.end()) ? p.end() : h.plus(Duration.ofHours(1));
            in += Duration.between(a, b).getSeconds();
        }
        if (in == 0) return BigDecimal.ZERO;
        if (in == total) return p.effective();
        return p.effective().multiply(BigDecimal.valueOf(in)).divide(BigDecimal.valueOf(total), 10, RoundingMode.DOWN);
    }

    private static String action(JobRun j, String why, WorkingHours hours, int idle, int observed, BigDecimal off, String currency, int days) {
        String stop = hours.cron(hours.to());
        String start = hours.cron(hours.from());
        String provider = j.provider() == null ? "" : j.provider();
        String native_ = Providers.same(provider, "AWS") ? "; on EC2, the AWS Instance Scheduler with a period " + hours.describe()
                : Providers.same(provider, "Google Cloud") ? "; on Compute Engine, an instance schedule (start \"" + start + "\", stop \"" + stop + "\", time zone "
                + hours.zone().getId() + ")"
                : Providers.same(provider, "Azure") ? "; on Azure VMs, Start/Stop VMs v2 with the same schedule" : "";
        return "Schedule job " + j.id() + " (" + Math.max(1, j.instanceCount()) + " × " + j.instanceType()
                + (j.provider() == null ? "" : ", " + j.provider()) + (j.region() == null ? "" : " " + j.region()) + "; non-production: " + why
                + ") to run in working hours only (" + hours.describe() + "): stop it when they end and start it when they begin, e.g. a Kubernetes CronJob "
                + "pair with timeZone \"" + hours.zone().getId() + "\" that scales its workload to 0 replicas on \"" + stop + "\" and back to 1 on \"" + start + "\""
                + native_ + ". Its GPUs were idle in " + idle + " of its " + observed + " observed off-hours over " + days + " days, billed "
                + Money.display(off, currency) + " " + currency + " in them; keep notebooks' work on a persistent volume so a stop loses nothing, and "
                + "let its owner opt out for a night run";
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}

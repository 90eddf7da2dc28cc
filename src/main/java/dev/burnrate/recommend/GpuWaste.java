package dev.burnrate.recommend;

import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.JobRun;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * GPU instances paid for and not used, found where the GPU samples of a running job meet the billing rows that carry
 * it (x_JobId, or a job_id tag). Idle: p95 utilisation under the threshold over the idle window while billed; the saving
 * is the job's billed effective cost, per month. Rightsize: the p95 utilisation over the rightsizing window, with
 * headroom up to the target utilisation, and the peak GPU memory fit fewer GPUs of the same chip in a smaller instance of
 * the same family; the saving is the catalog's price difference, scaled by the effective/list ratio the bill shows for
 * the job. A job found idle is not also rightsized: the same dollars are never saved twice.
 */
final class GpuWaste {
    private final JobRuns jobs;
    private final GpuSamples samples;
    private final PriceCatalog catalog;
    private final SavingsEngine.Settings settings;

    GpuWaste(JobRuns jobs, GpuSamples samples, PriceCatalog catalog, SavingsEngine.Settings settings) {
        this.jobs = jobs;
        this.samples = samples;
        this.catalog = catalog;
        this.settings = settings;
    }

    /** The recommendations, and what those on on-demand usage save per month (so commitments do not count it again). */
    record Found(List<Recommendation> recommendations, OnDemandSavings onDemandSaved) {
    }

    Found find(Instant end, List<String> notes) {
        Instant idleFrom = end.minus(Duration.ofDays(settings.idleDays()));
        Instant sizeFrom = end.minus(Duration.ofDays(settings.rightsizeDays()));
        List<JobRun> running = jobs.listAny(List.of(), List.of(), 100_000).stream()
                .filter(j -> j.start() != null && !j.start().isAfter(idleFrom) && (j.end() == null || !j.end().isBefore(end)))
                .sorted(Comparator.comparing(JobRun::id)).toList();
        List<Recommendation> out = new ArrayList<>();
        OnDemandSavings saved = new OnDemandSavings();
        if (running.isEmpty()) return new Found(out, saved);
        List<String> ids = running.stream().map(JobRun::id).toList();
        Map<String, GpuSamples.Usage> idleUse = byKey(samples.usage(GpuSamples.Group.JOB, idleFrom, end, settings.idleP95BelowPercent()), GpuSamples.Usage::key);
        Map<String, GpuSamples.Usage> sizeUse = byKey(samples.usage(GpuSamples.Group.JOB, sizeFrom, end, settings.idleP95BelowPercent()), GpuSamples.Usage::key);
        Map<String, GpuSamples.Memory> memory = byKey(samples.memory(GpuSamples.Group.JOB, sizeFrom, end), GpuSamples.Memory::key);
        // one scan of the jobs' bill over the longer window; each window's totals are its charge periods summed
        List<JobRuns.BilledPeriod> lines = jobs.billedPeriods(ids, idleFrom.isBefore(sizeFrom) ? idleFrom : sizeFrom, end);
        Map<String, Map<String, JobRuns.Billed>> billedIdle = JobRuns.totals(lines.stream().filter(p -> !p.start().isBefore(idleFrom)).toList());
        Map<String, Map<String, JobRuns.Billed>> billedSize = JobRuns.totals(lines.stream().filter(p -> !p.start().isBefore(sizeFrom)).toList());
        for (JobRun j : running) {
            GpuSamples.Usage u = idleUse.get(j.id());
            if (u == null || u.p95Utilization() == null) continue; // no GPU samples: nothing to judge
            Map<String, JobRuns.Billed> b = billedIdle.getOrDefault(j.id(), Map.of());
            if (b.isEmpty()) {
                notes.add("job " + j.id() + " has GPU samples but no billing rows carry it (x_JobId or a job_id tag): no saving computed");
                continue;
            }
            if (b.size() > 1) {
                notes.add("job " + j.id() + " is billed in " + b.keySet() + ": not judged (amounts of different currencies are never added)");
                continue;
            }
            String currency = b.keySet().iterator().next();
            JobRuns.Billed billed = b.get(currency);
            if (billed.effective().signum() <= 0) continue; // not billed: nothing to save
            Recommendation r = u.p95Utilization() < settings.idleP95BelowPercent()
                    ? idle(j, u, billed, currency, idleFrom, end)
                    : rightsize(j, sizeUse.get(j.id()), memory.get(j.id()), billedSize.getOrDefault(j.id(), Map.of()).get(currency), currency,
                    sizeFrom, end, notes);
            if (r == null) continue;
            out.add(r);
            if (j.pricing() == null || j.pricing().equals("on_demand")) {
                saved.add(r.id(), Providers.canonical(j.provider() == null ? "AWS" : j.provider()) + "|" + j.region() + "|" + currency,
                        r.monthlySaving().amount());
            }
        }
        return new Found(out, saved);
    }

    private Recommendation idle(JobRun j, GpuSamples.Usage u, JobRuns.Billed billed, String currency, Instant from, Instant end) {
        BigDecimal monthly = CommitmentAnalysis.perMonth(billed.effective(), settings.idleDays());
        Map<String, String> n = new LinkedHashMap<>();
        n.put("p95_utilisation_percent", percent(u.p95Utilization()));
        if (u.meanUtilization() != null) n.put("mean_utilisation_percent", percent(u.meanUtilization()));
        n.put("samples", String.valueOf(u.samples()));
        n.put("gpu_hours_observed", BigDecimal.valueOf(u.gpuSeconds()).divide(BigDecimal.valueOf(3600), 2, RoundingMode.HALF_EVEN).toPlainString());
        n.put("window_days", String.valueOf(settings.idleDays()));
        n.put("billed_effective", Money.plain(billed.effective()));
        n.put("instance_type", String.valueOf(j.instanceType()));
        n.put("instance_count", String.valueOf(j.instanceCount()));
        return Recommendation.open(Recommendation.Kind.IDLE, j.team(), "job " + j.id(),
                new Recommendation.Evidence(from, end, "p95 GPU utilisation under " + plainPercent(settings.idleP95BelowPercent()) + "% over the last "
                        + settings.idleDays() + " days while billed: the saving is the job's billed effective cost in that window, per "
                        + Recommendation.DAYS_PER_MONTH + "-day month", n),
                new Money(monthly, currency), Recommendation.Risk.LOW,
                "Stop job " + j.id() + " (" + Math.max(1, j.instanceCount()) + " × " + j.instanceType() + where(j) + ") or scale it to zero: its GPUs did "
                        + "nothing for " + settings.idleDays() + " days (p95 utilisation " + percent(u.p95Utilization()) + "%) while billed "
                        + Money.display(billed.effective(), currency) + " " + currency);
    }

    private Recommendation rightsize(JobRun j, GpuSamples.Usage u, GpuSamples.Memory mem, JobRuns.Billed billed, String currency, Instant from,
                                     Instant end, List<String> notes) {
        if (u == null || u.p95Utilization() == null || j.instanceType() == null || billed == null) return null;
        String provider = j.provider() == null ? "AWS" : j.provider();
        String region = j.region() == null ? "us-east-1" : j.region();
        InstancePrice cur = catalog.find(provider, j.instanceType(), region).orElse(null);
        if (cur == null || cur.gpuCount() < 2 || cur.gpuName() == null) return null; // one GPU (or unknown): no fewer GPUs to go to
        if (mem == null || mem.peakUsedMiB() == null || mem.totalMiB() == null || mem.totalMiB() <= 0) {
            notes.add("job " + j.id() + ": GPU memory unknown, not rightsized (the smaller instance must still hold it)");
            return null;
        }
        int gpus = cur.gpuCount();
        BigDecimal p95 = BigDecimal.valueOf(u.p95Utilization());
        BigDecimal target = BigDecimal.valueOf(settings.targetUtilisation());
        int forCompute = BigDecimal.valueOf(gpus).multiply(p95).divide(BigDecimal.valueOf(100).multiply(target), 0, RoundingMode.CEILING).intValue();
        int forMemory = BigDecimal.valueOf(gpus).multiply(BigDecimal.valueOf(mem.peakUsedMiB()))
                .divide(BigDecimal.valueOf(mem.totalMiB()), 0, RoundingMode.CEILING).intValue();
        int need = Math.max(1, Math.max(forCompute, forMemory));
        if (need >= gpus) return null;
        String family = family(cur.instanceType());
        InstancePrice to = catalog.all().stream()
                .filter(p -> Providers.same(p.provider(), cur.provider()) && p.region().equalsIgnoreCase(cur.region()) && cur.gpuName().equals(p.gpuName())
                        && family.equals(family(p.instanceType())) && p.gpuCount() >= need && p.gpuCount() < gpus && p.onDemand().compareTo(cur.onDemand()) < 0)
                .min(Comparator.comparing(InstancePrice::onDemand).thenComparing(InstancePrice::instanceType)).orElse(null);
        if (to == null) {
            notes.add("job " + j.id() + " needs " + need + " of its " + gpus + " GPUs per instance, but the catalog has no smaller " + family + " instance with "
                    + cur.gpuName() + " in " + cur.region());
            return null;
        }
        if (billed.list().signum() <= 0 || billed.effective().signum() <= 0) {
            notes.add("job " + j.id() + ": its billing rows have no list cost, so the bill's discount is unknown; not rightsized");
            return null;
        }
        int count = Math.max(1, j.instanceCount());
        BigDecimal hoursPerMonth = BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH * 24L);
        BigDecimal atList = cur.onDemand().subtract(to.onDemand()).multiply(BigDecimal.valueOf(count)).multiply(hoursPerMonth);
        BigDecimal monthly = atList.multiply(billed.effective()).divide(billed.list(), 10, RoundingMode.HALF_EVEN);
        // never more than the job's own monthly spend at the bill's prices
        Instant spanStart = j.start().isAfter(from) ? j.start() : from;
        BigDecimal hours = BigDecimal.valueOf(Duration.between(spanStart, end).getSeconds()).divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN);
        BigDecimal spend = hours.signum() == 0 ? monthly : billed.effective().multiply(hoursPerMonth).divide(hours, 10, RoundingMode.HALF_EVEN);
        monthly = monthly.min(spend);
        Map<String, String> n = new LinkedHashMap<>();
        n.put("p95_utilisation_percent", percent(u.p95Utilization()));
        n.put("target_utilisation", Money.plain(target));
        n.put("gpus_per_instance", String.valueOf(gpus));
        n.put("gpus_for_utilisation", String.valueOf(forCompute));
        n.put("peak_memory_mib_per_gpu", String.valueOf(mem.peakUsedMiB()));
        n.put("memory_mib_per_gpu", String.valueOf(mem.totalMiB()));
        n.put("gpus_for_memory", String.valueOf(forMemory));
        n.put("instance_count", String.valueOf(count));
        n.put("from_type", cur.instanceType());
        n.put("from_on_demand_per_hour", Money.plain(cur.onDemand()));
        n.put("to_type", to.instanceType());
        n.put("to_gpus", String.valueOf(to.gpuCount()));
        n.put("to_on_demand_per_hour", Money.plain(to.onDemand()));
        n.put("billed_effective", Money.plain(billed.effective()));
        n.put("billed_list", Money.plain(billed.list()));
        n.put("window_days", String.valueOf(settings.rightsizeDays()));
        return Recommendation.open(Recommendation.Kind.RIGHTSIZE, j.team(), "job " + j.id(),
                new Recommendation.Evidence(from, end, "GPUs needed per instance = ceil(GPUs × p95 utilisation / " + Money.plain(target.movePointRight(2))
                        + "%) and ceil(GPUs × peak memory per GPU / memory per GPU), over the last " + settings.rightsizeDays() + " days; the smallest cheaper "
                        + family + " instance with that many " + cur.gpuName() + " GPUs; saving = catalog price difference × instances × "
                        + hoursPerMonth + " h × the bill's effective/list ratio for the job", n),
                new Money(monthly, currency), Recommendation.Risk.MEDIUM,
                "Run job " + j.id() + " on " + count + " × " + to.instanceType() + " (" + to.gpuCount() + " × " + cur.gpuName() + ") instead of " + count + " × "
                        + cur.instanceType() + " (" + gpus + "): p95 utilisation " + percent(u.p95Utilization()) + "% fits " + need
                        + " GPUs at " + Money.plain(target.movePointRight(2)) + "% and peak memory " + mem.peakUsedMiB() + " MiB per GPU still fits; "
                        + "check the host CPU and memory of " + to.instanceType());
    }

    /** The instance family: the part before the size ("g5" of g5.12xlarge, "a2-highgpu" of a2-highgpu-8g). */
    static String family(String type) {
        int dot = type.indexOf('.');
        if (dot > 0) return type.substring(0, dot);
        int dash = type.lastIndexOf('-');
        return dash > 0 ? type.substring(0, dash) : type;
    }

    private static String where(JobRun j) {
        return (j.provider() == null ? "" : ", " + j.provider()) + (j.region() == null ? "" : " " + j.region());
    }

    /** A utilisation for evidence and actions: two places at most, no trailing zeros. */
    static String percent(double v) {
        return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static String plainPercent(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.toMap(key, x -> x, (a, b) -> a, LinkedHashMap::new));
    }
}

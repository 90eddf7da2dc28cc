package dev.burnrate.recommend;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.InstanceSamples;
import dev.burnrate.ledger.Money;
import dev.burnrate.ledger.Window;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.burnrate.recommend.GpuWaste.percent;

/**
 * Instances without GPUs (CPU machines), from their CPU / memory samples ({@link InstanceSamples}, by the bill's
 * ResourceId) and the compute rows that bill them:
 * <ul>
 * <li><b>Idle</b>: p95 CPU under {@code idleP95BelowPercent} over the last {@code idleDays}; saving = the instance's
 *   effective cost in that window, per month.</li>
 * <li><b>Rightsize</b>: over the last {@code rightsizeDays}, the vCPUs the p99 CPU needs at the target utilisation and the
 *   share of the instance its peak memory needs at the same target give the smallest size of the same family that holds
 *   both; saving = the instance's effective cost in the window × (1 − the smaller size's price / the current one's), per
 *   month: the bill's own prices (discounts included) scaled by the catalog's ratio.</li>
 * </ul>
 * The instance type is read from the ChargeDescription AWS writes on instance-hour lines ("$0.768 per On Demand Linux
 * m5.4xlarge Instance Hour"); vCPUs from the size (medium 1, large 2, xlarge 4, Nxlarge 4N: AWS's sizes; memory grows in
 * the same proportion within a family). Burstable (t*) families, metal and the smallest sizes are not judged (their
 * vCPUs do not follow the rule); instances with GPUs or accelerators are left to the GPU rules. An instance must have
 * samples in at least {@link #COVERAGE} of the window's hours: a few samples say little about a peak. Idle wins over
 * rightsizing on one instance.
 */
final class InstanceWaste {
    /** The share of a window's hours that must hold samples before the instance is judged. */
    static final double COVERAGE = 0.8;
    /** An AWS instance type inside a ChargeDescription: family "." size. */
    private static final Pattern TYPE = Pattern.compile("\\b([a-z][a-z0-9-]*\\.(?:[0-9]*xlarge|large|medium|small|micro|nano|metal[a-z0-9-]*))\\b");
    private static final Pattern SIZE = Pattern.compile("([0-9]*)xlarge");
    /** GPU and accelerator families (GPU rules judge their jobs): p3, g5, inf2, trn1, dl1, f1, vt1. */
    private static final Pattern ACCELERATED = Pattern.compile("^(p|g|inf|trn|dl|f|vt)[0-9].*");

    private static final Field RESOURCE = Owners.RESOURCE;
    private static final Field DESCRIPTION = new Field(Field.Kind.FOCUS_COLUMN, "ChargeDescription");
    private static final Field PROVIDER = new Field(Field.Kind.FOCUS_COLUMN, "ProviderName");
    private static final Field REGION = new Field(Field.Kind.FOCUS_COLUMN, "RegionId");
    private static final Field PRICING = new Field(Field.Kind.FOCUS_COLUMN, "PricingCategory");

    private final CostLedger ledger;
    private final InstanceSamples samples;
    private final PriceCatalog catalog;
    private final SavingsEngine.Settings settings;

    InstanceWaste(CostLedger ledger, InstanceSamples samples, PriceCatalog catalog, SavingsEngine.Settings settings) {
        this.ledger = ledger;
        this.samples = samples;
        this.catalog = catalog;
        this.settings = settings;
    }

    /** One instance's compute rows over the longer window, by day. */
    private static final class Billed {
        final String resource;
        final Map<String, BigDecimal> typeCost = new TreeMap<>();
        final Map<String, BigDecimal> teams = new TreeMap<>();
        final Map<LocalDate, BigDecimal> daily = new TreeMap<>();
        final Map<LocalDate, BigDecimal> onDemandDaily = new TreeMap<>();
        String currency;
        boolean mixedCurrency;
        String provider;
        String region;

        Billed(String resource) {
            this.resource = resource;
        }

        BigDecimal since(LocalDate from, Map<LocalDate, BigDecimal> days) {
            return days.entrySet().stream().filter(e -> !e.getKey().isBefore(from)).map(Map.Entry::getValue).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    GpuWaste.Found find(LocalDate to, List<String> notes) {
        LocalDate idleFrom = to.minusDays(settings.idleDays());
        LocalDate sizeFrom = to.minusDays(settings.rightsizeDays());
        LocalDate from = idleFrom.isBefore(sizeFrom) ? idleFrom : sizeFrom;
        Map<String, InstanceSamples.Usage> idleUse = byId(samples.usage(Window.startOf(idleFrom), Window.startOf(to)));
        Map<String, InstanceSamples.Usage> sizeUse = byId(samples.usage(Window.startOf(sizeFrom), Window.startOf(to)));
        List<Recommendation> out = new ArrayList<>();
        OnDemandSavings saved = new OnDemandSavings();
        if (idleUse.isEmpty() && sizeUse.isEmpty()) return new GpuWaste.Found(out, saved);
        java.util.TreeSet<String> sampled = new java.util.TreeSet<>(sizeUse.keySet());
        sampled.addAll(idleUse.keySet());
        List<String> ids = List.copyOf(sampled);
        CostReport r = ledger.costs(new CostQuery(List.of(RESOURCE, DESCRIPTION, PROVIDER, REGION, PRICING, Owners.TEAM), from, to, Granularity.DAY,
                CostBasis.EFFECTIVE, Map.of(RESOURCE, ids, new Field(Field.Kind.FOCUS_COLUMN, "ServiceCategory"), List.of("Compute"),
                new Field(Field.Kind.FOCUS_COLUMN, "ChargeCategory"), List.of("Usage"))));
        Map<String, Billed> billed = new TreeMap<>();
        for (CostReport.Row row : r.rows()) {
            List<String> k = row.keys();
            Billed b = billed.computeIfAbsent(k.get(0), Billed::new);
            if (b.currency == null) b.currency = row.cost().currency();
            else if (!b.currency.equals(row.cost().currency())) b.mixedCurrency = true;
            b.provider = k.get(2);
            b.region = k.get(3);
            String type = typeIn(k.get(1));
            if (type != null) b.typeCost.merge(type, row.cost().amount(), BigDecimal::add);
            b.teams.merge(k.get(5), row.cost().amount(), BigDecimal::add);
            b.daily.merge(row.period(), row.cost().amount(), BigDecimal::add);
            if ("Standard".equalsIgnoreCase(k.get(4))) b.onDemandDaily.merge(row.period(), row.cost().amount(), BigDecimal::add);
        }
        for (String id : ids) {
            Billed b = billed.get(id);
            if (b == null) {
                notes.add("instance " + id + " has CPU samples but no compute usage rows of the bill carry it (ResourceId): no saving computed");
                continue;
            }
            if (b.mixedCurrency) {
                notes.add("instance " + id + " is billed in more than one currency: not judged (amounts of different currencies are never added)");
                continue;
            }
            if (b.typeCost.size() != 1) {
                notes.add(b.typeCost.isEmpty()
                        ? "instance " + id + " has CPU samples, but its compute rows name no AWS instance type (ChargeDescription): not judged"
                        : "instance " + id + " was billed as " + b.typeCost.keySet() + " in the window (resized): not judged until one type fills it");
                continue;
            }
            String type = b.typeCost.keySet().iterator().next();
            if (ACCELERATED.matcher(family(type)).matches() || catalog.gpu(b.provider, type, b.region).isPresent()) {
                notes.add("instance " + id + " is a " + type + " (GPUs or accelerators): its CPU samples are not used; the GPU rules judge its jobs");
                continue;
            }
            Recommendation rec = null;
            InstanceSamples.Usage idle = idleUse.get(id);
            BigDecimal idleCost = b.since(idleFrom, b.daily);
            if (idle != null && covered(idle, settings.idleDays()) && idle.p95Cpu() < settings.idleP95BelowPercent() && idleCost.signum() > 0) {
                rec = idle(id, type, b, idle, idleCost, idleFrom, to);
                saved(saved, b, b.since(idleFrom, b.onDemandDaily), idleCost, rec);
            } else {
                InstanceSamples.Usage use = sizeUse.get(id);
                BigDecimal cost = b.since(sizeFrom, b.daily);
                if (use == null || cost.signum() <= 0) continue;
                if (!covered(use, settings.rightsizeDays())) {
                    notes.add("instance " + id + ": samples in " + use.hours() + " of the last " + settings.rightsizeDays() * 24 + " hours (under "
                            + Math.round(COVERAGE * 100) + "%): not rightsized yet");
                    continue;
                }
                rec = rightsize(id, type, b, use, cost, sizeFrom, to, notes);
                if (rec != null) saved(saved, b, b.since(sizeFrom, b.onDemandDaily), cost, rec);
            }
            if (rec != null) out.add(rec);
        }
        return new GpuWaste.Found(out, saved);
    }

    private static boolean covered(InstanceSamples.Usage u, int days) {
        return u.hours() >= COVERAGE * days * 24;
    }

    /** The on-demand part of a saving (its share of the instance's cost), by provider, region and currency: commitments must not buy it. */
    private static void saved(OnDemandSavings saved, Billed b, BigDecimal onDemand, BigDecimal cost, Recommendation rec) {
        if (onDemand.signum() <= 0) return;
        BigDecimal part = rec.monthlySaving().amount().multiply(onDemand).divide(cost, 10, RoundingMode.HALF_EVEN);
        saved.add(rec.id(), Providers.canonical(b.provider) + "|" + b.region + "|" + b.currency, part);
    }

    private Recommendation idle(String id, String type, Billed b, InstanceSamples.Usage u, BigDecimal cost, LocalDate from, LocalDate to) {
        Map<String, String> n = new LinkedHashMap<>();
        n.put("p95_cpu_percent", percent(u.p95Cpu()));
        n.put("max_cpu_percent", percent(u.maxCpu()));
        if (u.maxMemory() != null) n.put("max_memory_percent", percent(u.maxMemory()));
        n.put("samples", String.valueOf(u.samples()));
        n.put("hours_observed", String.valueOf(u.hours()));
        n.put("window_days", String.valueOf(settings.idleDays()));
        n.put("billed_effective", Money.plain(cost));
        n.put("instance_type", type);
        return Recommendation.open(Recommendation.Kind.IDLE, Owners.owner(b.teams), "instance " + id,
                new Recommendation.Evidence(Window.startOf(from), Window.startOf(to), "p95 CPU utilisation under "
                        + BigDecimal.valueOf(settings.idleP95BelowPercent()).stripTrailingZeros().toPlainString() + "% over the last " + settings.idleDays()
                        + " days while billed: the saving is the instance's effective cost in that window, per " + Recommendation.DAYS_PER_MONTH + "-day month", n),
                new Money(CommitmentAnalysis.perMonth(cost, settings.idleDays()), b.currency), Recommendation.Risk.LOW,
                "Stop or terminate instance " + id + " (" + type + ", " + b.provider + " " + b.region + "): its CPU did nothing for " + settings.idleDays()
                        + " days (p95 " + percent(u.p95Cpu()) + "%) while billed " + Money.display(cost, b.currency) + " " + b.currency
                        + ". `aws ec2 stop-instances --instance-ids " + id + "`, or remove it from its Terraform");
    }

    private Recommendation rightsize(String id, String type, Billed b, InstanceSamples.Usage u, BigDecimal cost, LocalDate from, LocalDate to,
                                     List<String> notes) {
        String family = family(type);
        OptionalInt vcpus = vcpus(type);
        if (family.matches("t[0-9].*") || vcpus.isEmpty()) return null; // burstable, metal, the smallest sizes: vCPUs not by the rule
        if (u.maxMemory() == null) {
            notes.add("instance " + id + ": memory utilisation unknown (no memory_utilization in its samples), not rightsized (the smaller size must still hold it)");
            return null;
        }
        int cur = vcpus.getAsInt();
        BigDecimal target = BigDecimal.valueOf(settings.targetUtilisation());
        int forCpu = need(cur, u.p99Cpu(), target);
        int forMemory = need(cur, u.maxMemory(), target);
        int needed = Math.max(1, Math.max(forCpu, forMemory));
        if (needed >= cur) return null;
        String region = b.region;
        InstancePrice now = catalog.find(b.provider, type, region).orElse(null);
        if (now == null) { // AWS prices within a family scale alike in every region: compare at the catalog's region
            region = "us-east-1";
            now = catalog.find(b.provider, type, region).orElse(null);
        }
        if (now == null || now.onDemand().signum() <= 0) {
            notes.add("instance " + id + " (" + type + ") needs " + needed + " of its " + cur + " vCPUs, but the catalog has no price for " + type);
            return null;
        }
        final InstancePrice current = now;
        final String at = region;
        InstancePrice smaller = catalog.all().stream()
                .filter(p -> Providers.same(p.provider(), current.provider()) && p.region().equalsIgnoreCase(at) && family.equals(family(p.instanceType())))
                .filter(p -> {
                    OptionalInt v = vcpus(p.instanceType());
                    return v.isPresent() && v.getAsInt() >= needed && v.getAsInt() < cur;
                })
                .filter(p -> p.onDemand().compareTo(current.onDemand()) < 0)
                .min(Comparator.comparing(InstancePrice::onDemand).thenComparing(InstancePrice::instanceType)).orElse(null);
        if (smaller == null) {
            notes.add("instance " + id + " needs " + needed + " of its " + cur + " vCPUs, but the catalog has no smaller " + family + " size");
            return null;
        }
        int next = vcpus(smaller.instanceType()).getAsInt();
        BigDecimal ratio = smaller.onDemand().divide(current.onDemand(), 10, RoundingMode.HALF_EVEN);
        BigDecimal monthly = CommitmentAnalysis.perMonth(cost.multiply(BigDecimal.ONE.subtract(ratio)), settings.rightsizeDays());
        Map<String, String> n = new LinkedHashMap<>();
        n.put("p99_cpu_percent", percent(u.p99Cpu()));
        n.put("p95_cpu_percent", percent(u.p95Cpu()));
        n.put("max_cpu_percent", percent(u.maxCpu()));
        n.put("max_memory_percent", percent(u.maxMemory()));
        n.put("target_utilisation", Money.plain(target));
        n.put("vcpus", String.valueOf(cur));
        n.put("vcpus_for_cpu", String.valueOf(forCpu));
        n.put("vcpus_for_memory", String.valueOf(forMemory));
        n.put("to_vcpus", String.valueOf(next));
        n.put("p99_cpu_percent_after", percent(u.p99Cpu() * cur / next));
        n.put("max_memory_percent_after", percent(u.maxMemory() * cur / next));
        n.put("from_type", type);
        n.put("from_on_demand_per_hour", Money.plain(current.onDemand()));
        n.put("to_type", smaller.instanceType());
        n.put("to_on_demand_per_hour", Money.plain(smaller.onDemand()));
        n.put("prices_region", at);
        n.put("billed_effective", Money.plain(cost));
        n.put("samples", String.valueOf(u.samples()));
        n.put("hours_observed", String.valueOf(u.hours()));
        n.put("window_days", String.valueOf(settings.rightsizeDays()));
        String pct = Money.plain(target.movePointRight(2));
        return Recommendation.open(Recommendation.Kind.RIGHTSIZE, Owners.owner(b.teams), "instance " + id,
                new Recommendation.Evidence(Window.startOf(from), Window.startOf(to), "vCPUs needed = ceil(vCPUs × p99 CPU / " + pct + "%) and ceil(vCPUs × peak "
                        + "memory / " + pct + "%) over the last " + settings.rightsizeDays() + " days (memory grows with vCPUs within a family); the cheapest "
                        + family + " size with that many vCPUs; saving = the instance's effective cost in the window × (1 − catalog price of the new size / "
                        + "of the current one), per " + Recommendation.DAYS_PER_MONTH + "-day month", n),
                new Money(monthly, b.currency), Recommendation.Risk.MEDIUM,
                "Resize instance " + id + " from " + type + " (" + cur + " vCPUs) to " + smaller.instanceType() + " (" + next + "): p99 CPU "
                        + percent(u.p99Cpu()) + "% and peak memory " + percent(u.maxMemory()) + "% would read about " + percent(u.p99Cpu() * cur / next)
                        + "% and " + percent(u.maxMemory() * cur / next) + "%. Set instance_type = \"" + smaller.instanceType()
                        + "\" in its Terraform, or stop it and `aws ec2 modify-instance-attribute --instance-id " + id + " --instance-type " + smaller.instanceType() + "`");
    }

    /** The vCPUs {@code percent} of {@code vcpus} needs to stay at or under the target utilisation. */
    static int need(int vcpus, double percent, BigDecimal target) {
        return BigDecimal.valueOf(vcpus).multiply(BigDecimal.valueOf(percent)).divide(BigDecimal.valueOf(100).multiply(target), 0, RoundingMode.CEILING).intValue();
    }

    /** The AWS instance type named in a ChargeDescription, or null. */
    static String typeIn(String description) {
        if (description == null) return null;
        Matcher m = TYPE.matcher(description);
        return m.find() ? m.group(1) : null;
    }

    /** vCPUs of an AWS size: medium 1, large 2, xlarge 4, Nxlarge 4N; empty for the others (metal, micro, small, nano). */
    static OptionalInt vcpus(String type) {
        int dot = type.indexOf('.');
        if (dot < 0) return OptionalInt.empty();
        String size = type.substring(dot + 1);
        if (size.equals("medium")) return OptionalInt.of(1);
        if (size.equals("large")) return OptionalInt.of(2);
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) return OptionalInt.empty();
        return OptionalInt.of(4 * (m.group(1).isEmpty() ? 1 : Integer.parseInt(m.group(1))));
    }

    static String family(String type) {
        return GpuWaste.family(type);
    }

    private static Map<String, InstanceSamples.Usage> byId(List<InstanceSamples.Usage> usage) {
        return usage.stream().collect(Collectors.toMap(InstanceSamples.Usage::resourceId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}

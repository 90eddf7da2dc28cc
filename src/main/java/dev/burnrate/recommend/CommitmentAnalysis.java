package dev.burnrate.recommend;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.Money;
import dev.burnrate.ledger.Window;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;
import dev.burnrate.pricing.Providers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commitments, from the bill: how the existing ones are used (unused commitment dollars are a saving to recover), and
 * what to buy for steady on-demand usage. The steady floor of a service in a region is its lowest daily on-demand
 * effective cost over the lookback (a day without any counts as 0, so there is no floor); a purchase never covers more
 * than it, and is priced with the catalog's 1-year commitment rate (the smallest discount the catalog has for that
 * provider and region, so the saving is not overstated), against the on-demand prices the bill shows.
 */
final class CommitmentAnalysis {
    static final String USED = "Used";
    static final String UNUSED = "Unused";

    private final CostLedger ledger;
    private final PriceCatalog catalog;

    CommitmentAnalysis(CostLedger ledger, PriceCatalog catalog) {
        this.ledger = ledger;
        this.catalog = catalog;
    }

    private static Field col(String name) {
        return new Field(Field.Kind.FOCUS_COLUMN, name);
    }

    /** Effective and list cost of one group of rows, with its row count. */
    private record Sums(BigDecimal effective, BigDecimal list, long rows) {
        Sums plus(Sums o) {
            return new Sums(effective.add(o.effective), list.add(o.list), rows + o.rows);
        }
    }

    private static final Sums NONE = new Sums(BigDecimal.ZERO, BigDecimal.ZERO, 0);

    /** One query per cost basis, joined by group and currency (and day). */
    private Map<List<Object>, Sums> sums(List<Field> groupBy, LocalDate from, LocalDate to, Granularity g, Map<Field, List<String>> filters) {
        Map<List<Object>, Sums> out = new LinkedHashMap<>();
        for (CostBasis basis : new CostBasis[]{CostBasis.EFFECTIVE, CostBasis.LIST}) {
            CostReport r = ledger.costs(new CostQuery(groupBy, from, to, g, basis, filters));
            for (CostReport.Row row : r.rows()) {
                List<Object> key = new ArrayList<>(row.keys());
                key.add(row.cost().currency());
                key.add(row.period());
                Sums s = basis == CostBasis.EFFECTIVE ? new Sums(row.cost().amount(), BigDecimal.ZERO, row.records())
                        : new Sums(BigDecimal.ZERO, row.cost().amount(), 0);
                out.merge(key, s, Sums::plus);
            }
        }
        return out;
    }

    CommitmentReport report(LocalDate from, LocalDate to) {
        List<Field> by = List.of(col("ChargeCategory"), col("PricingCategory"), col("CommitmentDiscountStatus"), col("CommitmentDiscountId"),
                col("CommitmentDiscountName"), col("CommitmentDiscountType"), col("ServiceName"), col("ProviderName"));
        Map<List<String>, Sums[]> commitments = new LinkedHashMap<>();
        Map<List<String>, String[]> names = new LinkedHashMap<>();
        Map<List<String>, Sums[]> services = new LinkedHashMap<>();
        sums(by, from, to, Granularity.NONE, Map.of()).forEach((k, s) -> {
            String charge = (String) k.get(0);
            String pricing = (String) k.get(1);
            String status = (String) k.get(2);
            String id = (String) k.get(3);
            String service = (String) k.get(6);
            String currency = (String) k.get(8);
            if (id != null && (USED.equalsIgnoreCase(status) || UNUSED.equalsIgnoreCase(status))) {
                List<String> ck = List.of(id, currency);
                Sums[] c = commitments.computeIfAbsent(ck, x -> new Sums[]{NONE, NONE});
                c[USED.equalsIgnoreCase(status) ? 0 : 1] = c[USED.equalsIgnoreCase(status) ? 0 : 1].plus(s);
                String[] n = names.computeIfAbsent(ck, x -> new String[3]);
                if (n[0] == null) n[0] = (String) k.get(4);
                if (n[1] == null) n[1] = (String) k.get(5);
                if (n[2] == null) n[2] = (String) k.get(7);
            }
            if ("Usage".equalsIgnoreCase(charge) && service != null && !UNUSED.equalsIgnoreCase(status)) {
                Sums[] c = services.computeIfAbsent(List.of(service, currency), x -> new Sums[]{NONE, NONE});
                if (id != null && USED.equalsIgnoreCase(status)) c[0] = c[0].plus(s);
                else if (id == null && "Standard".equalsIgnoreCase(pricing)) c[1] = c[1].plus(s);
            }
        });
        List<CommitmentReport.Commitment> cs = new ArrayList<>();
        commitments.forEach((k, c) -> cs.add(new CommitmentReport.Commitment(k.get(0), names.get(k)[0], names.get(k)[1], names.get(k)[2], k.get(1),
                c[0].effective(), c[1].effective(), c[0].list(), c[0].rows(), c[1].rows())));
        List<CommitmentReport.ServiceCoverage> cov = new ArrayList<>();
        services.forEach((k, c) -> {
            if (c[0].rows() > 0) cov.add(new CommitmentReport.ServiceCoverage(k.get(0), k.get(1), c[0].list(), c[1].list()));
        });
        return new CommitmentReport(from, to, cs, cov);
    }

    /** Unused commitment dollars, per commitment, as a monthly saving to recover. */
    List<Recommendation> unused(CommitmentReport report) {
        long days = ChronoUnit.DAYS.between(report.from(), report.to());
        Window w = Window.ofDays(report.from(), report.to());
        List<Recommendation> out = new ArrayList<>();
        for (CommitmentReport.Commitment c : report.commitments()) {
            if (c.unusedEffective().signum() <= 0) continue;
            BigDecimal monthly = perMonth(c.unusedEffective(), days);
            Map<String, String> n = new LinkedHashMap<>();
            n.put("lookback_days", String.valueOf(days));
            n.put("used_effective", Money.plain(c.usedEffective()));
            n.put("unused_effective", Money.plain(c.unusedEffective()));
            n.put("used_rows", String.valueOf(c.usedRows()));
            n.put("unused_rows", String.valueOf(c.unusedRows()));
            if (c.utilisation() != null) n.put("utilisation", Money.plain(c.utilisation()));
            n.put("monthly_unused", Money.plain(monthly));
            String name = c.name() == null ? c.id() : c.name() + " (" + c.id() + ")";
            out.add(Recommendation.open(Recommendation.Kind.COMMITMENT, null, "commitment " + c.id() + " " + c.currency(),
                    new Recommendation.Evidence(w.start(), w.end(), "rows with CommitmentDiscountStatus = Unused are commitment paid for and not used: "
                            + "their effective cost over the lookback, per " + Recommendation.DAYS_PER_MONTH + "-day month", n),
                    new Money(monthly, c.currency()), Recommendation.Risk.MEDIUM,
                    "Commitment " + name + (c.type() == null ? "" : ", " + c.type()) + " left " + Money.display(c.unusedEffective(), c.currency()) + " "
                            + c.currency() + " unused in " + days + " days" + (c.utilisation() == null ? "" : " (utilisation "
                            + c.utilisation().movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "%)")
                            + ": move eligible on-demand usage under its scope (account, region, instance family), or exchange it; buy no more of this scope"));
        }
        return out;
    }

    /**
     * Purchase advice for steady on-demand compute: per provider, service, region and currency, the steady floor over
     * [from, to), less what idle, rightsizing and spot recommendations already take off that provider and region
     * ({@code alreadySaved}: monthly effective amounts by "provider|region|currency"), priced at the catalog's rates.
     * Nothing is bought from a provider while one of its commitments goes unused in the report: moving on-demand usage
     * onto that one is the saving (recommended on its own), and counting those dollars again for a purchase would save
     * them twice.
     */
    List<Recommendation> purchases(LocalDate from, LocalDate to, Map<String, BigDecimal> alreadySaved, CommitmentReport existing, List<String> notes) {
        long days = ChronoUnit.DAYS.between(from, to);
        Window w = Window.ofDays(from, to);
        Map<Field, List<String>> filters = new LinkedHashMap<>();
        filters.put(col("ChargeCategory"), List.of("Usage"));
        filters.put(col("PricingCategory"), List.of("Standard"));
        filters.put(col("ServiceCategory"), List.of("Compute"));
        Map<List<Object>, Map<LocalDate, Sums>> daily = new LinkedHashMap<>();
        sums(List.of(col("ProviderName"), col("ServiceName"), col("RegionId")), from, to, Granularity.DAY, filters).forEach((k, s) ->
                daily.computeIfAbsent(k.subList(0, 4), x -> new TreeMap<>()).merge((LocalDate) k.get(4), s, Sums::plus));
        List<Recommendation> out = new ArrayList<>();
        for (Map.Entry<List<Object>, Map<LocalDate, Sums>> e : daily.entrySet()) {
            String provider = (String) e.getKey().get(0);
            String service = (String) e.getKey().get(1);
            String region = (String) e.getKey().get(2);
            String currency = (String) e.getKey().get(3);
            if (provider == null || region == null || e.getValue().size() < days) continue; // a day without on-demand usage: no floor
            LocalDate floorDay = null;
            Sums floor = null;
            for (Map.Entry<LocalDate, Sums> d : e.getValue().entrySet()) {
                if (floor == null || d.getValue().effective().compareTo(floor.effective()) < 0) {
                    floorDay = d.getKey();
                    floor = d.getValue();
                }
            }
            if (floor.effective().signum() <= 0 || floor.list().signum() <= 0) continue;
            String what = provider + " " + service + " in " + region;
            CommitmentReport.Commitment idle = existing.commitments().stream()
                    .filter(c -> c.unusedEffective().signum() > 0 && c.provider() != null && Providers.same(c.provider(), provider)).findFirst().orElse(null);
            if (idle != null) {
                notes.add("commitment purchase for " + what + " skipped: commitment " + idle.id() + " left " + Money.display(idle.unusedEffective(), idle.currency())
                        + " " + idle.currency() + " unused; move on-demand usage onto it first");
                continue;
            }
            InstancePrice rate = catalog.all().stream()
                    .filter(p -> Providers.same(provider, p.provider()) && region.equalsIgnoreCase(p.region()) && p.commit1y() != null && p.onDemand().signum() > 0)
                    .max(Comparator.comparing((InstancePrice p) -> p.commit1y().divide(p.onDemand(), 12, RoundingMode.HALF_EVEN))
                            .thenComparing(InstancePrice::instanceType))
                    .orElse(null);
            if (rate == null) {
                notes.add("commitment purchase for " + what + " skipped: the price catalog has no 1-year commitment price for " + provider + " in " + region
                        + " (steady on-demand floor " + Money.display(floor.effective(), currency) + " " + currency + "/day)");
                continue;
            }
            BigDecimal reduction = alreadySaved.getOrDefault(Providers.canonical(provider) + "|" + region + "|" + currency, BigDecimal.ZERO)
                    .divide(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH), 10, RoundingMode.HALF_EVEN);
            BigDecimal effective = floor.effective().subtract(reduction);
            if (effective.signum() <= 0) {
                notes.add("commitment purchase for " + what + " skipped: idle, rightsizing and spot recommendations there take the whole steady floor");
                continue;
            }
            BigDecimal list = reduction.signum() == 0 ? floor.list()
                    : floor.list().multiply(effective).divide(floor.effective(), 10, RoundingMode.HALF_EVEN);
            // what the commitment costs a day for that list (on-demand equivalent) usage, rounded up: never overstate the saving
            BigDecimal commitCost = list.multiply(rate.commit1y()).divide(rate.onDemand(), 10, RoundingMode.CEILING);
            BigDecimal dailySaving = effective.subtract(commitCost);
            if (dailySaving.signum() <= 0) {
                notes.add("commitment purchase for " + what + " skipped: the on-demand rate on the bill (" + Money.plain(effective) + " for "
                        + Money.plain(list) + " at list) already beats a 1-year commitment");
                continue;
            }
            BigDecimal monthly = dailySaving.multiply(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH));
            BigDecimal hourly = commitCost.divide(BigDecimal.valueOf(24), 6, RoundingMode.DOWN);
            BigDecimal discount = BigDecimal.ONE.subtract(rate.commit1y().divide(rate.onDemand(), 6, RoundingMode.HALF_EVEN));
            Map<String, String> n = new LinkedHashMap<>();
            n.put("lookback_days", String.valueOf(days));
            n.put("floor_day", floorDay.toString());
            n.put("floor_effective_per_day", Money.plain(floor.effective()));
            n.put("floor_list_per_day", Money.plain(floor.list()));
            if (reduction.signum() > 0) n.put("already_saved_per_day", Money.plain(reduction));
            n.put("catalog_instance_type", rate.instanceType());
            n.put("catalog_on_demand_per_hour", Money.plain(rate.onDemand()));
            n.put("catalog_commit_1y_per_hour", Money.plain(rate.commit1y()));
            n.put("catalog_discount", Money.plain(discount));
            n.put("commitment_per_day", Money.plain(commitCost));
            n.put("saving_per_day", Money.plain(dailySaving));
            out.add(Recommendation.open(Recommendation.Kind.COMMITMENT, null, "purchase " + provider + " / " + service + " / " + region + " " + currency,
                    new Recommendation.Evidence(w.start(), w.end(), "steady floor = the lowest daily on-demand effective cost of the service in the region over the "
                            + days + "-day lookback (less what idle, rightsizing and spot recommendations there save); a commitment covers at most that floor, "
                            + "priced at the smallest 1-year discount the catalog has for the provider and region", n),
                    new Money(monthly, currency), Recommendation.Risk.LOW,
                    "Buy a 1-year commitment for " + what + " of at most " + Money.plain(hourly) + " " + currency + "/hour (covers "
                            + Money.plain(list.divide(BigDecimal.valueOf(24), 6, RoundingMode.DOWN)) + " " + currency
                            + "/hour of on-demand list usage, the steady floor); no more"));
        }
        return out;
    }

    /** An amount over {@code days} days as one month of {@link Recommendation#DAYS_PER_MONTH} days (exact when days divides 30). */
    static BigDecimal perMonth(BigDecimal amount, long days) {
        BigDecimal scaled = amount.multiply(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH));
        try {
            return scaled.divide(BigDecimal.valueOf(days));
        } catch (ArithmeticException notExact) {
            return scaled.divide(BigDecimal.valueOf(days), 10, RoundingMode.HALF_EVEN);
        }
    }
}

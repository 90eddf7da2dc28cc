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
    record Sums(BigDecimal effective, BigDecimal list, long rows) {
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
                            + ": " + remedy(c.type())));
        }
        return out;
    }

    /**
     * The catalog entry of the provider and region whose commitment rate ({@code term}: 1- or 3-year) is the largest share
     * of its on-demand price (the smallest discount: never overstate a saving), or null when none has that term.
     */
    private InstancePrice smallestDiscount(String provider, String region, java.util.function.Function<InstancePrice, BigDecimal> term) {
        return catalog.all().stream()
                .filter(p -> Providers.same(provider, p.provider()) && region.equalsIgnoreCase(p.region()) && term.apply(p) != null && p.onDemand().signum() > 0)
                .max(Comparator.comparing((InstancePrice p) -> term.apply(p).divide(p.onDemand(), 12, RoundingMode.HALF_EVEN))
                        .thenComparing(InstancePrice::instanceType))
                .orElse(null);
    }

    /**
     * What to do about unused commitment, by kind: a Compute Savings Plan already applies to any EC2, Fargate or Lambda
     * usage in any region and family, so unused hours mean either no eligible usage then or usage in accounts the plan
     * is not shared with; a scoped commitment (EC2 Instance Savings Plan, reservation, committed use) needs the usage
     * moved under its scope.
     */
    static String remedy(String type) {
        String t = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
        if (t.contains("compute savings plan")) {
            return "a Compute Savings Plan covers eligible usage in every region and instance family by itself, so its unused hours had no eligible "
                    + "usage in the accounts it is shared with: check its discount sharing (on-demand EC2 in other linked accounts is not covered "
                    + "while sharing is off), and buy no more until its unused hours are gone";
        }
        return "move eligible on-demand usage under its scope (account, region, instance family), or exchange it; buy no more of this scope";
    }

    /**
     * The steady floor of one service over one lookback [from, to): the lowest day's on-demand effective and list cost
     * and that day ({@code effective} 0 on a day without on-demand usage: usage that stops for a day is not steady);
     * {@code covered} false, with {@code uncovered} the latest day the provider has no bill for, when the bills do not
     * reach over the whole lookback (then it has no floor at all).
     */
    record Floor(int days, boolean covered, LocalDate day, BigDecimal effective, BigDecimal list, LocalDate uncovered) {
        String describe(String currency) {
            if (!covered) return "none: no bill of the provider on " + uncovered;
            if (effective.signum() == 0) return "0: no on-demand usage on " + day;
            return Money.plain(effective) + " " + currency + " on " + day;
        }
    }

    static Floor floor(int days, Map<LocalDate, Sums> daily, java.util.Set<LocalDate> billed, LocalDate to) {
        LocalDate from = to.minusDays(days);
        for (LocalDate d = to.minusDays(1); !d.isBefore(from); d = d.minusDays(1)) {
            if (!billed.contains(d)) return new Floor(days, false, null, null, null, d);
        }
        LocalDate day = null;
        Sums low = null;
        for (LocalDate d = from; d.isBefore(to); d = d.plusDays(1)) {
            Sums s = daily.get(d);
            if (s == null) return new Floor(days, true, d, BigDecimal.ZERO, BigDecimal.ZERO, null);
            if (low == null || s.effective().compareTo(low.effective()) < 0) {
                day = d;
                low = s;
            }
        }
        return new Floor(days, true, day, low.effective(), low.list(), null);
    }

    /**
     * Purchase advice for steady on-demand compute: per provider, service, region and currency, the steady floor over
     * each lookback ending at {@code to} ({@code lookbacks}, days); the one bought is the lowest floor among the lookbacks
     * the provider's bills cover (the most conservative: the longest of them, as a longer window's lowest day is never
     * higher), and nothing when it is 0 (a day without on-demand usage). Less what idle, rightsizing, scheduling, spot
     * and inference recommendations already take off that provider and region ({@code alreadySaved}: monthly effective
     * amounts by "provider|region|currency"), priced at the catalog's 1-year rates; every floor is in the evidence, with
     * the term and the break-even. Nothing is bought from a provider while one of its commitments goes unused in the
     * report: moving on-demand usage onto that one is the saving (recommended on its own), and counting those dollars
     * again for a purchase would save them twice.
     */
    List<Recommendation> purchases(LocalDate to, List<Integer> lookbacks, Map<String, BigDecimal> alreadySaved, CommitmentReport existing, List<String> notes) {
        int longest = lookbacks.get(lookbacks.size() - 1);
        LocalDate first = to.minusDays(longest);
        // the days each provider's bills cover: a lookback reaching before them (or over a day without any bill) has no floor
        Map<String, java.util.Set<LocalDate>> billed = new java.util.HashMap<>();
        for (CostReport.Row row : ledger.costs(new CostQuery(List.of(col("ProviderName")), first, to, Granularity.DAY, CostBasis.EFFECTIVE, Map.of())).rows()) {
            if (row.keys().get(0) != null) billed.computeIfAbsent(Providers.canonical(row.keys().get(0)), k -> new java.util.HashSet<>()).add(row.period());
        }
        Map<Field, List<String>> filters = new LinkedHashMap<>();
        filters.put(col("ChargeCategory"), List.of("Usage"));
        filters.put(col("PricingCategory"), List.of("Standard"));
        filters.put(col("ServiceCategory"), List.of("Compute"));
        Map<List<Object>, Map<LocalDate, Sums>> daily = new LinkedHashMap<>();
        sums(List.of(col("ProviderName"), col("ServiceName"), col("RegionId")), first, to, Granularity.DAY, filters).forEach((k, s) ->
                daily.computeIfAbsent(k.subList(0, 4), x -> new TreeMap<>()).merge((LocalDate) k.get(4), s, Sums::plus));
        List<Recommendation> out = new ArrayList<>();
        for (Map.Entry<List<Object>, Map<LocalDate, Sums>> e : daily.entrySet()) {
            String provider = (String) e.getKey().get(0);
            String service = (String) e.getKey().get(1);
            String region = (String) e.getKey().get(2);
            String currency = (String) e.getKey().get(3);
            if (provider == null || region == null) continue;
            java.util.Set<LocalDate> days = billed.getOrDefault(Providers.canonical(provider), java.util.Set.of());
            List<Floor> floors = new ArrayList<>();
            Floor chosen = null;
            for (int lookback : lookbacks) { // shortest first: on a tie the longer lookback is kept
                Floor f = floor(lookback, e.getValue(), days, to);
                floors.add(f);
                if (f.covered() && (chosen == null || f.effective().compareTo(chosen.effective()) <= 0)) chosen = f;
            }
            if (chosen == null) continue; // the bills cover no lookback yet
            if (chosen.effective().signum() <= 0 || chosen.list().signum() <= 0) continue; // a day without on-demand usage: no floor
            String what = provider + " " + service + " in " + region;
            CommitmentReport.Commitment idle = existing.commitments().stream()
                    .filter(c -> c.unusedEffective().signum() > 0 && c.provider() != null && Providers.same(c.provider(), provider)).findFirst().orElse(null);
            if (idle != null) {
                notes.add("commitment purchase for " + what + " skipped: commitment " + idle.id() + " left " + Money.display(idle.unusedEffective(), idle.currency())
                        + " " + idle.currency() + " unused; move on-demand usage onto it first");
                continue;
            }
            InstancePrice rate = smallestDiscount(provider, region, InstancePrice::commit1y);
            if (rate == null) {
                notes.add("commitment purchase for " + what + " skipped: the price catalog has no 1-year commitment price for " + provider + " in " + region
                        + " (steady on-demand floor " + Money.display(chosen.effective(), currency) + " " + currency + "/day over " + chosen.days() + " days)");
                continue;
            }
            BigDecimal reduction = alreadySaved.getOrDefault(Providers.canonical(provider) + "|" + region + "|" + currency, BigDecimal.ZERO)
                    .divide(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH), 10, RoundingMode.HALF_EVEN);
            BigDecimal effective = chosen.effective().subtract(reduction);
            if (effective.signum() <= 0) {
                notes.add("commitment purchase for " + what + " skipped: idle, rightsizing, scheduling and spot recommendations there take the whole steady floor");
                continue;
            }
            BigDecimal list = reduction.signum() == 0 ? chosen.list()
                    : chosen.list().multiply(effective).divide(chosen.effective(), 10, RoundingMode.HALF_EVEN);
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
            // no upfront, paid every hour of the term: it costs less than on demand while the share of it in use stays above
            // commitment / on-demand cost (rounded up: never understate what must stay in use), from the first hour
            BigDecimal breakEven = commitCost.divide(effective, 6, RoundingMode.CEILING);
            BigDecimal breakEvenMonths = commitCost.multiply(BigDecimal.valueOf(TERM_MONTHS)).divide(effective, 2, RoundingMode.CEILING);
            Map<String, String> n = new LinkedHashMap<>();
            n.put("lookback_days", String.valueOf(chosen.days()));
            for (Floor f : floors) n.put("floor_" + f.days() + "_days", f.describe(currency));
            n.put("floor_day", chosen.day().toString());
            n.put("floor_effective_per_day", Money.plain(chosen.effective()));
            n.put("floor_list_per_day", Money.plain(chosen.list()));
            if (reduction.signum() > 0) n.put("already_saved_per_day", Money.plain(reduction));
            n.put("catalog_instance_type", rate.instanceType());
            n.put("catalog_on_demand_per_hour", Money.plain(rate.onDemand()));
            n.put("catalog_commit_1y_per_hour", Money.plain(rate.commit1y()));
            n.put("catalog_discount", Money.plain(discount));
            n.put("term_months", String.valueOf(TERM_MONTHS));
            n.put("payment", "no upfront, hourly");
            n.put("commitment_per_day", Money.plain(commitCost));
            n.put("saving_per_day", Money.plain(dailySaving));
            n.put("break_even_utilisation", Money.plain(breakEven));
            n.put("break_even_months_of_use", Money.plain(breakEvenMonths));
            n.put("term_cost", Money.plain(commitCost.multiply(BigDecimal.valueOf(TERM_DAYS))));
            // the 3-year term, where the catalog prices one: shown beside, not bought (GPU generations turn over faster than
            // three years; the same floor is never counted twice)
            // the same machine as the 1-year figure when the catalog has its 3-year rate (the two terms compare like for like)
            InstancePrice rate3 = rate.commit3y() != null ? rate : smallestDiscount(provider, region, InstancePrice::commit3y);
            String threeYears = "";
            if (rate3 != null) {
                BigDecimal cost3 = list.multiply(rate3.commit3y()).divide(rate3.onDemand(), 10, RoundingMode.CEILING);
                BigDecimal saving3 = effective.subtract(cost3);
                if (saving3.signum() > 0) {
                    BigDecimal breakEven3 = cost3.divide(effective, 6, RoundingMode.CEILING);
                    BigDecimal months3 = cost3.multiply(BigDecimal.valueOf(TERM_MONTHS_3Y)).divide(effective, 2, RoundingMode.CEILING);
                    n.put("alternative_3y_catalog_instance_type", rate3.instanceType());
                    n.put("alternative_3y_catalog_commit_per_hour", Money.plain(rate3.commit3y()));
                    n.put("alternative_3y_commitment_per_day", Money.plain(cost3));
                    n.put("alternative_3y_monthly_saving", Money.plain(saving3.multiply(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH))));
                    n.put("alternative_3y_break_even_utilisation", Money.plain(breakEven3));
                    n.put("alternative_3y_break_even_months_of_use", Money.plain(months3));
                    n.put("alternative_3y_term_cost", Money.plain(cost3.multiply(BigDecimal.valueOf(TERM_DAYS_3Y))));
                    threeYears = " A 3-year term would save " + Money.display(saving3.multiply(BigDecimal.valueOf(Recommendation.DAYS_PER_MONTH)), currency) + " "
                            + currency + " a month but owes " + TERM_MONTHS_3Y + " months (break-even at " + Money.plain(breakEven3.movePointRight(2)
                            .setScale(2, RoundingMode.CEILING)) + "% in use, paid for after " + Money.plain(months3) + " months): only for usage sure to last that long.";
                }
            }
            Window w = Window.ofDays(to.minusDays(chosen.days()), to);
            String lookbackList = lookbacks.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            out.add(Recommendation.open(Recommendation.Kind.COMMITMENT, null, "purchase " + provider + " / " + service + " / " + region + " " + currency,
                    new Recommendation.Evidence(w.start(), w.end(), "steady floor = the lowest daily on-demand effective cost of the service in the region over each "
                            + "lookback (" + lookbackList + " days; a day without on-demand usage makes it 0, a day the provider's bills do not reach leaves that "
                            + "lookback without one); the lowest floor of the lookbacks the bills cover is bought (less what idle, rightsizing, scheduling, inference and spot "
                            + "recommendations there save; of a spot family only the part of its spend billed every day of the window); a commitment covers at most that floor, priced at the smallest 1-year discount the catalog has for the "
                            + "provider and region. The catalog's rate is hourly with no upfront, so the commitment saves from its first hour while usage stays at the "
                            + "floor; break-even = its cost / the floor's on-demand cost: the share of it that must stay in use, or the months of the "
                            + TERM_MONTHS + "-month term the floor usage must keep running", n),
                    new Money(monthly, currency), Recommendation.Risk.LOW,
                    "Buy a 1-year, no-upfront commitment for " + what + " of at most " + Money.plain(hourly) + " " + currency + "/hour (covers "
                            + Money.plain(list.divide(BigDecimal.valueOf(24), 6, RoundingMode.DOWN)) + " " + currency
                            + "/hour of on-demand list usage, the steady floor over the last " + chosen.days() + " days); no more. It costs less than on demand "
                            + "from its first hour while at least " + Money.plain(breakEven.movePointRight(2).setScale(2, RoundingMode.CEILING)) + "% of it is used: "
                            + "should the usage stop, the " + TERM_MONTHS + " months are still owed, and it has paid for itself once the floor usage ran "
                            + Money.plain(breakEvenMonths) + " of them." + threeYears));
        }
        return out;
    }

    /** The term of the catalog's commitment rate (commit1y): 12 months, a year of 365 days (8,760 hours) owed. */
    static final int TERM_MONTHS = 12;
    static final int TERM_DAYS = 365;
    /** The 3-year term shown beside it (commit3y): 36 months, 1,095 days owed. */
    static final int TERM_MONTHS_3Y = 36;
    static final int TERM_DAYS_3Y = 1095;

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

package dev.burnrate.recommend;

import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;
import dev.burnrate.ledger.Money;
import dev.burnrate.pricing.Providers;
import dev.burnrate.slo.Slis;
import dev.burnrate.slo.Slo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Inference served for less, from the inference usage and the bill of the endpoints that served it, over the last
 * {@code inferenceDays}:
 * <ul>
 * <li><b>A cheaper variant</b> of the same model: variant B serves at a lower cost per 1k inferences than variant A (each
 *   endpoint's effective cost split onto the usage it served, as the SLIs split it: {@link Slis#byModelVariant}) and its
 *   P95 latency stays within A's own P95, or within the threshold of the model's latency SLO when one is declared (any
 *   other latency SLO of the model must hold for B too). Saving = A's requests per month × (cost per 1k A − cost per 1k
 *   B) / 1000: A's own spend less what B would charge for A's requests, never more than A's spend. A variant moved off is
 *   not also a destination, and the reverse.</li>
 * <li><b>Consolidation</b> where requests per instance-hour are low: an endpoint's capacity is the P95 of its requests per
 *   instance-hour over its charge periods (what it has shown it serves); a period whose requests use less than
 *   {@code consolidationFloor} of its instance-hours' capacity needs only ceil(requests / (capacity × target utilisation))
 *   instance-hours (at least one instance for the whole period); the rest are removed, the cheapest first at the bill's
 *   effective cost, and what they cost is the saving. Endpoints of a variant recommendation are not consolidated: the
 *   traffic they will serve changes.</li>
 * </ul>
 */
final class InferenceSavings {
    /** Requests a variant must have served in the window to be a destination: a few requests say nothing about its latency. */
    static final long MIN_VARIANT_REQUESTS = 1000;
    /** Charge periods an endpoint must have in the window before its capacity is judged. */
    static final int MIN_PERIODS = 24;
    private static final MathContext MC = MathContext.DECIMAL64;

    private final InferenceUsages usages;
    private final Slis slis;
    private final Supplier<List<Slo>> slos;
    private final CostLedger ledger;
    private final SavingsEngine.Settings settings;

    InferenceSavings(InferenceUsages usages, Supplier<List<Slo>> slos, CostLedger ledger, SavingsEngine.Settings settings) {
        this.usages = usages;
        this.slis = new Slis(usages);
        this.slos = slos;
        this.ledger = ledger;
        this.settings = settings;
    }

    /** The recommendations, and what they save per month on the instance-hours of each "provider|region|currency" (so commitments do not count it again). */
    record Found(List<Recommendation> recommendations, OnDemandSavings onDemandSaved) {
    }

    Found find(Instant end, List<String> notes) {
        Instant from = end.minus(Duration.ofDays(settings.inferenceDays()));
        List<InferenceUsage> all = usages.between(from, end);
        List<Recommendation> out = new ArrayList<>();
        OnDemandSavings saved = new OnDemandSavings();
        if (all.isEmpty()) return new Found(out, saved);
        Map<List<String>, Set<String>> endpointsOf = new LinkedHashMap<>(); // [model, variant] → endpoints
        Set<String> endpoints = new java.util.TreeSet<>();
        for (InferenceUsage u : all) {
            if (u.endpoint() == null) continue;
            endpoints.add(u.endpoint());
            endpointsOf.computeIfAbsent(java.util.Arrays.asList(u.model(), u.variant()), k -> new java.util.TreeSet<>()).add(u.endpoint());
        }
        Map<String, List<InferenceUsages.InstanceHours>> hours = new TreeMap<>();
        for (InferenceUsages.InstanceHours h : usages.endpointHours(List.copyOf(endpoints), from, end)) {
            hours.computeIfAbsent(h.endpoint(), k -> new ArrayList<>()).add(h);
        }
        Map<String, String> teams = Owners.teams(ledger, endpoints, LocalDate.ofInstant(from, ZoneOffset.UTC),
                LocalDate.ofInstant(end, ZoneOffset.UTC).plusDays(1));
        Set<String> moving = new HashSet<>();
        out.addAll(variants(from, end, endpointsOf, hours, teams, saved, moving, notes));
        Map<String, List<InferenceUsage>> byEndpoint = new java.util.HashMap<>();
        for (InferenceUsage u : all) if (u.endpoint() != null) byEndpoint.computeIfAbsent(u.endpoint(), k -> new ArrayList<>()).add(u);
        for (String e : endpoints) {
            if (moving.contains(e) || !hours.containsKey(e)) continue;
            Map<String, BigDecimal> its = new LinkedHashMap<>();
            Recommendation r = consolidate(e, byEndpoint.get(e), hours.get(e), teams.get(e), from, end, its, notes);
            if (r != null) {
                out.add(r);
                saved.add(r.id(), its);
            }
        }
        return new Found(out, saved);
    }

    // ------------------------------------------------------------------ a cheaper variant

    private List<Recommendation> variants(Instant from, Instant end, Map<List<String>, Set<String>> endpointsOf, Map<String, List<InferenceUsages.InstanceHours>> hours,
                                          Map<String, String> teams, OnDemandSavings saved, Set<String> moving, List<String> notes) {
        Map<String, List<Slis.Line>> byModel = new TreeMap<>();
        for (Slis.Line l : slis.byModelVariant(from, end)) byModel.computeIfAbsent(l.model(), k -> new ArrayList<>()).add(l);
        List<Slo> declared = slos.get();
        List<Recommendation> out = new ArrayList<>();
        for (Map.Entry<String, List<Slis.Line>> m : byModel.entrySet()) {
            if (m.getValue().size() < 2) continue;
            // the most expensive variants first: each is moved off at most once, and a destination is never moved off
            List<Slis.Line> sources = m.getValue().stream().filter(l -> l.costs().size() == 1 && l.requests() > 0)
                    .sorted(Comparator.comparing((Slis.Line l) -> l.costs().get(0).cost(), Comparator.reverseOrder()).thenComparing(InferenceSavings::variantLabel))
                    .toList();
            for (Slis.Line l : m.getValue()) {
                if (l.costs().size() > 1) notes.add("model " + m.getKey() + " variant " + variantLabel(l) + " is billed in " + l.costs().stream().map(Slis.Cost::currency).toList()
                        + ": not judged (amounts of different currencies are never added)");
            }
            Set<String> destinations = new HashSet<>();
            Set<String> movedOff = new HashSet<>();
            for (Slis.Line a : sources) {
                if (destinations.contains(variantLabel(a))) continue;
                Slis.Cost ca = a.costs().get(0);
                if (ca.per1kInferences() == null || ca.cost().signum() <= 0) continue;
                Slis.Line best = null;
                Bound bestBound = null;
                boolean judged = false;
                for (Slis.Line b : m.getValue()) {
                    if (b == a || movedOff.contains(variantLabel(b)) || b.requests() < MIN_VARIANT_REQUESTS || b.latencyP95Ms() == null) continue;
                    Slis.Cost cb = b.cost(ca.currency());
                    if (cb == null || b.costs().size() > 1 || cb.cost().signum() < 0) continue;
                    if (per1k(cb, b).compareTo(per1k(ca, a)) >= 0) continue;
                    Bound bound = bound(m.getKey(), a, b, declared);
                    if (bound == null) continue;
                    judged = true;
                    if (b.latencyP95Ms().compareTo(bound.ms()) > 0 || !otherLatencySlosHold(m.getKey(), a, b, declared)) continue;
                    if (best == null || per1k(cb, b).compareTo(per1k(best.cost(ca.currency()), best)) < 0) {
                        best = b;
                        bestBound = bound;
                    }
                }
                if (best == null) {
                    if (!judged && a.latencyP95Ms() == null && m.getValue().stream().anyMatch(b -> b != a && b.cost(ca.currency()) != null
                            && b.requests() >= MIN_VARIANT_REQUESTS && per1k(b.cost(ca.currency()), b).compareTo(per1k(ca, a)) < 0)) {
                        notes.add("model " + m.getKey() + " variant " + variantLabel(a) + " reports no P95 latency and the model declares no latency_p95 SLO: "
                                + "no cheaper variant can be shown to meet its latency");
                    }
                    continue;
                }
                Map<String, BigDecimal> its = new LinkedHashMap<>();
                Recommendation r = variant(m.getKey(), a, best, bestBound, from, end, endpointsOf, hours, teams, its);
                if (r != null) saved.add(r.id(), its);
                if (r == null) continue;
                out.add(r);
                movedOff.add(variantLabel(a));
                destinations.add(variantLabel(best));
                moving.addAll(endpointsOf.getOrDefault(java.util.Arrays.asList(m.getKey(), a.variant()), Set.of()));
                moving.addAll(endpointsOf.getOrDefault(java.util.Arrays.asList(m.getKey(), best.variant()), Set.of()));
            }
        }
        return out;
    }

    /** The P95 a destination must stay within, and the SLO it comes from (null: the source variant's own P95). */
    private record Bound(BigDecimal ms, Slo slo) {
    }

    /**
     * The P95 that variant {@code b} must stay within to take {@code a}'s traffic: the lowest threshold of the model's
     * latency_p95 SLOs whose scope covers either variant (no variant named, or one of the two), else {@code a}'s own P95;
     * null when there is neither.
     */
    private static Bound bound(String model, Slis.Line a, Slis.Line b, List<Slo> declared) {
        Slo strictest = null;
        for (Slo s : declared) {
            if (s.sli() != Slo.Sli.LATENCY_P95 || !covers(s, model, a, b)) continue;
            if (strictest == null || s.objective().threshold().compareTo(strictest.objective().threshold()) < 0) strictest = s;
        }
        if (strictest != null) return new Bound(strictest.objective().threshold(), strictest);
        return a.latencyP95Ms() == null ? null : new Bound(a.latencyP95Ms(), null);
    }

    private static boolean covers(Slo s, String model, Slis.Line a, Slis.Line b) {
        String v = s.scope().variant();
        return model.equals(s.scope().model()) && (v == null || v.equals(a.variant()) || v.equals(b.variant()));
    }

    /** Every P50 / P99 SLO of the model that covers either variant holds for what {@code b} showed (a percentile it does not report does not hold). */
    private static boolean otherLatencySlosHold(String model, Slis.Line a, Slis.Line b, List<Slo> declared) {
        for (Slo s : declared) {
            if (!s.sli().latency() || s.sli() == Slo.Sli.LATENCY_P95 || !covers(s, model, a, b)) continue;
            BigDecimal v = s.sli() == Slo.Sli.LATENCY_P50 ? b.latencyP50Ms() : b.latencyP99Ms();
            if (v == null || v.compareTo(s.objective().threshold()) > 0) return false;
        }
        return true;
    }

    /** Cost per 1k inferences unrounded (cost × 1000 / requests, to 34 digits), for comparing variants; the SLIs show it to 6 places. */
    private static BigDecimal per1k(Slis.Cost c, Slis.Line l) {
        return c.cost().multiply(BigDecimal.valueOf(1000)).divide(BigDecimal.valueOf(l.requests()), MathContext.DECIMAL128);
    }

    private Recommendation variant(String model, Slis.Line a, Slis.Line b, Bound bound, Instant from, Instant end, Map<List<String>, Set<String>> endpointsOf,
                                   Map<String, List<InferenceUsages.InstanceHours>> hours, Map<String, String> teams, Map<String, BigDecimal> saved) {
        Slis.Cost ca = a.costs().get(0);
        Slis.Cost cb = b.cost(ca.currency());
        String currency = ca.currency();
        long days = settings.inferenceDays();
        // A's requests at B's cost per 1k, against what A cost: (costA × reqB − costB × reqA) / reqB over the window, per 30-day month
        BigDecimal inWindow = divide(ca.cost().multiply(BigDecimal.valueOf(b.requests())).subtract(cb.cost().multiply(BigDecimal.valueOf(a.requests()))),
                BigDecimal.valueOf(b.requests()));
        BigDecimal monthly = CommitmentAnalysis.perMonth(inWindow, days);
        if (monthly.signum() <= 0) return null;
        Set<String> fromEndpoints = endpointsOf.getOrDefault(java.util.Arrays.asList(model, a.variant()), Set.of());
        Set<String> toEndpoints = endpointsOf.getOrDefault(java.util.Arrays.asList(model, b.variant()), Set.of());
        // the team whose endpoints serve variant A: the one carrying most of them
        Map<String, BigDecimal> teamCost = new TreeMap<>();
        Map<String, BigDecimal> regionCost = new TreeMap<>();
        BigDecimal hoursCost = BigDecimal.ZERO;
        for (String e : fromEndpoints) {
            BigDecimal c = BigDecimal.ZERO;
            for (InferenceUsages.InstanceHours h : hours.getOrDefault(e, List.of())) {
                if (!currency.equals(h.currency())) continue;
                c = c.add(h.cost());
                regionCost.merge(Providers.canonical(h.provider() == null ? "AWS" : h.provider()) + "|" + h.region() + "|" + currency, h.cost(), BigDecimal::add);
            }
            hoursCost = hoursCost.add(c);
            if (teams.get(e) != null) teamCost.merge(teams.get(e), c, BigDecimal::add);
        }
        // what it saves comes off the instance-hours of A's endpoints, region by region in proportion to their cost there
        if (hoursCost.signum() > 0) {
            for (Map.Entry<String, BigDecimal> r : regionCost.entrySet()) {
                saved.merge(r.getKey(), monthly.multiply(r.getValue()).divide(hoursCost, 10, RoundingMode.HALF_EVEN), BigDecimal::add);
            }
        }
        BigDecimal perMonthRequests = CommitmentAnalysis.perMonth(BigDecimal.valueOf(a.requests()), days);
        String av = variantLabel(a);
        String bv = variantLabel(b);
        Map<String, String> n = new LinkedHashMap<>();
        n.put("model", model);
        n.put("from_variant", av);
        n.put("to_variant", bv);
        n.put("window_days", String.valueOf(days));
        n.put("from_requests", String.valueOf(a.requests()));
        n.put("from_requests_per_month", Money.plain(perMonthRequests.setScale(2, RoundingMode.HALF_EVEN)));
        n.put("from_cost", Money.plain(ca.cost()));
        n.put("from_cost_per_1k", Money.plain(ca.per1kInferences()));
        n.put("from_p95_ms", Money.plain(a.latencyP95Ms()));
        n.put("to_requests", String.valueOf(b.requests()));
        n.put("to_cost", Money.plain(cb.cost()));
        n.put("to_cost_per_1k", Money.plain(cb.per1kInferences()));
        n.put("to_p95_ms", Money.plain(b.latencyP95Ms()));
        n.put("p95_bound_ms", Money.plain(bound.ms()));
        n.put("p95_bound_from", bound.slo() == null ? "variant " + av + "'s own P95" : "SLO " + bound.slo().id());
        n.put("from_endpoints", String.join(" ", fromEndpoints));
        n.put("to_endpoints", String.join(" ", toEndpoints));
        n.put("saving_in_window", Money.plain(inWindow));
        String within = bound.slo() == null ? "variant " + av + "'s own P95 (" + Money.plain(bound.ms()) + " ms)"
                : "the threshold of SLO " + bound.slo().id() + " (" + Money.plain(bound.ms()) + " ms)";
        return Recommendation.open(Recommendation.Kind.INFERENCE, Owners.owner(teamCost), "model " + model + ": variant " + av + " → " + bv,
                new Recommendation.Evidence(from, end, "variant " + bv + " of " + model + " served at a lower cost per 1k inferences than " + av + " over the last " + days
                        + " days (each endpoint's effective cost split onto the usage it served, by tokens, as the SLIs split it) and with a P95 latency within "
                        + within + ", having served at least " + MIN_VARIANT_REQUESTS + " requests; saving = " + av + "'s requests per "
                        + Recommendation.DAYS_PER_MONTH + "-day month × (cost per 1k " + av + " − cost per 1k " + bv + ") / 1000", n),
                new Money(monthly, currency), Recommendation.Risk.MEDIUM,
                "Route " + model + "'s traffic from variant " + av + " (" + String.join(", ", fromEndpoints) + ") to " + bv + " (" + String.join(", ", toEndpoints)
                        + "): it answered with P95 " + Money.plain(b.latencyP95Ms()) + " ms against " + within + " at " + Money.plain(cb.per1kInferences()) + " instead of "
                        + Money.plain(ca.per1kInferences()) + " " + currency + " per 1k; shift the traffic split step by step, check " + bv
                        + "'s quality on " + av + "'s traffic first, and scale " + bv + "'s endpoints with the traffic so its cost per 1k holds");
    }

    private static String variantLabel(Slis.Line l) {
        return l.variant() == null ? "(none)" : l.variant();
    }

    // ------------------------------------------------------------------ consolidation

    /** One charge period of an endpoint: its instance-hours (alike rows), how long it lasts, and the requests that started in it. */
    private record Period(Instant start, Instant end, List<InferenceUsages.InstanceHours> rows, BigDecimal instanceHours, long requests) {
        BigDecimal hours() {
            return BigDecimal.valueOf(Duration.between(start, end).getSeconds()).divide(BigDecimal.valueOf(3600), MC);
        }
    }

    /** {@code all}: the endpoint's usage in the window. */
    private Recommendation consolidate(String endpoint, List<InferenceUsage> all, List<InferenceUsages.InstanceHours> rows, String team, Instant from, Instant end,
                                       Map<String, BigDecimal> saved, List<String> notes) {
        Set<String> currencies = new java.util.TreeSet<>();
        rows.forEach(h -> currencies.add(h.currency()));
        if (currencies.size() > 1) {
            notes.add("endpoint " + endpoint + " is billed in " + currencies + ": not consolidated (amounts of different currencies are never added)");
            return null;
        }
        String currency = currencies.iterator().next();
        Map<List<Instant>, List<InferenceUsages.InstanceHours>> byPeriod = new TreeMap<>(Comparator.comparing((List<Instant> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (InferenceUsages.InstanceHours h : rows) byPeriod.computeIfAbsent(List.of(h.start(), h.end()), k -> new ArrayList<>()).add(h);
        java.util.TreeMap<Instant, Instant> ends = new java.util.TreeMap<>(); // period start → its end
        byPeriod.keySet().forEach(k -> ends.merge(k.get(0), k.get(1), (x, y) -> x.isAfter(y) ? x : y));
        // requests count in the charge period their interval starts in
        Map<Instant, Long> requests = new TreeMap<>();
        for (InferenceUsage u : all) {
            Map.Entry<Instant, Instant> p = ends.floorEntry(u.start());
            if (p != null && u.start().isBefore(p.getValue())) requests.merge(p.getKey(), u.requests(), Long::sum);
        }
        List<Period> periods = new ArrayList<>();
        byPeriod.forEach((k, hs) -> periods.add(new Period(k.get(0), k.get(1), hs, hs.stream().map(InferenceUsages.InstanceHours::quantity).reduce(BigDecimal.ZERO, BigDecimal::add),
                requests.getOrDefault(k.get(0), 0L))));
        if (periods.size() < MIN_PERIODS) return null;
        List<BigDecimal> rates = new ArrayList<>();
        for (Period p : periods) rates.add(BigDecimal.valueOf(p.requests()).divide(p.instanceHours(), MC));
        rates.sort(Comparator.naturalOrder());
        BigDecimal capacity = rates.get((int) Math.ceil(0.95 * rates.size()) - 1); // nearest-rank P95
        if (capacity.signum() <= 0) return null; // served nothing: not an endpoint to size by its traffic
        BigDecimal floor = BigDecimal.valueOf(settings.consolidationFloor());
        BigDecimal target = BigDecimal.valueOf(settings.targetUtilisation());
        BigDecimal removed = BigDecimal.ZERO;
        BigDecimal saving = BigDecimal.ZERO;
        BigDecimal onDemand = BigDecimal.ZERO;
        BigDecimal spend = BigDecimal.ZERO;
        BigDecimal instanceHours = BigDecimal.ZERO;
        long low = 0;
        Map<String, BigDecimal> byRegion = new TreeMap<>();
        for (Period p : periods) {
            instanceHours = instanceHours.add(p.instanceHours());
            for (InferenceUsages.InstanceHours h : p.rows()) spend = spend.add(h.cost());
            BigDecimal use = BigDecimal.valueOf(p.requests()).divide(p.instanceHours().multiply(capacity), MC);
            if (use.compareTo(floor) >= 0) continue;
            low++;
            BigDecimal need = BigDecimal.valueOf(p.requests()).divide(capacity.multiply(target), MC).setScale(0, RoundingMode.CEILING);
            BigDecimal keep = need.max(p.hours().setScale(0, RoundingMode.CEILING)); // at least one instance the whole period
            BigDecimal cut = p.instanceHours().subtract(keep);
            if (cut.signum() <= 0) continue;
            removed = removed.add(cut);
            // the cheapest instance-hours go first: the saving is never more than the least the bill charged for them
            List<InferenceUsages.InstanceHours> cheapest = new ArrayList<>(p.rows());
            cheapest.sort(Comparator.comparing(InferenceUsages.InstanceHours::unitCost));
            for (InferenceUsages.InstanceHours h : cheapest) {
                if (cut.signum() <= 0) break;
                BigDecimal take = cut.min(h.quantity());
                BigDecimal cost = take.compareTo(h.quantity()) == 0 ? h.cost() : h.unitCost().multiply(take);
                saving = saving.add(cost);
                if ("Standard".equalsIgnoreCase(h.pricingCategory())) {
                    onDemand = onDemand.add(cost);
                    byRegion.merge(Providers.canonical(h.provider() == null ? "AWS" : h.provider()) + "|" + h.region() + "|" + currency, cost, BigDecimal::add);
                }
                cut = cut.subtract(take);
            }
        }
        if (saving.signum() <= 0) return null;
        long days = settings.inferenceDays();
        BigDecimal monthly = CommitmentAnalysis.perMonth(saving, days);
        byRegion.forEach((k, v) -> saved.merge(k, CommitmentAnalysis.perMonth(v, days), BigDecimal::add));
        BigDecimal perInstanceHour = capacity.multiply(target).setScale(0, RoundingMode.FLOOR);
        Map<String, String> n = new LinkedHashMap<>();
        n.put("window_days", String.valueOf(days));
        n.put("charge_periods", String.valueOf(periods.size()));
        n.put("requests", String.valueOf(periods.stream().mapToLong(Period::requests).sum()));
        n.put("instance_hours", Money.plain(instanceHours));
        n.put("capacity_requests_per_instance_hour", Money.plain(capacity.setScale(2, RoundingMode.HALF_EVEN)));
        n.put("floor", Money.plain(floor));
        n.put("target_utilisation", Money.plain(target));
        n.put("low_periods", String.valueOf(low));
        n.put("instance_hours_removed", Money.plain(removed));
        n.put("billed_effective", Money.plain(spend));
        n.put("saving_in_window", Money.plain(saving));
        if (onDemand.signum() > 0) n.put("on_demand_saving_in_window", Money.plain(onDemand));
        return Recommendation.open(Recommendation.Kind.INFERENCE, team, "endpoint " + endpoint,
                new Recommendation.Evidence(from, end, "capacity = the P95 of the endpoint's requests per instance-hour over its charge periods in the last " + days
                        + " days (what it has shown it serves); a period whose requests use less than " + Money.plain(floor.movePointRight(2))
                        + "% of its instance-hours' capacity needs only ceil(requests / (capacity × " + Money.plain(target) + ")) instance-hours, at least one instance "
                        + "the whole period; the rest are removed, the cheapest first, and the saving is what the bill charged for them (effective cost), per "
                        + Recommendation.DAYS_PER_MONTH + "-day month", n),
                new Money(monthly, currency), Recommendation.Risk.MEDIUM,
                "Scale endpoint " + endpoint + " in when its traffic is low: autoscale on requests per instance with a target of " + Money.plain(perInstanceHour)
                        + " an hour (" + Money.plain(target.movePointRight(2)) + "% of the " + Money.plain(capacity.setScale(0, RoundingMode.FLOOR))
                        + " it has served), at least one instance, or batch its requests (dynamic batching) so fewer instances serve them: " + low + " of its "
                        + periods.size() + " charge periods used less than " + Money.plain(floor.movePointRight(2)) + "% of their capacity; watch its latency while "
                        + "traffic ramps up again");
    }

    /** a / b, exact where it can be, else to 10 places. */
    private static BigDecimal divide(BigDecimal a, BigDecimal b) {
        try {
            return a.divide(b);
        } catch (ArithmeticException notExact) {
            return a.divide(b, 10, RoundingMode.HALF_EVEN);
        }
    }
}

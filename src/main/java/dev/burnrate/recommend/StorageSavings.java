package dev.burnrate.recommend;

import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.ledger.Money;
import dev.burnrate.ledger.Window;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Storage and transfer, from the FOCUS bill:
 * <ul>
 * <li><b>Tiering</b>: a resource (ResourceId) billed for object storage in a frequently-accessed class ({@link StorageTier})
 *   every day of the last {@code storageDays}, whose daily effective cost for it moved by no more than
 *   {@code storageFlatPercent} (the data is neither growing nor changing), moves to the infrequent-access class; saving =
 *   its monthly spend × (1 − infrequent / standard price).</li>
 * <li><b>Cross-region transfer</b>: usage lines whose ChargeDescription names a transfer between regions (AWS "… data
 *   transfer to &lt;region&gt; (…)", Azure and Google "Inter-Region" / "Inter Region") over the last {@code transferDays},
 *   by provider, account, service, region and line: co-locating what sends and what receives removes them; saving =
 *   their effective cost per month.</li>
 * </ul>
 * Both only count rows of the bill, each once: capacity rows for tiering, transfer rows for co-location.
 */
final class StorageSavings {
    /** AWS names the destination region ("… data transfer to US West (Oregon)"); Azure and Google say inter-region. */
    static final Pattern INTER_REGION = Pattern.compile("(?i)\\binter[- ]?region\\b|\\bdata transfer to [^()]*\\(");
    /** A unit of stored capacity over time (GB-Months, GB/Month, GB-Hours, GibiByte Month, ByteHrs), not IOPS or throughput. */
    static final Pattern CAPACITY = Pattern.compile("(?i)^(?!.*(iops|second|request)).*(gb|gib|gibibyte|byte).*(month|mo\\b|hour|hrs)");

    private static final Field RESOURCE = Owners.RESOURCE;
    private static final Field PROVIDER = col("ProviderName");
    private static final Field SERVICE = col("ServiceName");
    private static final Field REGION = col("RegionId");
    private static final Field DESCRIPTION = col("ChargeDescription");
    private static final Field UNIT = col("ConsumedUnit");
    private static final Field ACCOUNT = col("SubAccountId");
    private static final Field CHARGE = col("ChargeCategory");

    private final CostLedger ledger;
    private final SavingsEngine.Settings settings;

    StorageSavings(CostLedger ledger, SavingsEngine.Settings settings) {
        this.ledger = ledger;
        this.settings = settings;
    }

    private static Field col(String name) {
        return new Field(Field.Kind.FOCUS_COLUMN, name);
    }

    // ------------------------------------------------------------------ tiering

    /** One resource's storage in one class and currency over the lookback: its cost day by day and by team. */
    private static final class Stored {
        final String resource;
        final StorageTier tier;
        final String provider;
        final String service;
        final String region;
        final String currency;
        final Map<LocalDate, BigDecimal> daily = new TreeMap<>();
        final Map<String, BigDecimal> teams = new TreeMap<>();

        Stored(String resource, StorageTier tier, String provider, String service, String region, String currency) {
            this.resource = resource;
            this.tier = tier;
            this.provider = provider;
            this.service = service;
            this.region = region;
            this.currency = currency;
        }
    }

    List<Recommendation> tiering(LocalDate to, List<String> notes) {
        int days = settings.storageDays();
        LocalDate from = to.minusDays(days);
        CostReport r = ledger.costs(new CostQuery(List.of(RESOURCE, PROVIDER, SERVICE, REGION, DESCRIPTION, UNIT, Owners.TEAM), from, to, Granularity.DAY,
                CostBasis.EFFECTIVE, Map.of(col("ServiceCategory"), List.of("Storage"), CHARGE, List.of("Usage"))));
        Map<List<String>, Stored> stored = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        long withoutResource = 0;
        for (CostReport.Row row : r.rows()) {
            List<String> k = row.keys();
            String unit = k.get(5);
            if (unit == null || !CAPACITY.matcher(unit).find()) continue;
            StorageTier tier = settings.storageTiers().stream().filter(t -> t.matches(k.get(1), k.get(2), k.get(4))).findFirst().orElse(null);
            if (tier == null) continue;
            if (k.get(0) == null) {
                withoutResource += row.records();
                continue;
            }
            Stored s = stored.computeIfAbsent(List.of(k.get(0), row.cost().currency()),
                    x -> new Stored(k.get(0), tier, k.get(1), k.get(2), k.get(3), row.cost().currency()));
            if (s.tier != tier) continue; // one resource, two providers' classes: keep to the first
            s.daily.merge(row.period(), row.cost().amount(), BigDecimal::add);
            s.teams.merge(k.get(6), row.cost().amount(), BigDecimal::add);
        }
        if (withoutResource > 0) notes.add(withoutResource + " storage rows in a frequently-accessed class carry no ResourceId: not judged for tiering (nothing to name)");
        Window w = Window.ofDays(from, to);
        List<Recommendation> out = new ArrayList<>();
        for (Stored s : stored.values()) {
            if (s.daily.size() < days || s.daily.values().stream().anyMatch(v -> v.signum() <= 0)) continue; // a day without it: not months unchanged
            BigDecimal low = s.daily.values().stream().min(Comparator.naturalOrder()).orElseThrow();
            BigDecimal high = s.daily.values().stream().max(Comparator.naturalOrder()).orElseThrow();
            BigDecimal allowed = low.multiply(BigDecimal.valueOf(settings.storageFlatPercent())).movePointLeft(2);
            if (high.subtract(low).compareTo(allowed) > 0) continue;
            if (!s.tier.priced()) {
                notes.add("storage " + s.resource + " (" + s.tier.standardClass() + ") has not changed in " + days + " days, but no price ratio of "
                        + s.tier.infrequentClass() + " to " + s.tier.standardClass() + " is set: add recommendations.infrequentAccess." + s.tier.provider()
                        + " {ratio, source} to burnrate.yaml to price the tiering");
                continue;
            }
            BigDecimal total = s.daily.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal monthly = CommitmentAnalysis.perMonth(total, days);
            BigDecimal scaled = monthly.multiply(s.tier.standardPrice().subtract(s.tier.infrequentPrice()));
            BigDecimal saving;
            try {
                saving = scaled.divide(s.tier.standardPrice());
            } catch (ArithmeticException notExact) {
                saving = scaled.divide(s.tier.standardPrice(), 10, RoundingMode.DOWN); // never overstated
            }
            if (saving.signum() <= 0) continue;
            String ratio = Money.plain(s.tier.infrequentPrice().divide(s.tier.standardPrice(), 6, RoundingMode.HALF_EVEN));
            Map<String, String> n = new LinkedHashMap<>();
            n.put("lookback_days", String.valueOf(days));
            n.put("days_billed", String.valueOf(s.daily.size()));
            n.put("lowest_day", Money.plain(low));
            n.put("highest_day", Money.plain(high));
            n.put("flat_within_percent", plain(settings.storageFlatPercent()));
            n.put("effective_in_lookback", Money.plain(total));
            n.put("monthly_effective", Money.plain(monthly));
            n.put("from_class", s.tier.standardClass());
            n.put("to_class", s.tier.infrequentClass());
            n.put("standard_price", Money.plain(s.tier.standardPrice()));
            n.put("infrequent_price", Money.plain(s.tier.infrequentPrice()));
            n.put("price_ratio", ratio);
            n.put("price_source", s.tier.priceSource());
            n.put("service", s.service);
            if (s.region != null) n.put("region", s.region);
            out.add(Recommendation.open(Recommendation.Kind.STORAGE, Owners.owner(s.teams), "storage " + s.resource,
                    new Recommendation.Evidence(w.start(), w.end(), s.tier.standardClass() + " storage billed every day of the last " + days
                            + " days, its daily effective cost within " + plain(settings.storageFlatPercent()) + "% of its lowest day (the data neither grows nor "
                            + "changes); in " + s.tier.infrequentClass() + " it costs " + ratio + " of the price (" + s.tier.priceSource()
                            + "); saving = monthly spend × (1 − " + ratio + "), per " + Recommendation.DAYS_PER_MONTH + "-day month", n),
                    new Money(saving, s.currency), Recommendation.Risk.MEDIUM,
                    "Move " + s.resource + " to " + s.tier.infrequentClass() + " with " + s.tier.how() + ": its " + s.tier.standardClass() + " storage has cost "
                            + Money.display(low, s.currency) + "–" + Money.display(high, s.currency) + " " + s.currency + " a day for " + days
                            + " days. The bill shows what is stored, not how often it is read: " + s.tier.retrieval()
                            + ", so check its reads (access logs, storage analytics) first; data read often costs more there"));
        }
        return out;
    }

    // ------------------------------------------------------------------ cross-region transfer

    /** One transfer line over the lookback: provider, account, service, region and description; its cost by resource and by team. */
    private static final class Route {
        final List<String> key;
        final String currency;
        BigDecimal cost = BigDecimal.ZERO;
        long rows;
        final Map<String, BigDecimal> resources = new TreeMap<>();
        final Map<String, BigDecimal> teams = new TreeMap<>();

        Route(List<String> key, String currency) {
            this.key = key;
            this.currency = currency;
        }
    }

    List<Recommendation> transfer(LocalDate to) {
        int days = settings.transferDays();
        LocalDate from = to.minusDays(days);
        // the descriptions first (few), then only the lines that name a transfer between regions
        CostReport descriptions = ledger.costs(new CostQuery(List.of(DESCRIPTION), from, to, Granularity.NONE, CostBasis.EFFECTIVE,
                Map.of(CHARGE, List.of("Usage"))));
        List<String> crossRegion = descriptions.rows().stream().map(x -> x.keys().get(0)).filter(d -> d != null && INTER_REGION.matcher(d).find())
                .distinct().sorted().toList();
        if (crossRegion.isEmpty()) return List.of();
        CostReport r = ledger.costs(new CostQuery(List.of(PROVIDER, ACCOUNT, SERVICE, REGION, DESCRIPTION, RESOURCE, Owners.TEAM), from, to, Granularity.NONE,
                CostBasis.EFFECTIVE, Map.of(CHARGE, List.of("Usage"), DESCRIPTION, crossRegion)));
        Map<List<String>, Route> routes = new TreeMap<>(Comparator.comparing((List<String> k) -> String.join("\u0001", k)));
        for (CostReport.Row row : r.rows()) {
            List<String> k = new ArrayList<>();
            for (int i = 0; i < 5; i++) k.add(row.keys().get(i) == null ? "" : row.keys().get(i));
            k.add(row.cost().currency());
            Route route = routes.computeIfAbsent(k, x -> new Route(x, row.cost().currency()));
            route.cost = route.cost.add(row.cost().amount());
            route.rows += row.records();
            if (row.keys().get(5) != null) route.resources.merge(row.keys().get(5), row.cost().amount(), BigDecimal::add);
            route.teams.merge(row.keys().get(6), row.cost().amount(), BigDecimal::add);
        }
        Window w = Window.ofDays(from, to);
        List<Recommendation> out = new ArrayList<>();
        for (Route route : routes.values()) {
            if (route.cost.signum() <= 0) continue;
            BigDecimal monthly = CommitmentAnalysis.perMonth(route.cost, days);
            String provider = route.key.get(0);
            String account = route.key.get(1);
            String service = route.key.get(2);
            String region = route.key.get(3);
            String description = route.key.get(4);
            List<Map.Entry<String, BigDecimal>> top = route.resources.entrySet().stream()
                    .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey())).limit(3).toList();
            Map<String, String> n = new LinkedHashMap<>();
            n.put("lookback_days", String.valueOf(days));
            n.put("lines", String.valueOf(route.rows));
            n.put("effective_in_lookback", Money.plain(route.cost));
            n.put("provider", provider);
            if (!account.isEmpty()) n.put("account", account);
            n.put("service", service);
            if (!region.isEmpty()) n.put("region", region);
            n.put("resources", String.valueOf(route.resources.size()));
            for (int i = 0; i < top.size(); i++) n.put("resource_" + (i + 1), top.get(i).getKey() + " " + Money.plain(top.get(i).getValue()));
            String where = service + (region.isEmpty() ? "" : " in " + region) + (account.isEmpty() ? "" : ", account " + account);
            out.add(Recommendation.open(Recommendation.Kind.STORAGE, Owners.owner(route.teams), "transfer " + description + " (" + where + ")",
                    new Recommendation.Evidence(w.start(), w.end(), "usage lines whose description names a transfer between regions (AWS \"data transfer to <region>\", "
                            + "Azure and Google \"inter-region\"), over the last " + days + " days: with sender and receiver in one region there is no such line; "
                            + "saving = their effective cost per " + Recommendation.DAYS_PER_MONTH + "-day month", n),
                    new Money(monthly, route.currency), Recommendation.Risk.MEDIUM,
                    "Co-locate what sends and what receives \"" + description + "\" (" + where + (top.isEmpty() ? "" : "; largest: " + top.get(0).getKey())
                            + "): run the consumer in the data's region, or read from a copy kept in its own region, or stop a replication no one reads. "
                            + "Moving data or workloads between regions is a project of its own, a copy kept for disaster recovery or for users near the other "
                            + "region may be deliberate (then dismiss this with that reason), and traffic between zones of one region is still billed"));
        }
        return out;
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}

package dev.burnrate.pricing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bundled price catalog: AWS us-east-1 (Karpenter's price table, Spot Advisor savings) and GCP GPU machine types. */
public final class PriceCatalog {
    private static final String AWS_SOURCE = "aws/karpenter-provider-aws pricing table (us-east-1 on-demand)";
    private static final String AWS_DATE = "2026-07-20";
    private static final String GCP_SOURCE = "Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml";
    private static final String GCP_DATE = "2026-07-30";
    private static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");

    private final Map<String, InstancePrice> byKey;
    /** Entries with GPUs by instance type (every region and provider that has it). */
    private final Map<String, List<InstancePrice>> gpusByType = new HashMap<>();
    private final java.util.Set<String> types = new java.util.HashSet<>();

    /** AWS Spot Instance Advisor's interruption band by "region|instance type" (Linux). */
    private final Map<String, SpotInterruption> interruptions;

    /**
     * How often spot capacity of an instance type in a region is interrupted, as the AWS Spot Instance Advisor bands it:
     * {@code label} ("<5%", "5-10%", ... ">20%") and {@code maxPercent}, the band's upper bound in percent of instances
     * interrupted per month (100 for the open band ">20%").
     */
    public record SpotInterruption(String label, int maxPercent) {
    }

    private PriceCatalog(Map<String, InstancePrice> byKey) {
        this(byKey, Map.of());
    }

    private PriceCatalog(Map<String, InstancePrice> byKey, Map<String, SpotInterruption> interruptions) {
        this.interruptions = Map.copyOf(interruptions);
        this.byKey = Collections.unmodifiableMap(byKey);
        for (InstancePrice p : byKey.values()) {
            types.add(p.instanceType());
            if (p.gpuCount() > 0 && p.gpuName() != null) gpusByType.computeIfAbsent(p.instanceType(), t -> new ArrayList<>()).add(p);
        }
    }

    /** Providers are keyed by their canonical name ({@link Providers}), so "GCP" finds Google Cloud's prices. */
    private static String key(String provider, String type, String region) {
        return Providers.canonical(provider) + "|" + type + "|" + region;
    }

    public Optional<InstancePrice> find(String provider, String instanceType, String region) {
        return Optional.ofNullable(byKey.get(key(provider, instanceType, region)));
    }

    public InstancePrice require(String provider, String instanceType, String region) {
        return find(provider, instanceType, region).orElseThrow(() ->
                new IllegalArgumentException("no price for " + provider + " " + instanceType + " in " + region));
    }

    /** The Spot Advisor's interruption band of an AWS instance type in a region (empty for other providers, or where the advisor has none). */
    public Optional<SpotInterruption> spotInterruption(String provider, String instanceType, String region) {
        if (!Providers.same(provider, "AWS")) return Optional.empty();
        return Optional.ofNullable(interruptions.get(region + "|" + instanceType));
    }

    public List<InstancePrice> all() {
        return List.copyOf(byKey.values());
    }

    /**
     * A catalog where the given prices (user overrides, e.g. a negotiated rate card) replace or add entries. An override
     * that does not say which GPUs the instance has keeps what the catalog knows of that instance type (a rate card
     * changes the price, not the hardware).
     */
    public PriceCatalog withOverrides(List<InstancePrice> overrides) {
        Map<String, InstancePrice> m = new LinkedHashMap<>(byKey);
        for (InstancePrice p : overrides) {
            String provider = Providers.canonical(p.provider());
            Optional<Gpu> known = p.gpuCount() > 0 ? Optional.empty() : gpu(provider, p.instanceType(), p.region());
            m.put(key(provider, p.instanceType(), p.region()), new InstancePrice(provider, p.instanceType(), p.region(),
                    known.map(Gpu::name).orElse(p.gpuName()), known.map(Gpu::count).orElse(p.gpuCount()), p.onDemand(), p.spot(), p.commit1y(),
                    p.commit3y(), p.source(), p.asOf()));
        }
        return new PriceCatalog(m, interruptions);
    }

    /**
     * The GPUs of one instance: {@code model} is the chip without maker or memory size ("h100" for AWS "h100" and Google
     * Cloud "h100-80gb"), so runs on different providers' instances with the same chip compare; {@code name} is as the
     * catalog has it.
     */
    public record Gpu(String model, String name, int count) {
    }

    /**
     * The GPUs of an instance type: from its entry, or (its hardware is the same in every region) from any entry of the
     * same type of that provider (any provider when null). Empty for an instance without GPUs or one the catalog lacks.
     */
    public Optional<Gpu> gpu(String provider, String instanceType, String region) {
        if (instanceType == null) return Optional.empty();
        InstancePrice exact = provider == null ? null : byKey.get(key(provider, instanceType, region));
        if (exact != null && exact.gpuCount() > 0 && exact.gpuName() != null) return Optional.of(gpuOf(exact));
        return gpusByType.getOrDefault(instanceType, List.of()).stream()
                .filter(p -> provider == null || Providers.same(provider, p.provider()))
                .findFirst().map(PriceCatalog::gpuOf);
    }

    /** Whether the catalog has this instance type in any region. */
    public boolean hasType(String instanceType) {
        return types.contains(instanceType);
    }

    private static Gpu gpuOf(InstancePrice p) {
        return new Gpu(gpuModel(p.gpuName()), p.gpuName(), p.gpuCount());
    }

    /** "NVIDIA H100 80GB", "nvidia-h100-80gb", "h100-80gb-mega" and "H100" are all the chip "h100". */
    public static String gpuModel(String gpuName) {
        if (gpuName == null) return null;
        String g = gpuName.strip().toLowerCase(java.util.Locale.ROOT);
        for (String maker : new String[]{"nvidia", "amd", "intel", "habana"}) {
            if (g.startsWith(maker) && g.length() > maker.length() && (g.charAt(maker.length()) == ' ' || g.charAt(maker.length()) == '-' || g.charAt(maker.length()) == '_')) {
                g = g.substring(maker.length() + 1).strip();
            }
        }
        if (g.startsWith("tesla ") || g.startsWith("tesla-")) g = g.substring(6);
        int cut = g.length();
        for (char sep : new char[]{' ', '-', '_'}) {
            int i = g.indexOf(sep);
            if (i > 0) cut = Math.min(cut, i);
        }
        return g.substring(0, cut);
    }

    /** Entries whose GPU name contains {@code gpu} (case-insensitive; null = any), of a provider and region when given. */
    public List<InstancePrice> search(String gpu, String provider, String region, String instanceType) {
        return byKey.values().stream()
                .filter(p -> gpu == null || (p.gpuName() != null && p.gpuName().toLowerCase(java.util.Locale.ROOT).contains(gpu.toLowerCase(java.util.Locale.ROOT))))
                .filter(p -> provider == null || Providers.same(provider, p.provider()))
                .filter(p -> region == null || p.region().equalsIgnoreCase(region))
                .filter(p -> instanceType == null || p.instanceType().equalsIgnoreCase(instanceType))
                .sorted(java.util.Comparator.comparing(InstancePrice::provider).thenComparing(InstancePrice::onDemand))
                .toList();
    }

    /** Pricing model of a running instance. */
    public enum Pricing {
        ON_DEMAND, SPOT, RESERVED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** on_demand, on-demand, spot, reserved (any case). */
        public static Pricing parse(String s) {
            try {
                return valueOf(s.strip().replace('-', '_').toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pricing '" + s + "' is not one of on_demand, spot, reserved");
            }
        }
    }

    /**
     * Cost of instances × hours at the rate of the pricing model (reserved uses the 1-year commitment rate, spot the
     * spot rate), exact to the cent. Fails, naming what is missing, when the catalog has no such rate.
     */
    public dev.burnrate.ledger.Money cost(String provider, String instanceType, String region, int count, BigDecimal hours, Pricing pricing) {
        InstancePrice p = require(provider, instanceType, region);
        BigDecimal rate = switch (pricing) {
            case ON_DEMAND -> p.onDemand();
            case SPOT -> p.spot();
            case RESERVED -> p.commit1y();
        };
        if (rate == null) {
            throw new IllegalArgumentException("no " + pricing.name().toLowerCase(java.util.Locale.ROOT) + " price for " + provider + " "
                    + instanceType + " in " + region + " (source: " + p.source() + ")");
        }
        return new dev.burnrate.ledger.Money(rate.multiply(BigDecimal.valueOf(count)).multiply(hours).setScale(2, RoundingMode.HALF_EVEN), "USD");
    }

    /** Loads the catalog shipped in the jar (see pricing/NOTICE for sources and licences). */
    public static PriceCatalog bundled() {
        Map<String, InstancePrice> m = new LinkedHashMap<>();
        Map<String, BigDecimal> spotSavings = new HashMap<>();
        Map<String, SpotInterruption> bands = new HashMap<>();
        for (Map<String, String> r : csv("pricing/aws_spot_advisor_gpu_accel.csv")) {
            if (!r.get("os").equals("Linux")) continue;
            spotSavings.put(r.get("region") + "|" + r.get("instance_type"), new BigDecimal(r.get("savings_over_ondemand_pct")));
            bands.put(r.get("region") + "|" + r.get("instance_type"), new SpotInterruption(r.get("interruption_label"), Integer.parseInt(r.get("interruption_max_pct"))));
        }
        Map<String, String[]> gpus = new HashMap<>();
        for (Map<String, String> r : csv("pricing/aws_gpu_accel_instances_us-east-1.csv")) {
            gpus.put(r.get("instance_type"), new String[]{r.get("gpu_name"), r.get("gpu_count")});
        }
        for (Map<String, String> r : csv("pricing/aws_ondemand_prices_us-east-1_all.csv")) {
            String type = r.get("instance_type");
            String region = r.get("region");
            BigDecimal od = new BigDecimal(r.get("ondemand_usd_per_hour"));
            BigDecimal saving = spotSavings.get(region + "|" + type);
            BigDecimal spot = saving == null ? null
                    : od.multiply(BigDecimal.valueOf(100).subtract(saving)).divide(BigDecimal.valueOf(100), 6, RoundingMode.HALF_EVEN);
            String[] g = gpus.get(type);
            int count = g == null || g[1].isEmpty() ? 0 : Integer.parseInt(g[1]);
            m.put(key("AWS", type, region), new InstancePrice("AWS", type, region, g == null || g[0].isEmpty() ? null : g[0], count,
                    od, spot, null, null, AWS_SOURCE + (spot == null ? "" : "; spot = on-demand × (1 − Spot Advisor saving)"), AWS_DATE));
        }
        for (Map<String, String> r : csv("pricing/gcp_gpu_instances_pricing.csv")) {
            if (!"True".equals(r.get("machine_type_listed_in_region"))) continue;
            BigDecimal od = new BigDecimal(r.get("hour")).setScale(6, RoundingMode.HALF_EVEN);
            BigDecimal spot = r.get("hour_spot").isEmpty() ? null : new BigDecimal(r.get("hour_spot")).setScale(6, RoundingMode.HALF_EVEN);
            BigDecimal c1y = r.get("month_1y").isEmpty() ? null : new BigDecimal(r.get("month_1y")).divide(HOURS_PER_MONTH, 6, RoundingMode.HALF_EVEN);
            BigDecimal c3y = r.get("month_3y").isEmpty() ? null : new BigDecimal(r.get("month_3y")).divide(HOURS_PER_MONTH, 6, RoundingMode.HALF_EVEN);
            int count = (int) Double.parseDouble(r.get("gpu_count"));
            m.put(key("Google Cloud", r.get("instance_type"), r.get("region")), new InstancePrice("Google Cloud", r.get("instance_type"),
                    r.get("region"), r.get("gpu_type"), count, od, spot, c1y, c3y, GCP_SOURCE, GCP_DATE));
        }
        return new PriceCatalog(m, bands);
    }

    private static List<Map<String, String>> csv(String resource) {
        try (InputStream in = PriceCatalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("bundled price file missing: " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] header = r.readLine().split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] v = line.split(",", -1);
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.length; i++) row.put(header[i], i < v.length ? v[i] : "");
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

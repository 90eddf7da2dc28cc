package dev.burnrate.demo;

import dev.burnrate.ledger.FocusColumn;
import dev.burnrate.ledger.FocusVersion;
import dev.burnrate.pricing.InstancePrice;
import dev.burnrate.pricing.PriceCatalog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a realistic FOCUS export of an AI company: teams and models training on real GPU instance types at
 * catalog prices (on-demand, spot, savings-plan covered), inference endpoints, general compute, storage, data
 * transfer, a managed model API, savings-plan fees, credits and tax, with some tags missing. Deterministic for a seed.
 */
public final class FocusGenerator {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
    private static final BigDecimal SAVINGS_PLAN_RATE = new BigDecimal("0.72");
    private static final BigDecimal CONTRACT_DISCOUNT = new BigDecimal("0.95");
    private static final int SCALE = 10;

    /** A workload: who runs what, on which instances. */
    record Workload(String team, String project, String model, String feature, String kind, String provider,
                            String account, String region, String[] instanceTypes, int weight) {
    }

    private static final List<Workload> WORKLOADS = List.of(
            new Workload("fraud", "fraud-platform", "fraud-detector", "payments-risk", "training", "AWS", "ml-training", "us-east-1",
                    new String[]{"p4d.24xlarge", "g5.12xlarge"}, 12),
            new Workload("fraud", "fraud-platform", "fraud-detector", "payments-risk", "inference", "AWS", "ml-inference", "us-east-1",
                    new String[]{"g5.xlarge", "g6.xlarge"}, 10),
            new Workload("search", "search-ranking", "ranker-v2", "search", "training", "AWS", "ml-training", "us-east-1",
                    new String[]{"p5.48xlarge", "p4d.24xlarge"}, 10),
            new Workload("search", "search-ranking", "ranker-v2", "search", "inference", "AWS", "ml-inference", "us-east-1",
                    new String[]{"g6.xlarge", "inf2.xlarge"}, 9),
            new Workload("recsys", "recommendations", "two-tower-recsys", "home-feed", "training", "Google Cloud", "gcp-ml", "us-central1",
                    new String[]{"a2-highgpu-8g", "a2-highgpu-1g"}, 9),
            new Workload("recsys", "recommendations", "two-tower-recsys", "home-feed", "inference", "Google Cloud", "gcp-ml", "us-central1",
                    new String[]{"g2-standard-8"}, 7),
            new Workload("llm-platform", "assistant", "assistant-llm", "support-chat", "training", "Google Cloud", "gcp-ml", "us-central1",
                    new String[]{"a3-highgpu-8g"}, 8),
            new Workload("llm-platform", "assistant", "assistant-llm", "support-chat", "inference", "AWS", "ml-inference", "us-east-1",
                    new String[]{"g5.12xlarge", "g6.12xlarge"}, 8),
            new Workload("vision", "quality-inspection", "defect-vision", "factory-qa", "training", "AWS", "ml-training", "us-east-1",
                    new String[]{"g5.12xlarge", "g6.12xlarge"}, 5),
            new Workload("data-platform", "feature-store", null, null, "compute", "AWS", "data-platform", "us-east-1",
                    new String[]{"m5.2xlarge", "c5.4xlarge", "r5.2xlarge"}, 10),
            new Workload("platform", "shared-gpu-pool", null, null, "gpu-pool", "AWS", "shared-gpu-pool", "us-east-1",
                    new String[]{"g5.12xlarge", "p4d.24xlarge"}, 6));

    private static final String[] CUSTOMERS = {"acme-bank", "globex", "initech", "umbrella", "hooli"};
    private static final String[] ENVIRONMENTS = {"prod", "prod", "prod", "staging", "dev"};

    private final PriceCatalog catalog;
    private Companions companions;

    public FocusGenerator(PriceCatalog catalog) {
        this.catalog = catalog;
    }

    /** Also collect the workloads behind the bill (jobs, endpoints) to write consistent telemetry afterwards. */
    public FocusGenerator withCompanions(Companions c) {
        this.companions = c;
        return this;
    }

    private static String pricingLabel(String[] v) {
        String pc = v[FocusColumn.PricingCategory.ordinal()];
        return "Dynamic".equals(pc) ? "spot" : "Committed".equals(pc) ? "reserved" : "on_demand";
    }

    /** {@code incidents}: add a runaway retrain 5 days before the end and an untagged GPU cluster for the last 10 days. */
    public record Options(long rows, long seed, FocusVersion version, LocalDate start, int days, boolean incidents) {
        public Options(long rows, long seed, FocusVersion version, LocalDate start, int days) {
            this(rows, seed, version, start, days, false);
        }

        public Options {
            if (rows < 1) throw new IllegalArgumentException("--rows must be at least 1, was " + rows);
            if (days < 1) throw new IllegalArgumentException("days must be at least 1, was " + days);
        }
    }

    /** Writes the file (gzip when the name ends in .gz); returns the rows written. */
    public long write(Path out, Options o) {
        try {
            if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
            OutputStream os = Files.newOutputStream(out);
            if (out.getFileName().toString().endsWith(".gz")) os = new GZIPOutputStream(os, 1 << 16);
            try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 20)) {
                return write(w, o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    long write(Writer w, Options o) throws IOException {
        List<FocusColumn> cols = new ArrayList<>();
        for (FocusColumn c : FocusColumn.values()) if (c.since().compareTo(o.version()) <= 0) cols.add(c);
        StringBuilder sb = new StringBuilder(512);
        for (int i = 0; i < cols.size(); i++) sb.append(i == 0 ? "" : ",").append(cols.get(i).name());
        sb.append(",x_JobId\n");
        w.write(sb.toString());
        SplittableRandom rnd = new SplittableRandom(o.seed());
        int totalWeight = WORKLOADS.stream().mapToInt(Workload::weight).sum();
        String[] v = new String[FocusColumn.values().length];
        for (long n = 0; n < o.rows(); n++) {
            java.util.Arrays.fill(v, null);
            String jobId = null;
            LocalDateTime hour = drawHour(rnd, o);
            int special = rnd.nextInt(1000);
            if (special < 4) {
                fee(v, rnd, hour);
            } else if (special < 6) {
                credit(v, rnd, hour);
            } else if (special < 9) {
                tax(v, rnd, hour);
            } else {
                Workload wl = pick(rnd, totalWeight);
                int kind = rnd.nextInt(100);
                if (kind < 70) jobId = instanceHour(v, rnd, wl, hour);
                else if (kind < 82) storage(v, rnd, wl, hour);
                else if (kind < 92) transfer(v, rnd, wl, hour);
                else managedAi(v, rnd, wl, hour);
                tags(v, rnd, wl);
            }
            common(v, hour, o.version());
            sb.setLength(0);
            for (int i = 0; i < cols.size(); i++) {
                if (i > 0) sb.append(',');
                csv(sb, v[cols.get(i).ordinal()]);
            }
            sb.append(',');
            csv(sb, jobId);
            sb.append('\n');
            w.write(sb.toString());
        }
        return o.rows() + (o.incidents() ? incidents(w, cols, rnd, o) : 0);
    }

    /** Rows of two incidents a FinOps team must hear about: a retrain loop gone wild and a GPU cluster nobody tagged. */
    private long incidents(Writer w, List<FocusColumn> cols, SplittableRandom rnd, Options o) throws IOException {
        long n = 0;
        String[] v = new String[FocusColumn.values().length];
        Workload fraudTraining = WORKLOADS.get(0);
        Workload untagged = new Workload("platform", "shared-gpu-pool", null, null, "gpu-pool", "AWS", "shared-gpu-pool", "us-east-1",
                new String[]{"p5.48xlarge"}, 1);
        LocalDate end = o.start().plusDays(o.days());
        for (int i = 0; i < 300; i++) {
            java.util.Arrays.fill(v, null);
            LocalDateTime hour = end.minusDays(5).atStartOfDay().plusHours(rnd.nextInt(24));
            String job = instanceHour(v, rnd, new Workload(fraudTraining.team(), fraudTraining.project(), fraudTraining.model(),
                    fraudTraining.feature(), "training", "AWS", "ml-training", "us-east-1", new String[]{"p4d.24xlarge"}, 1), hour);
            tags(v, new SplittableRandom(1), fraudTraining);
            common(v, hour, o.version());
            n += row(w, cols, v, "fraud-detector-retrain-loop-" + (job == null ? "x" : "1"));
        }
        for (int d = 10; d >= 1; d--) {
            for (int i = 0; i < 40; i++) {
                java.util.Arrays.fill(v, null);
                LocalDateTime hour = end.minusDays(d).atStartOfDay().plusHours(rnd.nextInt(24));
                instanceHour(v, rnd, untagged, hour);
                v[FocusColumn.ResourceId.ordinal()] = "i-0untagged" + (i % 8) + "-gpu-cluster";
                common(v, hour, o.version());
                n += row(w, cols, v, null);
            }
        }
        return n;
    }

    private static int row(Writer w, List<FocusColumn> cols, String[] v, String jobId) throws IOException {
        StringBuilder sb = new StringBuilder(512);
        for (int i = 0; i < cols.size(); i++) {
            if (i > 0) sb.append(',');
            csv(sb, v[cols.get(i).ordinal()]);
        }
        sb.append(',');
        csv(sb, jobId);
        sb.append('\n');
        w.write(sb.toString());
        return 1;
    }

    /**
     * A charge hour: weekdays carry more work than weekends (training is scheduled by people) and spend
     * grows about 30% over the covered days, as an AI company's bill does.
     */
    private static LocalDateTime drawHour(SplittableRandom rnd, Options o) {
        while (true) {
            long h = rnd.nextLong((long) o.days() * 24);
            LocalDateTime t = o.start().atStartOfDay().plusHours(h);
            double weight = (t.getDayOfWeek().getValue() >= 6 ? 0.6 : 1.0) * (1.0 + 0.3 * h / (o.days() * 24.0)) / 1.3;
            if (rnd.nextDouble() < weight) return t;
        }
    }

    private static Workload pick(SplittableRandom rnd, int total) {
        int x = rnd.nextInt(total);
        for (Workload w : WORKLOADS) {
            x -= w.weight();
            if (x < 0) return w;
        }
        return WORKLOADS.get(0);
    }

    private String instanceHour(String[] v, SplittableRandom rnd, Workload wl, LocalDateTime hour) {
        String type = wl.instanceTypes()[rnd.nextInt(wl.instanceTypes().length)];
        InstancePrice p = catalog.find(wl.provider(), type, wl.region())
                .orElseGet(() -> catalog.require(wl.provider(), wl.instanceTypes()[0], wl.region()));
        account(v, wl.provider(), wl.account());
        v[FocusColumn.ServiceName.ordinal()] = wl.provider().equals("AWS") ? "Amazon Elastic Compute Cloud" : "Compute Engine";
        v[FocusColumn.ServiceCategory.ordinal()] = "Compute";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Virtual Machines";
        v[FocusColumn.ResourceType.ordinal()] = "Virtual Machine";
        v[FocusColumn.RegionId.ordinal()] = wl.region();
        v[FocusColumn.RegionName.ordinal()] = wl.region().equals("us-east-1") ? "US East (N. Virginia)" : "Iowa";
        v[FocusColumn.AvailabilityZone.ordinal()] = wl.region() + (wl.region().equals("us-east-1") ? "a" : "-a");
        String resource = wl.kind().equals("inference") ? "ep-" + wl.model() + "-" + rnd.nextInt(3)
                : (wl.provider().equals("AWS") ? "i-" : "gce-") + hex(rnd, 12) + "-" + wl.kind();
        v[FocusColumn.ResourceId.ordinal()] = resource;
        v[FocusColumn.ResourceName.ordinal()] = wl.team() + "-" + wl.kind() + "-" + (rnd.nextInt(8) + 1);
        v[FocusColumn.SkuId.ordinal()] = "SKU-" + type.toUpperCase().replace('.', '-');
        v[FocusColumn.SkuPriceId.ordinal()] = v[FocusColumn.SkuId.ordinal()] + "-OD";
        v[FocusColumn.SkuMeter.ordinal()] = "Compute Usage";
        v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
        BigDecimal qty = BigDecimal.ONE;
        int pricing = rnd.nextInt(100);
        BigDecimal list = p.onDemand().multiply(qty);
        BigDecimal contracted = p.onDemand().multiply(CONTRACT_DISCOUNT).setScale(SCALE, RoundingMode.HALF_EVEN);
        BigDecimal billed;
        BigDecimal effective;
        String desc = "$" + p.onDemand().toPlainString() + " per On Demand Linux " + type + " Instance Hour";
        if (pricing < 20 && p.spot() != null && !wl.kind().equals("inference")) {
            billed = p.spot().multiply(qty);
            effective = billed;
            v[FocusColumn.PricingCategory.ordinal()] = "Dynamic";
            v[FocusColumn.SkuPriceId.ordinal()] = v[FocusColumn.SkuId.ordinal()] + "-SPOT";
            desc = "$" + p.spot().toPlainString() + " per Spot Linux " + type + " Instance Hour";
        } else if (pricing < 45 && wl.provider().equals("AWS")) {
            billed = BigDecimal.ZERO;
            effective = p.onDemand().multiply(SAVINGS_PLAN_RATE).multiply(qty).setScale(SCALE, RoundingMode.HALF_EVEN);
            v[FocusColumn.PricingCategory.ordinal()] = "Committed";
            v[FocusColumn.CommitmentDiscountId.ordinal()] = "arn:aws:savingsplans::100000000001:savingsplan/sp-compute-2026";
            v[FocusColumn.CommitmentDiscountName.ordinal()] = "compute-savings-plan-2026";
            v[FocusColumn.CommitmentDiscountCategory.ordinal()] = "Spend";
            v[FocusColumn.CommitmentDiscountType.ordinal()] = "Compute Savings Plan";
            v[FocusColumn.CommitmentDiscountStatus.ordinal()] = "Used";
            v[FocusColumn.CommitmentDiscountQuantity.ordinal()] = effective.toPlainString();
            v[FocusColumn.CommitmentDiscountUnit.ordinal()] = "USD";
        } else {
            billed = contracted.multiply(qty);
            effective = billed;
            v[FocusColumn.PricingCategory.ordinal()] = "Standard";
        }
        v[FocusColumn.ChargeDescription.ordinal()] = desc;
        money(v, qty, "Hours", p.onDemand(), list, contracted, contracted.multiply(qty), billed, effective);
        v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
        v[FocusColumn.ConsumedUnit.ordinal()] = "Hours";
        if (wl.kind().equals("inference") && companions != null) companions.endpointHour(wl, resource, hour);
        if (p.isGpu() && (wl.kind().equals("training"))) {
            String job = wl.model() + "-" + (hour.getDayOfYear() / 2) + "-" + rnd.nextInt(3);
            if (companions != null) companions.jobHour(job, wl, type, pricingLabel(v), hour);
            return job;
        }
        return null;
    }

    private void storage(String[] v, SplittableRandom rnd, Workload wl, LocalDateTime hour) {
        boolean aws = wl.provider().equals("AWS");
        account(v, wl.provider(), wl.account());
        v[FocusColumn.ServiceName.ordinal()] = aws ? "Amazon Simple Storage Service" : "Cloud Storage";
        v[FocusColumn.ServiceCategory.ordinal()] = "Storage";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Object Storage";
        v[FocusColumn.ResourceType.ordinal()] = "Bucket";
        v[FocusColumn.RegionId.ordinal()] = wl.region();
        v[FocusColumn.ResourceId.ordinal()] = (aws ? "arn:aws:s3:::" : "gs://") + wl.project() + "-" + (rnd.nextBoolean() ? "datasets" : "checkpoints");
        v[FocusColumn.ResourceName.ordinal()] = wl.project() + "-data";
        v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
        v[FocusColumn.PricingCategory.ordinal()] = "Standard";
        v[FocusColumn.SkuId.ordinal()] = aws ? "SKU-S3-STANDARD" : "SKU-GCS-STANDARD";
        v[FocusColumn.SkuPriceId.ordinal()] = v[FocusColumn.SkuId.ordinal()] + "-TIER1";
        v[FocusColumn.SkuMeter.ordinal()] = "Storage";
        BigDecimal price = new BigDecimal(aws ? "0.000031507" : "0.000027397"); // per GB-hour (0.023 / 0.020 per GB-month)
        BigDecimal qty = BigDecimal.valueOf(500 + rnd.nextInt(200_000)).setScale(2, RoundingMode.HALF_EVEN);
        BigDecimal cost = price.multiply(qty).setScale(SCALE, RoundingMode.HALF_EVEN);
        v[FocusColumn.ChargeDescription.ordinal()] = "Standard storage, GB-hours";
        money(v, qty, "GB-Hours", price, cost, price, cost, cost, cost);
        v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
        v[FocusColumn.ConsumedUnit.ordinal()] = "GB-Hours";
    }

    private void transfer(String[] v, SplittableRandom rnd, Workload wl, LocalDateTime hour) {
        account(v, wl.provider(), wl.account());
        v[FocusColumn.ServiceName.ordinal()] = wl.provider().equals("AWS") ? "AWS Data Transfer" : "Cloud Networking";
        v[FocusColumn.ServiceCategory.ordinal()] = "Networking";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Network Infrastructure";
        v[FocusColumn.RegionId.ordinal()] = wl.region();
        v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
        v[FocusColumn.PricingCategory.ordinal()] = "Standard";
        v[FocusColumn.SkuId.ordinal()] = "SKU-DT-OUT";
        v[FocusColumn.SkuPriceId.ordinal()] = "SKU-DT-OUT-TIER1";
        v[FocusColumn.SkuMeter.ordinal()] = "Data Transfer Out";
        BigDecimal price = new BigDecimal("0.09");
        BigDecimal qty = BigDecimal.valueOf(rnd.nextInt(50_000)).movePointLeft(2);
        BigDecimal cost = price.multiply(qty);
        v[FocusColumn.ChargeDescription.ordinal()] = "$0.09 per GB data transfer out to the internet";
        money(v, qty, "GB", price, cost, price, cost, cost, cost);
        v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
        v[FocusColumn.ConsumedUnit.ordinal()] = "GB";
    }

    private void managedAi(String[] v, SplittableRandom rnd, Workload wl, LocalDateTime hour) {
        boolean aws = wl.provider().equals("AWS");
        account(v, wl.provider(), wl.account());
        v[FocusColumn.ServiceName.ordinal()] = aws ? "Amazon Bedrock" : "Vertex AI";
        v[FocusColumn.ServiceCategory.ordinal()] = "AI and Machine Learning";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Generative AI";
        v[FocusColumn.RegionId.ordinal()] = wl.region();
        v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
        v[FocusColumn.PricingCategory.ordinal()] = "Standard";
        v[FocusColumn.SkuId.ordinal()] = aws ? "SKU-BEDROCK-INPUT-TOKENS" : "SKU-VERTEX-INPUT-TOKENS";
        v[FocusColumn.SkuPriceId.ordinal()] = v[FocusColumn.SkuId.ordinal()] + "-STD";
        v[FocusColumn.SkuMeter.ordinal()] = "Input Tokens";
        BigDecimal price = new BigDecimal("0.003"); // per 1k input tokens
        BigDecimal qty = BigDecimal.valueOf(rnd.nextInt(40_000));
        BigDecimal cost = price.multiply(qty);
        v[FocusColumn.ChargeDescription.ordinal()] = "$0.003 per 1K input tokens";
        money(v, qty, "1K Tokens", price, cost, price, cost, cost, cost);
        v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
        v[FocusColumn.ConsumedUnit.ordinal()] = "1K Tokens";
    }

    /** Hourly savings-plan commitment fee: billed, amortised into the covered usage (effective 0 here). */
    private void fee(String[] v, SplittableRandom rnd, LocalDateTime hour) {
        account(v, "AWS", "shared-gpu-pool");
        v[FocusColumn.ServiceName.ordinal()] = "Savings Plans for AWS Compute usage";
        v[FocusColumn.ServiceCategory.ordinal()] = "Compute";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Other (Compute)";
        v[FocusColumn.ChargeCategory.ordinal()] = "Purchase";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Recurring";
        v[FocusColumn.PricingCategory.ordinal()] = "Committed";
        v[FocusColumn.CommitmentDiscountId.ordinal()] = "arn:aws:savingsplans::100000000001:savingsplan/sp-compute-2026";
        v[FocusColumn.CommitmentDiscountName.ordinal()] = "compute-savings-plan-2026";
        v[FocusColumn.CommitmentDiscountCategory.ordinal()] = "Spend";
        v[FocusColumn.CommitmentDiscountType.ordinal()] = "Compute Savings Plan";
        v[FocusColumn.SkuId.ordinal()] = "SKU-SP-COMPUTE";
        v[FocusColumn.SkuPriceId.ordinal()] = "SKU-SP-COMPUTE-1Y";
        BigDecimal fee = new BigDecimal("120.0000000000");
        v[FocusColumn.ChargeDescription.ordinal()] = "1 year No Upfront Compute Savings Plan, hourly commitment";
        money(v, BigDecimal.ONE, "Hours", fee, fee, fee, fee, fee, BigDecimal.ZERO);
    }

    private void credit(String[] v, SplittableRandom rnd, LocalDateTime hour) {
        account(v, "AWS", "ml-training");
        v[FocusColumn.ServiceName.ordinal()] = "Amazon Elastic Compute Cloud";
        v[FocusColumn.ServiceCategory.ordinal()] = "Compute";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Virtual Machines";
        v[FocusColumn.ChargeCategory.ordinal()] = "Credit";
        v[FocusColumn.ChargeFrequency.ordinal()] = "One-Time";
        BigDecimal amount = BigDecimal.valueOf(-(50 + rnd.nextInt(450)));
        v[FocusColumn.ChargeDescription.ordinal()] = "AWS Activate credits";
        money(v, null, null, null, amount, null, amount, amount, amount);
    }

    private void tax(String[] v, SplittableRandom rnd, LocalDateTime hour) {
        account(v, "AWS", "data-platform");
        v[FocusColumn.ServiceName.ordinal()] = "Tax";
        v[FocusColumn.ServiceCategory.ordinal()] = "Other";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Other (Other)";
        v[FocusColumn.ChargeCategory.ordinal()] = "Tax";
        v[FocusColumn.ChargeFrequency.ordinal()] = "One-Time";
        BigDecimal amount = BigDecimal.valueOf(5 + rnd.nextInt(95)).setScale(2, RoundingMode.HALF_EVEN);
        v[FocusColumn.ChargeDescription.ordinal()] = "Sales tax";
        money(v, null, null, null, amount, null, amount, amount, amount);
    }

    private static void money(String[] v, BigDecimal qty, String unit, BigDecimal listPrice, BigDecimal list,
                              BigDecimal contractedPrice, BigDecimal contracted, BigDecimal billed, BigDecimal effective) {
        v[FocusColumn.PricingQuantity.ordinal()] = qty == null ? null : qty.toPlainString();
        v[FocusColumn.PricingUnit.ordinal()] = unit;
        v[FocusColumn.ListUnitPrice.ordinal()] = listPrice == null ? null : listPrice.toPlainString();
        v[FocusColumn.ContractedUnitPrice.ordinal()] = contractedPrice == null ? null : contractedPrice.toPlainString();
        v[FocusColumn.ListCost.ordinal()] = list.setScale(SCALE, RoundingMode.HALF_EVEN).toPlainString();
        v[FocusColumn.ContractedCost.ordinal()] = contracted.setScale(SCALE, RoundingMode.HALF_EVEN).toPlainString();
        v[FocusColumn.BilledCost.ordinal()] = billed.setScale(SCALE, RoundingMode.HALF_EVEN).toPlainString();
        v[FocusColumn.EffectiveCost.ordinal()] = effective.setScale(SCALE, RoundingMode.HALF_EVEN).toPlainString();
        if (listPrice != null) {
            v[FocusColumn.PricingCurrencyListUnitPrice.ordinal()] = v[FocusColumn.ListUnitPrice.ordinal()];
            v[FocusColumn.PricingCurrencyContractedUnitPrice.ordinal()] = v[FocusColumn.ContractedUnitPrice.ordinal()];
        }
        v[FocusColumn.PricingCurrencyEffectiveCost.ordinal()] = v[FocusColumn.EffectiveCost.ordinal()];
    }

    private static void account(String[] v, String provider, String subAccount) {
        boolean aws = provider.equals("AWS");
        v[FocusColumn.ProviderName.ordinal()] = provider;
        v[FocusColumn.PublisherName.ordinal()] = aws ? "Amazon Web Services, Inc." : "Google";
        v[FocusColumn.InvoiceIssuerName.ordinal()] = aws ? "Amazon Web Services, Inc." : "Google";
        v[FocusColumn.ServiceProviderName.ordinal()] = provider;
        v[FocusColumn.HostProviderName.ordinal()] = provider;
        v[FocusColumn.BillingAccountId.ordinal()] = aws ? "100000000001" : "01ABCD-23EF45-6789AB";
        v[FocusColumn.BillingAccountName.ordinal()] = "burnrate-demo";
        v[FocusColumn.BillingAccountType.ordinal()] = aws ? "Management Account" : "Billing Account";
        v[FocusColumn.SubAccountId.ordinal()] = aws ? "2000000" + Math.abs(subAccount.hashCode() % 100000) : "proj-" + subAccount;
        v[FocusColumn.SubAccountName.ordinal()] = subAccount;
        v[FocusColumn.SubAccountType.ordinal()] = aws ? "Member Account" : "Project";
    }

    private static void tags(String[] v, SplittableRandom rnd, Workload wl) {
        int missing = rnd.nextInt(100);
        if (missing < 8) return; // no tags at all
        StringBuilder t = new StringBuilder("{");
        if (missing >= 15) kv(t, rnd.nextInt(10) == 0 ? "Team" : "team", wl.team());
        kv(t, "project", wl.project());
        if (wl.model() != null) {
            kv(t, "model", wl.model());
            kv(t, "model_version", "v" + (1 + rnd.nextInt(4)));
        }
        kv(t, "environment", ENVIRONMENTS[rnd.nextInt(ENVIRONMENTS.length)]);
        if (wl.feature() != null) kv(t, "feature", wl.feature());
        if (wl.kind().equals("inference") && rnd.nextInt(3) > 0) kv(t, "customer", CUSTOMERS[rnd.nextInt(CUSTOMERS.length)]);
        kv(t, "cost_center", "cc-" + Math.abs(wl.team().hashCode() % 900 + 100));
        t.setCharAt(t.length() - 1, '}');
        v[FocusColumn.Tags.ordinal()] = t.toString();
    }

    private static void kv(StringBuilder t, String k, String val) {
        t.append('"').append(k).append("\":\"").append(val).append("\",");
    }

    private static void common(String[] v, LocalDateTime hour, FocusVersion version) {
        LocalDate day = hour.toLocalDate();
        LocalDate ps = day.withDayOfMonth(1);
        v[FocusColumn.BillingPeriodStart.ordinal()] = TS.format(ps.atStartOfDay());
        v[FocusColumn.BillingPeriodEnd.ordinal()] = TS.format(ps.plusMonths(1).atStartOfDay());
        v[FocusColumn.ChargePeriodStart.ordinal()] = TS.format(hour);
        v[FocusColumn.ChargePeriodEnd.ordinal()] = TS.format(hour.plusHours(1));
        v[FocusColumn.BillingCurrency.ordinal()] = "USD";
        v[FocusColumn.PricingCurrency.ordinal()] = "USD";
        v[FocusColumn.InvoiceId.ordinal()] = "INV-" + ps.getYear() + "-" + ps.getMonthValue() + "-" + v[FocusColumn.BillingAccountId.ordinal()];
        if (v[FocusColumn.ChargeDescription.ordinal()] == null) v[FocusColumn.ChargeDescription.ordinal()] = "Charge";
    }

    private static String hex(SplittableRandom rnd, int n) {
        String h = Long.toHexString(rnd.nextLong() | Long.MIN_VALUE);
        return h.substring(0, Math.min(n, h.length()));
    }

    private static void csv(StringBuilder sb, String value) {
        if (value == null) return;
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0;
        if (!quote) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') sb.append('"');
            sb.append(ch);
        }
        sb.append('"');
    }
}

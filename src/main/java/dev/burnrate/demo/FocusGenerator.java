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

    private static final List<Workload> NON_TRAINING = WORKLOADS.stream().filter(w -> !w.kind().equals("training")).toList();

    /** Share of the rows that are instance-hours of training runs. */
    private static final double TRAINING_SHARE = 0.20;
    private static final String SAVINGS_PLAN_ID = "arn:aws:savingsplans::100000000001:savingsplan/sp-compute-2026";
    private static final String RUNAWAY = "fraud-detector-retrain-loop-";
    /** The job id of the incident "a GPU notebook someone forgot": see {@link #forgottenNotebook}. */
    public static final String FORGOTTEN = "defect-vision-notebook-";
    /** The job id of the savings story "a dev notebook left on through nights and weekends": see {@link #devNotebook}. */
    public static final String DEV_NOTEBOOK = "ranker-dev-notebook-";
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HH");

    /**
     * How a model is trained: a run about every {@code cadenceHours}, lasting {@code minHours}..{@code maxHours} on up
     * to {@code maxInstances} instances, its pricing mix, how often it is a retraining and an incremental one, how busy
     * its GPUs are (mean %), and how often its collector samples them.
     */
    record Profile(double cadenceHours, int minHours, int maxHours, int maxInstances, int spotPercent, int reservedPercent,
                   int retrainPercent, int incrementalPercent, double utilization, int sampleMinutes) {
    }

    private static final java.util.Map<String, Profile> PROFILES = java.util.Map.of(
            "fraud-detector", new Profile(12, 2, 6, 16, 40, 30, 90, 70, 72, 15),
            "ranker-v2", new Profile(24, 6, 12, 8, 0, 50, 70, 30, 58, 30),
            "two-tower-recsys", new Profile(36, 3, 8, 8, 30, 0, 80, 50, 81, 20),
            "assistant-llm", new Profile(240, 24, 72, 8, 0, 0, 30, 0, 90, 30),
            "defect-vision", new Profile(72, 4, 10, 4, 60, 0, 60, 20, 44, 30));

    /**
     * A training run as billed: {@code instances} × the hours [startHour, endHour) from the start of the bill, at one
     * pricing. A run whose end is past the bill's last hour is still running.
     */
    record Run(String id, Workload workload, Profile profile, String instanceType, InstancePrice price, int gpusPerInstance, int instances,
               String pricing, int startHour, int endHour, String kind, String tier, String status, int checkpoints, int evictions,
               double utilization) {
    }

    /** The savings plan's hourly commitment and how much of each hour's is taken (amortised usage, exact). */
    private static final class Commitment {
        private final BigDecimal hourly;
        private final BigDecimal[] used;

        Commitment(BigDecimal hourly, int hours) {
            this.hourly = hourly;
            this.used = new BigDecimal[hours];
            java.util.Arrays.fill(used, BigDecimal.ZERO);
        }

        BigDecimal hourly() {
            return hourly;
        }

        /** Takes {@code perHour} of every hour in [from, to) when each has room for it; otherwise takes nothing. */
        boolean reserve(int from, int to, BigDecimal perHour) {
            for (int h = from; h < to; h++) if (used[h].add(perHour).compareTo(hourly) > 0) return false;
            for (int h = from; h < to; h++) used[h] = used[h].add(perHour);
            return true;
        }

        BigDecimal used(int from, int to) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int h = from; h < to; h++) sum = sum.add(used[h]);
            return sum;
        }
    }

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

    /**
     * {@code incidents}: the demo's stories: a runaway retrain 5 days before the end, an untagged GPU cluster for the last
     * 10 days, a forgotten GPU notebook, and two savings stories beside them: buckets whose size has not changed since
     * the bill began, and a dataset bucket replicated to another region every day.
     * {@code now}: when the bill is read (null: the end of the last day); no charge ends after it, and a training run
     * still going at that time is {@code running}, with no end.
     */
    public record Options(long rows, long seed, FocusVersion version, LocalDate start, int days, boolean incidents, LocalDateTime now) {
        public Options(long rows, long seed, FocusVersion version, LocalDate start, int days) {
            this(rows, seed, version, start, days, false, null);
        }

        public Options(long rows, long seed, FocusVersion version, LocalDate start, int days, boolean incidents) {
            this(rows, seed, version, start, days, incidents, null);
        }

        public Options {
            if (rows < 1) throw new IllegalArgumentException("--rows must be at least 1, was " + rows);
            if (days < 1) throw new IllegalArgumentException("days must be at least 1, was " + days);
            if (now != null && now.isBefore(start.atStartOfDay().plusHours(1))) {
                throw new IllegalArgumentException("now (" + now + ") must be at least an hour after the start (" + start + ")");
            }
        }

        /** Whole charge hours from the start: the days, cut at the last full hour before {@code now}. */
        int hours() {
            long h = (long) days * 24;
            if (now != null) h = Math.min(h, java.time.Duration.between(start.atStartOfDay(), now).toHours());
            return (int) h;
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
        int hours = o.hours();
        List<Run> runs = planRuns(rnd, o, hours);
        // the savings plan is sized to most of the usage it is meant to cover, and to at least the smallest reserved run;
        // a reserved run it has no room for in some hour runs on demand
        BigDecimal smallestRun = runs.stream().filter(r -> r.pricing().equals("reserved"))
                .map(r -> committedRate(r.price()).multiply(BigDecimal.valueOf(r.instances()))).min(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
        Commitment sp = new Commitment(hourlyCommitment(o, hours).max(smallestRun).setScale(2, RoundingMode.CEILING), hours);
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            if (r.pricing().equals("reserved") && !sp.reserve(r.startHour(), Math.min(r.endHour(), hours),
                    committedRate(r.price()).multiply(BigDecimal.valueOf(r.instances())))) {
                runs.set(i, new Run(r.id(), r.workload(), r.profile(), r.instanceType(), r.price(), r.gpusPerInstance(), r.instances(), "on_demand",
                        r.startHour(), r.endHour(), r.kind(), r.tier(), r.status(), r.checkpoints(), r.evictions(), r.utilization()));
            }
        }
        String[] v = new String[FocusColumn.values().length];
        long n = 0;
        for (Run r : runs) {
            if (companions != null) companions.run(r, o.start().atStartOfDay(), hours);
            for (int i = 0; i < r.instances(); i++) {
                String resource = (r.workload().provider().equals("AWS") ? "i-" : "gce-") + hex(rnd, 12) + "-training";
                for (int h = r.startHour(); h < Math.min(r.endHour(), hours); h++) {
                    java.util.Arrays.fill(v, null);
                    LocalDateTime hour = o.start().atStartOfDay().plusHours(h);
                    priceHour(v, r.workload(), r.instanceType(), r.price(), r.pricing(), resource, i + 1);
                    if (r.id().startsWith(RUNAWAY)) tags(v, new SplittableRandom(1), r.workload());
                    else tags(v, rnd, r.workload());
                    common(v, hour, hour.plusHours(1), o.version());
                    n += row(w, cols, v, r.id());
                }
            }
        }
        int nonTrainingWeight = NON_TRAINING.stream().mapToInt(Workload::weight).sum();
        long random = Math.max(0, o.rows() - n - 2L * ((hours + 23) / 24));
        for (long k = 0; k < random; k++) {
            java.util.Arrays.fill(v, null);
            int h = drawHour(rnd, o, hours);
            LocalDateTime hour = o.start().atStartOfDay().plusHours(h);
            int special = rnd.nextInt(1000);
            if (special < 2) {
                credit(v, rnd, hour);
            } else if (special < 5) {
                tax(v, rnd, hour);
            } else {
                Workload wl = pick(rnd, nonTrainingWeight);
                int kind = rnd.nextInt(100);
                if (kind < 70) instanceHour(v, rnd, wl, h, hour, sp);
                else if (kind < 82) storage(v, rnd, wl, hour);
                else if (kind < 92) transfer(v, rnd, wl, hour);
                else managedAi(v, rnd, wl, hour);
                tags(v, rnd, wl);
            }
            common(v, hour, hour.plusHours(1), o.version());
            n += row(w, cols, v, null);
        }
        if (o.incidents()) n += untaggedCluster(w, cols, rnd, o, hours, sp);
        if (o.incidents()) n += forgottenNotebook(w, cols, o, hours);
        if (o.incidents()) n += devNotebook(w, cols, o, hours);
        if (o.incidents()) n += unchangedBuckets(w, cols, o, hours);
        if (o.incidents()) n += replication(w, cols, o, hours);
        if (o.incidents()) n += cpuMachines(w, cols, o, hours);
        return n + commitmentRows(w, cols, o, hours, sp);
    }

    /**
     * The training runs behind the bill, model by model as its {@link Profile} says: about {@link #TRAINING_SHARE} of
     * the rows, one row per instance-hour; a run still going at {@code now} is running. With incidents, the runaway
     * retrain. A reserved run is covered by the savings plan only where it has room for every hour (see write).
     */
    private List<Run> planRuns(SplittableRandom rnd, Options o, int hours) {
        List<Run> runs = new ArrayList<>();
        int trainingWeight = WORKLOADS.stream().filter(x -> x.kind().equals("training")).mapToInt(Workload::weight).sum();
        double budgetAll = o.rows() * TRAINING_SHARE;
        java.util.Map<String, Integer> usualInstances = new java.util.HashMap<>();
        for (Workload wl : WORKLOADS) {
            if (!wl.kind().equals("training")) continue;
            Profile pf = PROFILES.get(wl.model());
            double budget = budgetAll * wl.weight() / trainingWeight;
            double meanHours = (pf.minHours() + pf.maxHours()) / 2.0;
            double byCadence = Math.max(1, hours / pf.cadenceHours());
            int instances = (int) Math.max(1, Math.min(pf.maxInstances(), Math.round(budget / byCadence / meanHours)));
            int count = (int) Math.max(1, Math.min(byCadence, Math.round(budget / (instances * meanHours))));
            usualInstances.put(wl.model(), instances);
            double slot = (double) hours / count;
            for (int k = 0; k < count; k++) {
                int start = (int) (k * slot + rnd.nextDouble() * slot * 0.5);
                int length = pf.minHours() + rnd.nextInt(pf.maxHours() - pf.minHours() + 1);
                String type = wl.instanceTypes()[rnd.nextInt(4) == 0 ? wl.instanceTypes().length - 1 : 0];
                int n = Math.max(1, Math.min(pf.maxInstances(), instances + rnd.nextInt(3) - 1));
                if (start >= hours) continue;
                runs.add(run(rnd, wl, pf, wl.model() + "-" + RUN_ID.format(o.start().atStartOfDay().plusHours(start)), type, n, start,
                        start + length, hours, false, pf.utilization() + 6 * rnd.nextGaussian()));
            }
        }
        if (o.incidents()) {
            int start = (int) java.time.Duration.between(o.start().atStartOfDay(), o.start().plusDays(o.days() - 5L).atStartOfDay()).toHours();
            if (start >= 0 && start < hours) {
                Workload fraud = WORKLOADS.get(0);
                // a loop gone wild: four times the model's usual instances, a whole day (so it stands out at any demo size)
                int instances = 4 * usualInstances.getOrDefault(fraud.model(), 1);
                runs.add(run(rnd, fraud, PROFILES.get(fraud.model()), RUNAWAY + "1", "p4d.24xlarge", instances, start, start + 24, hours, true, 91));
            }
        }
        return runs;
    }

    private Run run(SplittableRandom rnd, Workload wl, Profile pf, String id, String type, int instances, int start, int end, int hours,
                    boolean runaway, double utilization) {
        InstancePrice p = catalog.find(wl.provider(), type, wl.region()).orElseGet(() -> catalog.require(wl.provider(), wl.instanceTypes()[0], wl.region()));
        int draw = rnd.nextInt(100);
        String pricing;
        if (runaway) pricing = "on_demand";
        else if (draw < pf.spotPercent() && p.spot() != null) pricing = "spot";
        else if (draw < pf.spotPercent() + pf.reservedPercent() && wl.provider().equals("AWS")) pricing = "reserved";
        else pricing = "on_demand";
        boolean retraining = rnd.nextInt(100) < pf.retrainPercent();
        String tier = retraining && rnd.nextInt(100) < pf.incrementalPercent() ? "incremental" : "full";
        int fate = rnd.nextInt(100);
        String status = end > hours ? "running" : runaway ? "stopped" : fate < 4 ? "failed" : "spot".equals(pricing) && fate < 10 ? "preempted" : "succeeded";
        int evictions = "spot".equals(pricing) ? (fate < 30 ? 1 + rnd.nextInt(2) : 0) : 0;
        return new Run(id, wl, pf, type, p, Math.max(0, p.gpuCount()), instances, pricing, start, end, retraining ? "retraining" : "training", tier,
                status, 1 + rnd.nextInt(6), evictions, Math.max(5, Math.min(99, utilization)));
    }

    /** Rows of the untagged GPU cluster incident: eight instances nobody tagged, for the last ten days. */
    private long untaggedCluster(Writer w, List<FocusColumn> cols, SplittableRandom rnd, Options o, int hours, Commitment sp) throws IOException {
        long n = 0;
        String[] v = new String[FocusColumn.values().length];
        Workload untagged = new Workload("platform", "shared-gpu-pool", null, null, "gpu-pool", "AWS", "shared-gpu-pool", "us-east-1",
                new String[]{"p5.48xlarge"}, 1);
        LocalDate end = o.start().plusDays(o.days());
        for (int d = 10; d >= 1; d--) {
            for (int i = 0; i < 8 * 24; i++) { // eight instances around the clock: a cluster someone forgot, not a blip
                java.util.Arrays.fill(v, null);
                int h = (int) java.time.Duration.between(o.start().atStartOfDay(), end.minusDays(d).atStartOfDay()).toHours() + i / 8;
                if (h < 0 || h >= hours) continue;
                LocalDateTime hour = o.start().atStartOfDay().plusHours(h);
                instanceHour(v, rnd, untagged, h, hour, sp);
                v[FocusColumn.ResourceId.ordinal()] = "i-0untagged" + (i % 8) + "-gpu-cluster";
                common(v, hour, hour.plusHours(1), o.version());
                n += row(w, cols, v, null);
            }
        }
        return n;
    }

    /**
     * Rows of the forgotten-notebook incident: one g5.12xlarge (4 GPUs) of the vision team, on demand, started 6 days
     * before the bill's end and still running, its GPUs idle (the companions' samples: 0-2% with memory held). Drawn
     * from its own random stream and written after everything else, so the rest of the demo is the same with or
     * without it.
     */
    private long forgottenNotebook(Writer w, List<FocusColumn> cols, Options o, int hours) throws IOException {
        int start = hours - 6 * 24;
        if (start < 0) return 0;
        Workload vision = WORKLOADS.stream().filter(x -> x.model() != null && x.model().equals("defect-vision")).findFirst().orElseThrow();
        InstancePrice p = catalog.require(vision.provider(), "g5.12xlarge", vision.region());
        Run r = new Run(FORGOTTEN + "1", vision, PROFILES.get(vision.model()), "g5.12xlarge", p, p.gpuCount(), 1, "on_demand", start, hours + 24 * 365,
                "experiment", "full", "running", 0, 0, 0);
        if (companions != null) companions.run(r, o.start().atStartOfDay(), hours);
        SplittableRandom own = new SplittableRandom(2);
        String[] v = new String[FocusColumn.values().length];
        long n = 0;
        for (int h = start; h < hours; h++) {
            java.util.Arrays.fill(v, null);
            LocalDateTime hour = o.start().atStartOfDay().plusHours(h);
            priceHour(v, vision, r.instanceType(), p, "on_demand", "i-0notebook4gpu-vision", 1);
            tags(v, own, vision);
            common(v, hour, hour.plusHours(1), o.version());
            n += row(w, cols, v, r.id());
        }
        return n;
    }

    /**
     * Rows of the search team's dev notebook (tag environment=dev): one g5.2xlarge (one A10G), on demand at the contract's
     * price (1.212 × 0.95 = 1.1514 an hour), running since the bill's first hour and still running; people use its GPU in
     * working hours (Monday to Friday, 08:00-20:00 UTC) and it idles through nights and weekends (the companions' samples).
     * Any 14 days hold 216 of those idle hours: a schedule saves 216 × 1.1514 × 30 / 14 = 532.93 a month. Its own tags and
     * random streams, written after everything else: the rest of the demo is the same with or without it.
     */
    private long devNotebook(Writer w, List<FocusColumn> cols, Options o, int hours) throws IOException {
        Workload search = WORKLOADS.stream().filter(x -> "ranker-v2".equals(x.model()) && x.kind().equals("training")).findFirst().orElseThrow();
        InstancePrice p = catalog.require(search.provider(), "g5.2xlarge", search.region());
        Run r = new Run(DEV_NOTEBOOK + "1", search, PROFILES.get(search.model()), "g5.2xlarge", p, p.gpuCount(), 1, "on_demand", 0, hours + 24 * 365,
                "experiment", "full", "running", 0, 0, 35);
        if (companions != null) companions.run(r, o.start().atStartOfDay(), hours);
        String[] v = new String[FocusColumn.values().length];
        long n = 0;
        for (int h = 0; h < hours; h++) {
            java.util.Arrays.fill(v, null);
            LocalDateTime hour = o.start().atStartOfDay().plusHours(h);
            priceHour(v, search, r.instanceType(), p, "on_demand", "i-0devnotebook-search", 1);
            v[FocusColumn.ResourceName.ordinal()] = "search-dev-notebook";
            StringBuilder t = new StringBuilder("{");
            kv(t, "team", search.team());
            kv(t, "project", search.project());
            kv(t, "model", search.model());
            kv(t, "environment", "dev");
            kv(t, "cost_center", "cc-" + Math.abs(search.team().hashCode() % 900 + 100));
            t.setCharAt(t.length() - 1, '}');
            v[FocusColumn.Tags.ordinal()] = t.toString();
            common(v, hour, hour.plusHours(1), o.version());
            n += row(w, cols, v, r.id());
        }
        return n;
    }

    /**
     * Rows of two buckets nobody has written to since the bill began, one row a day for every whole day billed: the fraud
     * team's archive of past training snapshots on S3 (48,000 GB of S3 Standard at 0.023 USD per GB-month, 36.80 a day)
     * and the recsys team's feature snapshots on Cloud Storage (45,000 GiB of Standard at 0.020, 30.00 a day). Their own
     * random stream, written after everything else: the rest of the demo is the same with or without them.
     */
    private long unchangedBuckets(Writer w, List<FocusColumn> cols, Options o, int hours) throws IOException {
        SplittableRandom own = new SplittableRandom(5);
        Workload fraud = WORKLOADS.get(0);
        Workload recsys = WORKLOADS.stream().filter(x -> x.team().equals("recsys") && x.kind().equals("training")).findFirst().orElseThrow();
        String[] v = new String[FocusColumn.values().length];
        long n = 0;
        for (int d = 0; (d + 1) * 24 <= hours; d++) {
            LocalDateTime day = o.start().atStartOfDay().plusDays(d);
            java.util.Arrays.fill(v, null);
            bucketDay(v, fraud, "Amazon Simple Storage Service", "arn:aws:s3:::fraud-platform-training-archive", "SKU-S3-STANDARD",
                    "$0.023 per GB - first 50 TB / month of storage used", new BigDecimal("48000"), new BigDecimal("0.023"), "GB-Month");
            tags(v, own, fraud);
            common(v, day, day.plusDays(1), o.version());
            n += row(w, cols, v, null);
            java.util.Arrays.fill(v, null);
            bucketDay(v, recsys, "Cloud Storage", "gs://recommendations-feature-snapshots", "SKU-GCS-STANDARD", "Standard Storage US Regional",
                    new BigDecimal("45000"), new BigDecimal("0.020"), "GiB-Month");
            tags(v, own, recsys);
            common(v, day, day.plusDays(1), o.version());
            n += row(w, cols, v, null);
        }
        return n;
    }

    /** The fraud team's feature store: three m5.4xlarge (16 vCPUs) on demand, using 14% CPU and a quarter of their memory. */
    public static final String FEATURE_STORE = "i-0featurestore-fraud-";
    /** The search team's CI runner: a c5.2xlarge nobody has used since the bill began (CPU under 2%). */
    public static final String CI_RUNNER = "i-0cirunner-search";

    /**
     * Rows of CPU machines, one an hour each for every hour billed, on demand at the contract's price: the fraud team's
     * feature store (3 × m5.4xlarge at 0.768 × 0.95 = 0.7296 an hour) and the search team's CI runner (c5.2xlarge at
     * 0.34 × 0.95 = 0.323). Their utilisation samples (the companions') say the feature store would fit m5.2xlarge
     * (p99 CPU about 21% of 16 vCPUs, peak memory about 32%: 8 vCPUs hold both at 70%), a saving of half its cost,
     * 0.7296 × 720 / 2 = 262.66 a month each; the runner is idle: 0.323 × 720 = 232.56 a month. Their own tags, written after
     * everything else: the rest of the demo is the same with or without them.
     */
    private long cpuMachines(Writer w, List<FocusColumn> cols, Options o, int hours) throws IOException {
        Workload fraud = WORKLOADS.stream().filter(x -> "fraud-detector".equals(x.model()) && x.kind().equals("training")).findFirst().orElseThrow();
        Workload search = WORKLOADS.stream().filter(x -> "ranker-v2".equals(x.model()) && x.kind().equals("training")).findFirst().orElseThrow();
        LocalDateTime origin = o.start().atStartOfDay();
        record Machine(Workload owner, String type, String resource, String name, String environment) {
        }
        List<Machine> machines = new ArrayList<>();
        for (int i = 1; i <= 3; i++) machines.add(new Machine(fraud, "m5.4xlarge", FEATURE_STORE + i, "fraud-feature-store-" + i, "prod"));
        machines.add(new Machine(search, "c5.2xlarge", CI_RUNNER, "search-ci-runner", "ci"));
        String[] v = new String[FocusColumn.values().length];
        long n = 0;
        for (Machine m : machines) {
            InstancePrice p = catalog.require(m.owner().provider(), m.type(), m.owner().region());
            if (companions != null) {
                companions.machine(m.resource(), m.resource().equals(CI_RUNNER) ? Companions.IDLE_MACHINE : Companions.FEATURE_STORE, origin, origin.plusHours(hours));
            }
            for (int h = 0; h < hours; h++) {
                java.util.Arrays.fill(v, null);
                LocalDateTime hour = origin.plusHours(h);
                priceHour(v, m.owner(), m.type(), p, "on_demand", m.resource(), 1);
                v[FocusColumn.ResourceName.ordinal()] = m.name();
                StringBuilder t = new StringBuilder("{");
                kv(t, "team", m.owner().team());
                kv(t, "project", m.owner().project());
                kv(t, "environment", m.environment());
                kv(t, "cost_center", "cc-" + Math.abs(m.owner().team().hashCode() % 900 + 100));
                t.setCharAt(t.length() - 1, '}');
                v[FocusColumn.Tags.ordinal()] = t.toString();
                common(v, hour, hour.plusHours(1), o.version());
                n += row(w, cols, v, null);
            }
        }
        return n;
    }

    /** A day of a bucket holding {@code gb} at {@code perGbMonth}: a 30th of a month's GB-months. */
    private static void bucketDay(String[] v, Workload wl, String service, String resource, String sku, String description, BigDecimal gb,
                                  BigDecimal perGbMonth, String unit) {
        account(v, wl.provider(), wl.account());
        v[FocusColumn.ServiceName.ordinal()] = service;
        v[FocusColumn.ServiceCategory.ordinal()] = "Storage";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Object Storage";
        v[FocusColumn.ResourceType.ordinal()] = "Bucket";
        v[FocusColumn.RegionId.ordinal()] = wl.region();
        v[FocusColumn.ResourceId.ordinal()] = resource;
        v[FocusColumn.ResourceName.ordinal()] = resource.substring(resource.lastIndexOf(resource.startsWith("gs://") ? '/' : ':') + 1);
        v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
        v[FocusColumn.PricingCategory.ordinal()] = "Standard";
        v[FocusColumn.SkuId.ordinal()] = sku;
        v[FocusColumn.SkuPriceId.ordinal()] = sku + "-TIER1";
        v[FocusColumn.SkuMeter.ordinal()] = "Storage";
        BigDecimal qty = gb.divide(BigDecimal.valueOf(30), SCALE, RoundingMode.HALF_EVEN);
        BigDecimal cost = gb.multiply(perGbMonth).divide(BigDecimal.valueOf(30), SCALE, RoundingMode.HALF_EVEN);
        v[FocusColumn.ChargeDescription.ordinal()] = description;
        money(v, qty, unit, perGbMonth, cost, perGbMonth, cost, cost, cost);
        v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
        v[FocusColumn.ConsumedUnit.ordinal()] = unit;
    }

    /**
     * Rows of the fraud team's dataset bucket replicated from us-east-1 to us-west-2 (a copy a second training cluster
     * reads): 1,800-2,199 GB a day at 0.02 USD per GB, one row a day for every whole day billed, from its own random stream.
     */
    private long replication(Writer w, List<FocusColumn> cols, Options o, int hours) throws IOException {
        SplittableRandom own = new SplittableRandom(6);
        Workload fraud = WORKLOADS.get(0);
        String[] v = new String[FocusColumn.values().length];
        long n = 0;
        for (int d = 0; (d + 1) * 24 <= hours; d++) {
            LocalDateTime day = o.start().atStartOfDay().plusDays(d);
            java.util.Arrays.fill(v, null);
            account(v, fraud.provider(), fraud.account());
            v[FocusColumn.ServiceName.ordinal()] = "Amazon Simple Storage Service";
            v[FocusColumn.ServiceCategory.ordinal()] = "Storage";
            v[FocusColumn.ServiceSubcategory.ordinal()] = "Object Storage";
            v[FocusColumn.ResourceType.ordinal()] = "Bucket";
            v[FocusColumn.RegionId.ordinal()] = "us-east-1";
            v[FocusColumn.ResourceId.ordinal()] = "arn:aws:s3:::fraud-platform-datasets";
            v[FocusColumn.ResourceName.ordinal()] = "fraud-platform-datasets";
            v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
            v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
            v[FocusColumn.PricingCategory.ordinal()] = "Standard";
            v[FocusColumn.SkuId.ordinal()] = "SKU-S3-USE1-USW2-OUT";
            v[FocusColumn.SkuPriceId.ordinal()] = "SKU-S3-USE1-USW2-OUT-STD";
            v[FocusColumn.SkuMeter.ordinal()] = "Inter-Region Data Transfer Out";
            BigDecimal price = new BigDecimal("0.02");
            BigDecimal qty = BigDecimal.valueOf(1800 + own.nextInt(400));
            BigDecimal cost = price.multiply(qty);
            v[FocusColumn.ChargeDescription.ordinal()] = "$0.02 per GB - US East (Northern Virginia) data transfer to US West (Oregon)";
            money(v, qty, "GB", price, cost, price, cost, cost, cost);
            v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
            v[FocusColumn.ConsumedUnit.ordinal()] = "GB";
            tags(v, own, fraud);
            common(v, day, day.plusDays(1), o.version());
            n += row(w, cols, v, null);
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
     * A charge hour (index from the start): weekdays carry more work than weekends (training is scheduled by people)
     * and spend grows about 30% over the covered hours, as an AI company's bill does.
     */
    private static int drawHour(SplittableRandom rnd, Options o, int hours) {
        while (true) {
            int h = rnd.nextInt(hours);
            LocalDateTime t = o.start().atStartOfDay().plusHours(h);
            double weight = (t.getDayOfWeek().getValue() >= 6 ? 0.6 : 1.0) * (1.0 + 0.3 * h / hours) / 1.3;
            if (rnd.nextDouble() < weight) return h;
        }
    }

    private static Workload pick(SplittableRandom rnd, int total) {
        int x = rnd.nextInt(total);
        for (Workload w : NON_TRAINING) {
            x -= w.weight();
            if (x < 0) return w;
        }
        return NON_TRAINING.get(0);
    }

    /** The savings plan's amortised rate of an instance-hour it covers. */
    private static BigDecimal committedRate(InstancePrice p) {
        return p.onDemand().multiply(SAVINGS_PLAN_RATE).setScale(SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * The savings plan's hourly commitment: 80% of what the reserved runs and the other AWS instance-hours (less
     * spot) amortise in an average hour, so that most hours use it fully and quiet ones leave part unused.
     */
    private BigDecimal hourlyCommitment(Options o, int hours) {
        double perHour = 0;
        int trainingWeight = WORKLOADS.stream().filter(x -> x.kind().equals("training")).mapToInt(Workload::weight).sum();
        int otherWeight = NON_TRAINING.stream().mapToInt(Workload::weight).sum();
        double trainingRowsPerHour = o.rows() * TRAINING_SHARE / hours;
        double otherRowsPerHour = o.rows() * (1 - TRAINING_SHARE) / hours;
        for (Workload wl : WORKLOADS) {
            if (!wl.provider().equals("AWS")) continue;
            double od = 0;
            for (String t : wl.instanceTypes()) od += catalog.find(wl.provider(), t, wl.region()).map(p -> p.onDemand().doubleValue()).orElse(0.0);
            od /= wl.instanceTypes().length;
            if (wl.kind().equals("training")) {
                perHour += trainingRowsPerHour * wl.weight() / trainingWeight * PROFILES.get(wl.model()).reservedPercent() / 100.0 * od;
            } else {
                perHour += otherRowsPerHour * wl.weight() / otherWeight * 0.7 * 0.8 * od;
            }
        }
        return BigDecimal.valueOf(Math.max(1, perHour * SAVINGS_PLAN_RATE.doubleValue() * 0.8)).setScale(2, RoundingMode.HALF_EVEN);
    }

    /**
     * An instance-hour of a workload's own (not a planned run): spot, or covered by the savings plan while its hour has
     * room (as a savings plan applies itself to eligible usage), or on demand.
     */
    private void instanceHour(String[] v, SplittableRandom rnd, Workload wl, int h, LocalDateTime hour, Commitment sp) {
        String type = wl.instanceTypes()[rnd.nextInt(wl.instanceTypes().length)];
        InstancePrice p = catalog.find(wl.provider(), type, wl.region())
                .orElseGet(() -> catalog.require(wl.provider(), wl.instanceTypes()[0], wl.region()));
        String resource = wl.kind().equals("inference") ? "ep-" + wl.model() + "-" + rnd.nextInt(3)
                : (wl.provider().equals("AWS") ? "i-" : "gce-") + hex(rnd, 12) + "-" + wl.kind();
        int pricing = rnd.nextInt(100);
        String label;
        if (pricing < 20 && p.spot() != null && !wl.kind().equals("inference")) label = "spot";
        else if (wl.provider().equals("AWS") && sp.reserve(h, h + 1, committedRate(p))) label = "reserved";
        else label = "on_demand";
        priceHour(v, wl, type, p, label, resource, rnd.nextInt(8) + 1);
        if (wl.kind().equals("inference") && companions != null) companions.endpointHour(wl, resource, hour);
    }

    /**
     * One instance-hour at the catalog price of its pricing: spot at the spot price, reserved covered by the savings
     * plan (billed 0, amortised at {@link #SAVINGS_PLAN_RATE} of on demand), on demand at the contracted
     * {@link #CONTRACT_DISCOUNT}.
     */
    private void priceHour(String[] v, Workload wl, String type, InstancePrice p, String pricing, String resource, int node) {
        account(v, wl.provider(), wl.account());
        v[FocusColumn.ServiceName.ordinal()] = wl.provider().equals("AWS") ? "Amazon Elastic Compute Cloud" : "Compute Engine";
        v[FocusColumn.ServiceCategory.ordinal()] = "Compute";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Virtual Machines";
        v[FocusColumn.ResourceType.ordinal()] = "Virtual Machine";
        v[FocusColumn.RegionId.ordinal()] = wl.region();
        v[FocusColumn.RegionName.ordinal()] = wl.region().equals("us-east-1") ? "US East (N. Virginia)" : "Iowa";
        v[FocusColumn.AvailabilityZone.ordinal()] = wl.region() + (wl.region().equals("us-east-1") ? "a" : "-a");
        v[FocusColumn.ResourceId.ordinal()] = resource;
        v[FocusColumn.ResourceName.ordinal()] = wl.team() + "-" + wl.kind() + "-" + node;
        v[FocusColumn.SkuId.ordinal()] = "SKU-" + type.toUpperCase().replace('.', '-');
        v[FocusColumn.SkuPriceId.ordinal()] = v[FocusColumn.SkuId.ordinal()] + "-OD";
        v[FocusColumn.SkuMeter.ordinal()] = "Compute Usage";
        v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
        v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
        BigDecimal qty = BigDecimal.ONE;
        BigDecimal list = p.onDemand().multiply(qty);
        BigDecimal contracted = p.onDemand().multiply(CONTRACT_DISCOUNT).setScale(SCALE, RoundingMode.HALF_EVEN);
        BigDecimal billed;
        BigDecimal effective;
        String desc = "$" + p.onDemand().toPlainString() + " per On Demand Linux " + type + " Instance Hour";
        switch (pricing) {
            case "spot" -> {
                billed = p.spot().multiply(qty);
                effective = billed;
                v[FocusColumn.PricingCategory.ordinal()] = "Dynamic";
                v[FocusColumn.SkuPriceId.ordinal()] = v[FocusColumn.SkuId.ordinal()] + "-SPOT";
                desc = "$" + p.spot().toPlainString() + " per Spot Linux " + type + " Instance Hour";
            }
            case "reserved" -> {
                billed = BigDecimal.ZERO;
                effective = committedRate(p).multiply(qty);
                v[FocusColumn.PricingCategory.ordinal()] = "Committed";
                commitment(v);
                v[FocusColumn.CommitmentDiscountStatus.ordinal()] = "Used";
                v[FocusColumn.CommitmentDiscountQuantity.ordinal()] = effective.toPlainString();
                v[FocusColumn.CommitmentDiscountUnit.ordinal()] = "USD";
            }
            default -> {
                billed = contracted.multiply(qty);
                effective = billed;
                v[FocusColumn.PricingCategory.ordinal()] = "Standard";
            }
        }
        v[FocusColumn.ChargeDescription.ordinal()] = desc;
        money(v, qty, "Hours", p.onDemand(), list, contracted, contracted.multiply(qty), billed, effective);
        v[FocusColumn.ConsumedQuantity.ordinal()] = qty.toPlainString();
        v[FocusColumn.ConsumedUnit.ordinal()] = "Hours";
    }

    private static void commitment(String[] v) {
        v[FocusColumn.CommitmentDiscountId.ordinal()] = SAVINGS_PLAN_ID;
        v[FocusColumn.CommitmentDiscountName.ordinal()] = "compute-savings-plan-2026";
        v[FocusColumn.CommitmentDiscountCategory.ordinal()] = "Spend";
        v[FocusColumn.CommitmentDiscountType.ordinal()] = "Compute Savings Plan";
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

    /**
     * The savings plan, day by day: the commitment fee for the day's hours (billed, amortised into the covered usage,
     * so effective 0) and the part no usage took (effective, status Unused). The amortised usage of a day plus its
     * unused part is that day's fee, to the last decimal.
     */
    private long commitmentRows(Writer w, List<FocusColumn> cols, Options o, int hours, Commitment sp) throws IOException {
        long n = 0;
        String[] v = new String[FocusColumn.values().length];
        for (int d = 0; d * 24 < hours; d++) {
            int from = d * 24;
            int to = Math.min(hours, from + 24);
            BigDecimal fee = sp.hourly().multiply(BigDecimal.valueOf(to - from));
            BigDecimal unused = fee.subtract(sp.used(from, to));
            LocalDateTime start = o.start().atStartOfDay().plusHours(from);
            LocalDateTime end = o.start().atStartOfDay().plusHours(to);
            java.util.Arrays.fill(v, null);
            savingsPlanRow(v);
            v[FocusColumn.ChargeCategory.ordinal()] = "Purchase";
            v[FocusColumn.ChargeFrequency.ordinal()] = "Recurring";
            v[FocusColumn.ChargeDescription.ordinal()] = "1 year No Upfront Compute Savings Plan, hourly commitment";
            money(v, BigDecimal.valueOf(to - from), "Hours", sp.hourly(), fee, fee, fee, fee, BigDecimal.ZERO);
            common(v, start, end, o.version());
            n += row(w, cols, v, null);
            if (unused.signum() > 0) {
                java.util.Arrays.fill(v, null);
                savingsPlanRow(v);
                v[FocusColumn.ChargeCategory.ordinal()] = "Usage";
                v[FocusColumn.ChargeFrequency.ordinal()] = "Usage-Based";
                v[FocusColumn.CommitmentDiscountStatus.ordinal()] = "Unused";
                v[FocusColumn.ChargeDescription.ordinal()] = "Unused Compute Savings Plan commitment";
                money(v, null, null, null, BigDecimal.ZERO, null, BigDecimal.ZERO, BigDecimal.ZERO, unused);
                common(v, start, end, o.version());
                n += row(w, cols, v, null);
            }
        }
        return n;
    }

    private static void savingsPlanRow(String[] v) {
        account(v, "AWS", "shared-gpu-pool");
        v[FocusColumn.ServiceName.ordinal()] = "Savings Plans for AWS Compute usage";
        v[FocusColumn.ServiceCategory.ordinal()] = "Compute";
        v[FocusColumn.ServiceSubcategory.ordinal()] = "Other (Compute)";
        v[FocusColumn.PricingCategory.ordinal()] = "Committed";
        commitment(v);
        v[FocusColumn.SkuId.ordinal()] = "SKU-SP-COMPUTE";
        v[FocusColumn.SkuPriceId.ordinal()] = "SKU-SP-COMPUTE-1Y";
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

    private static void common(String[] v, LocalDateTime hour, LocalDateTime end, FocusVersion version) {
        LocalDate day = hour.toLocalDate();
        LocalDate ps = day.withDayOfMonth(1);
        v[FocusColumn.BillingPeriodStart.ordinal()] = TS.format(ps.atStartOfDay());
        v[FocusColumn.BillingPeriodEnd.ordinal()] = TS.format(ps.plusMonths(1).atStartOfDay());
        v[FocusColumn.ChargePeriodStart.ordinal()] = TS.format(hour);
        v[FocusColumn.ChargePeriodEnd.ordinal()] = TS.format(end);
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

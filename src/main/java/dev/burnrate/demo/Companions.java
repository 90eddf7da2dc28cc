package dev.burnrate.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The workloads behind a generated bill, written as the telemetry a real company would send: the training runs (NDJSON)
 * exactly as billed (instance type and count, pricing, start, end; a run still going has no end), GPU samples of every
 * GPU of every instance over each run's whole span at its model's collector interval (busy around the model's
 * utilisation, with idle stretches; in the team's training pool, namespace {@code <team>-training}), and hourly
 * inference usage per endpoint (tokens in proportion to the endpoint's hours in the bill; the assistant's P95 latency
 * regresses from 400-700 ms to 1,400-1,700 ms in its last 3 hours). Two savings stories: the fraud detector is served
 * as two variants, torch-fp32 and, on its third endpoint, onnx-int8 (a quantised export answering 1.6 times the
 * requests per instance-hour at 85% of the latency); the recsys endpoints keep their daytime instances through the US
 * night (06:00-11:59 UTC), when a fifth of the requests come; the search team's dev notebook (tag environment=dev) is
 * busy in working hours and idle through nights and weekends. Deterministic for a seed.
 */
public final class Companions {
    private record Job(FocusGenerator.Run run, LocalDateTime start, LocalDateTime end, LocalDateTime observedUntil) {
    }

    /** The model whose latency regresses in the last hours of the demo, and for how many hours. */
    public static final String REGRESSED_MODEL = "assistant-llm";
    /** Latency of each endpoint's model against the generative assistant's (1): scoring models answer in tens of ms. */
    private static final Map<String, Double> LATENCY_SCALE = Map.of("fraud-detector", 0.06, "ranker-v2", 0.12, "two-tower-recsys", 0.09);
    public static final int REGRESSED_HOURS = 3;
    /** The model served as two variants, and its cheaper one (on its endpoint ending in -2). */
    public static final String VARIANT_MODEL = "fraud-detector";
    public static final String CHEAP_VARIANT = "onnx-int8";
    /** The model whose endpoints keep their instances while its traffic sleeps. */
    public static final String QUIET_NIGHTS_MODEL = "two-tower-recsys";

    /** The variant an endpoint serves (null: the model has one). */
    static String variantOf(String model, String endpoint) {
        if (!VARIANT_MODEL.equals(model)) return null;
        return endpoint.endsWith("-2") ? CHEAP_VARIANT : "torch-fp32";
    }
    private final List<Job> jobs = new ArrayList<>();

    /** How a CPU machine is used: mean and spread of its CPU and memory utilisation (%). */
    record MachineUse(double cpuMean, double cpuSpread, double memoryMean, double memorySpread) {
    }

    /** The feature store: a steady 14% CPU (± 3) and a quarter of its memory. */
    static final MachineUse FEATURE_STORE = new MachineUse(14, 3, 25, 1.5);
    /** A machine nobody uses: under 2% CPU. */
    static final MachineUse IDLE_MACHINE = new MachineUse(0.8, 0.4, 11, 0.5);

    private record Machine(String resourceId, MachineUse use, LocalDateTime from, LocalDateTime to) {
    }

    private final List<Machine> machines = new ArrayList<>();

    /** A CPU machine billed from {@code from} to {@code to}: its samples every 10 minutes in that span. */
    void machine(String resourceId, MachineUse use, LocalDateTime from, LocalDateTime to) {
        machines.add(new Machine(resourceId, use, from, to));
    }
    private final Map<String, TreeMap<LocalDateTime, Integer>> endpointHours = new TreeMap<>();
    private final Map<String, String[]> endpointOwner = new TreeMap<>();

    /** A billed run: {@code origin} is the bill's first hour, {@code hours} how many hours it covers. */
    void run(FocusGenerator.Run r, LocalDateTime origin, int hours) {
        LocalDateTime start = origin.plusHours(r.startHour());
        boolean running = r.endHour() > hours;
        jobs.add(new Job(r, start, running ? null : origin.plusHours(r.endHour()), origin.plusHours(Math.min(r.endHour(), hours))));
    }

    void endpointHour(FocusGenerator.Workload workload, String endpoint, LocalDateTime hour) {
        endpointHours.computeIfAbsent(endpoint, k -> new TreeMap<>()).merge(hour, 1, Integer::sum);
        endpointOwner.putIfAbsent(endpoint, new String[]{workload.model(), workload.feature()});
    }

    private LocalDateTime regressionStart;

    /** The hour the assistant's latency regression began (after {@link #write}; null without assistant usage). */
    public LocalDateTime regressionStart() {
        return regressionStart;
    }

    public int jobCount() {
        return jobs.size();
    }

    /** Every GPU of every instance of a run, from its start until it ended (or until now), one sample per interval. */
    /**
     * How much data a model's training gets through per GPU-hour (GB): a run's dataset size follows from its GPU-hours,
     * ±10%, so that history scaled by dataset size is meaningful (a drift retrain on 4× the data needs about 4× the GPUs).
     */
    private static final Map<String, Double> GB_PER_GPU_HOUR = Map.of("fraud-detector", 2.0, "ranker-v2", 0.5, "assistant-llm", 1.6);

    static String datasetGb(FocusGenerator.Run r, SplittableRandom rnd) {
        double gpuHours = (double) (r.endHour() - r.startHour()) * r.instances() * Math.max(1, r.gpusPerInstance());
        double gb = gpuHours * GB_PER_GPU_HOUR.getOrDefault(r.workload().model(), 1.0) * (0.9 + 0.2 * rnd.nextDouble());
        return java.math.BigDecimal.valueOf(gb).setScale(1, java.math.RoundingMode.HALF_UP).max(new java.math.BigDecimal("0.1")).toPlainString();
    }

    private static void samples(BufferedWriter g, Job job, SplittableRandom rnd) throws IOException {
        FocusGenerator.Run r = job.run();
        int gpus = Math.max(1, r.gpusPerInstance());
        for (int i = 0; i < r.instances(); i++) {
            String host = r.id() + "-node-" + i;
            for (int k = 0; k < gpus; k++) {
                String gpu = "GPU-" + UUID.nameUUIDFromBytes((r.id() + "/" + i + "/" + k).getBytes(StandardCharsets.UTF_8));
                for (LocalDateTime t = job.start(); t.isBefore(job.observedUntil()); t = t.plusMinutes(r.profile().sampleMinutes())) {
                    boolean idle = officeHours(r) ? !workingHour(t) || rnd.nextInt(100) < 15
                            : idle(r) || rnd.nextInt(100) < 100 - Math.min(95, r.utilization() + 10);
                    double util = idle ? rnd.nextInt(3) : Math.min(100, Math.max(6, r.utilization() + 10 + 8 * rnd.nextGaussian()));
                    long mem = idle(r) || officeHours(r) && idle ? 12000 + rnd.nextInt(2000) : idle && rnd.nextBoolean() ? 0 : 30000 + rnd.nextInt(40000);
                    g.write("{\"time\":\"" + t.toInstant(ZoneOffset.UTC) + "\",\"gpu\":\"" + gpu + "\",\"index\":" + k + ",\"host\":\"" + host
                            + "\",\"job\":\"" + r.id() + "\",\"namespace\":\"" + pool(r) + "\",\"util\":" + Math.round(util) + ",\"memUsedMiB\":" + mem + ",\"memTotalMiB\":81920}\n");
                }
            }
        }
    }

    /** The Kubernetes namespace a run's pods run in: its team's training pool (e.g. fraud-training; notebooks too). */
    private static String pool(FocusGenerator.Run r) {
        return r.workload().team() + "-training";
    }

    /** The dev notebook: used in working hours, idle through nights and weekends (memory held). */
    private static boolean officeHours(FocusGenerator.Run r) {
        return r.id().startsWith(FocusGenerator.DEV_NOTEBOOK);
    }

    /** Monday to Friday, 08:00-20:00 UTC: when the dev notebook's owners work (Burnrate's default working hours). */
    private static boolean workingHour(LocalDateTime t) {
        return t.getDayOfWeek().getValue() <= 5 && t.getHour() >= 8 && t.getHour() < 20;
    }

    /** A run nobody uses (utilisation 0: the forgotten notebook): every sample idle, memory held. */
    private static boolean idle(FocusGenerator.Run r) {
        return r.utilization() < 1;
    }

    /** Writes jobs.ndjson, gpu-samples.ndjson, instance-samples.csv and inference-usage.ndjson into {@code dir}. */
    public void write(Path dir, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] customers = {"acme-bank", "globex", "initech", "umbrella", "hooli"};
        try {
            Files.createDirectories(dir);
            try (BufferedWriter m = Files.newBufferedWriter(dir.resolve("instance-samples.csv"))) {
                m.write("timestamp,resource_id,cpu_utilization,memory_utilization\n");
                for (Machine x : machines) {
                    SplittableRandom own = new SplittableRandom(x.resourceId().hashCode());
                    for (LocalDateTime t = x.from(); t.isBefore(x.to()); t = t.plusMinutes(10)) {
                        double cpu = Math.min(100, Math.max(0, x.use().cpuMean() + x.use().cpuSpread() * own.nextGaussian()));
                        double mem = Math.min(100, Math.max(0, x.use().memoryMean() + x.use().memorySpread() * own.nextGaussian()));
                        m.write(t.toInstant(ZoneOffset.UTC) + "," + x.resourceId() + "," + Math.round(cpu * 10) / 10.0 + "," + Math.round(mem * 10) / 10.0 + "\n");
                    }
                }
            }
            try (BufferedWriter j = Files.newBufferedWriter(dir.resolve("jobs.ndjson"));
                 BufferedWriter g = Files.newBufferedWriter(dir.resolve("gpu-samples.ndjson"))) {
                for (Job job : jobs) {
                    FocusGenerator.Run r = job.run();
                    j.write("{\"id\":\"" + r.id() + "\",\"model\":\"" + r.workload().model() + "\",\"team\":\"" + r.workload().team()
                            + "\",\"kind\":\"" + r.kind() + "\",\"tier\":\"" + r.tier() + "\",\"provider\":\"" + r.workload().provider()
                            + "\",\"region\":\"" + r.workload().region() + "\",\"instanceType\":\"" + r.instanceType() + "\",\"instanceCount\":"
                            + r.instances() + ",\"pricing\":\"" + r.pricing() + "\",\"start\":\"" + job.start().toInstant(ZoneOffset.UTC) + "\""
                            + (job.end() == null ? "" : ",\"end\":\"" + job.end().toInstant(ZoneOffset.UTC) + "\"")
                            + ",\"status\":\"" + r.status() + "\",\"checkpoints\":" + r.checkpoints() + ",\"evictions\":" + r.evictions()
                            + ",\"datasetSizeGb\":" + datasetGb(r, idle(r) || officeHours(r) ? new SplittableRandom(3) : rnd)
                            + (officeHours(r) ? ",\"tags\":{\"environment\":\"dev\"}" : "") + "}\n");
                    samples(g, job, idle(r) ? new SplittableRandom(4) : officeHours(r) ? new SplittableRandom(8) : rnd);
                }
            }
            // the assistant's latency regresses in its last 3 hours of usage (a slow release): its latency SLO burns
            LocalDateTime lastHour = endpointHours.entrySet().stream().filter(e -> REGRESSED_MODEL.equals(endpointOwner.get(e.getKey())[0]))
                    .map(e -> e.getValue().lastKey()).max(LocalDateTime::compareTo).orElse(null);
            regressionStart = lastHour == null ? null : lastHour.minusHours(REGRESSED_HOURS - 1);
            SplittableRandom tail = new SplittableRandom(seed + 99); // P99 from its own stream: the other draws stay as they were
            try (BufferedWriter u = Files.newBufferedWriter(dir.resolve("inference-usage.ndjson"))) {
                for (Map.Entry<String, TreeMap<LocalDateTime, Integer>> e : endpointHours.entrySet()) {
                    String[] owner = endpointOwner.get(e.getKey());
                    for (Map.Entry<LocalDateTime, Integer> h : e.getValue().entrySet()) {
                        boolean regressed = REGRESSED_MODEL.equals(owner[0]) && lastHour != null && h.getKey().isAfter(lastHour.minusHours(REGRESSED_HOURS));
                        long requests = h.getValue() * (800L + rnd.nextInt(400));
                        String variant = variantOf(owner[0], e.getKey());
                        boolean cheap = CHEAP_VARIANT.equals(variant);
                        if (cheap) requests = requests * 8 / 5; // int8: 1.6 × the requests per instance-hour
                        if (QUIET_NIGHTS_MODEL.equals(owner[0]) && h.getKey().getHour() >= 6 && h.getKey().getHour() < 12) requests = requests / 5;
                        String customer = customers[rnd.nextInt(customers.length)];
                        long inputTokens = requests * (300 + rnd.nextInt(900));
                        long outputTokens = requests * (40 + rnd.nextInt(200));
                        // a generative model answers in hundreds of milliseconds, a scoring model in tens
                        double scale = LATENCY_SCALE.getOrDefault(owner[0], 1.0);
                        if (cheap) scale *= 0.85;
                        long p50 = Math.round((120 + rnd.nextInt(80)) * scale);
                        long p95 = Math.round(((regressed ? 1400 : 400) + rnd.nextInt(300)) * scale);
                        long p99 = Math.round(p95 * (1.3 + 0.5 * tail.nextDouble()));
                        u.write("{\"start\":\"" + h.getKey().toInstant(ZoneOffset.UTC) + "\",\"end\":\"" + h.getKey().plusHours(1).toInstant(ZoneOffset.UTC)
                                + "\",\"model\":\"" + owner[0] + (variant == null ? "" : "\",\"variant\":\"" + variant) + "\",\"feature\":\"" + owner[1] + "\",\"customer\":\"" + customer + "\",\"endpoint\":\""
                                + e.getKey() + "\",\"requests\":" + requests + ",\"inputTokens\":" + inputTokens
                                + ",\"outputTokens\":" + outputTokens + ",\"latencyP50Ms\":" + p50
                                + ",\"latencyP95Ms\":" + p95 + ",\"latencyP99Ms\":" + p99 + ",\"errors\":" + rnd.nextInt(3) + "}\n");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo telemetry to " + dir + ": " + e.getMessage(), e);
        }
    }
}

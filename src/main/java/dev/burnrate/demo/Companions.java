package dev.burnrate.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The workloads behind a generated bill, written as the telemetry a real company would send: job runs (NDJSON),
 * GPU samples of each job's first GPU every 10 minutes (busy around 80%, with idle stretches), and hourly inference
 * usage per endpoint (tokens in proportion to the endpoint's hours in the bill). Deterministic for a seed.
 */
public final class Companions {
    private record Job(String id, String model, String team, String instanceType, String pricing, LocalDateTime start, LocalDateTime end) {
    }

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Map<LocalDateTime, Integer>> endpointHours = new TreeMap<>();
    private final Map<String, String[]> endpointOwner = new TreeMap<>();

    void jobHour(String id, FocusGenerator.Workload workload, String instanceType, String pricing, LocalDateTime hour) {
        String model = workload.model();
        String team = workload.team();
        jobs.merge(id, new Job(id, model, team, instanceType, pricing, hour, hour.plusHours(1)), (a, b) -> new Job(a.id(), a.model(), a.team(),
                a.instanceType(), a.pricing(), a.start().isBefore(b.start()) ? a.start() : b.start(), a.end().isAfter(b.end()) ? a.end() : b.end()));
    }

    void endpointHour(FocusGenerator.Workload workload, String endpoint, LocalDateTime hour) {
        endpointHours.computeIfAbsent(endpoint, k -> new TreeMap<>()).merge(hour, 1, Integer::sum);
        endpointOwner.putIfAbsent(endpoint, new String[]{workload.model(), workload.feature()});
    }

    public int jobCount() {
        return jobs.size();
    }

    /** Writes jobs.ndjson, gpu-samples.ndjson and inference-usage.ndjson into {@code dir}. */
    public void write(Path dir, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] customers = {"acme-bank", "globex", "initech", "umbrella", "hooli"};
        try {
            Files.createDirectories(dir);
            try (BufferedWriter j = Files.newBufferedWriter(dir.resolve("jobs.ndjson"));
                 BufferedWriter g = Files.newBufferedWriter(dir.resolve("gpu-samples.ndjson"))) {
                for (Job job : jobs.values()) {
                    String kind = rnd.nextInt(3) == 0 ? "training" : "retraining";
                    j.write("{\"id\":\"" + job.id() + "\",\"model\":\"" + job.model() + "\",\"team\":\"" + job.team() + "\",\"kind\":\"" + kind
                            + "\",\"tier\":\"" + (kind.equals("retraining") && rnd.nextBoolean() ? "incremental" : "full") + "\",\"instanceType\":\""
                            + job.instanceType() + "\",\"instanceCount\":1,\"pricing\":\"" + job.pricing() + "\",\"start\":\""
                            + job.start().toInstant(ZoneOffset.UTC) + "\",\"end\":\"" + job.end().toInstant(ZoneOffset.UTC)
                            + "\",\"status\":\"succeeded\",\"checkpoints\":" + (1 + rnd.nextInt(6)) + "}\n");
                    String gpu = "GPU-" + Integer.toHexString(job.id().hashCode());
                    double busy = 55 + rnd.nextInt(40);
                    for (LocalDateTime t = job.start(); t.isBefore(job.end()); t = t.plusMinutes(10)) {
                        double util = rnd.nextInt(100) < 18 ? 0 : Math.min(100, Math.max(1, busy + 12 * rnd.nextGaussian()));
                        g.write("{\"time\":\"" + t.toInstant(ZoneOffset.UTC) + "\",\"gpu\":\"" + gpu + "\",\"index\":0,\"job\":\"" + job.id()
                                + "\",\"util\":" + Math.round(util) + ",\"memUsedMiB\":" + (30000 + rnd.nextInt(40000)) + ",\"memTotalMiB\":81920}\n");
                    }
                }
            }
            try (BufferedWriter u = Files.newBufferedWriter(dir.resolve("inference-usage.ndjson"))) {
                for (Map.Entry<String, Map<LocalDateTime, Integer>> e : endpointHours.entrySet()) {
                    String[] owner = endpointOwner.get(e.getKey());
                    for (Map.Entry<LocalDateTime, Integer> h : e.getValue().entrySet()) {
                        long requests = h.getValue() * (800L + rnd.nextInt(400));
                        String customer = customers[rnd.nextInt(customers.length)];
                        u.write("{\"start\":\"" + h.getKey().toInstant(ZoneOffset.UTC) + "\",\"end\":\"" + h.getKey().plusHours(1).toInstant(ZoneOffset.UTC)
                                + "\",\"model\":\"" + owner[0] + "\",\"feature\":\"" + owner[1] + "\",\"customer\":\"" + customer + "\",\"endpoint\":\""
                                + e.getKey() + "\",\"requests\":" + requests + ",\"inputTokens\":" + requests * (300 + rnd.nextInt(900))
                                + ",\"outputTokens\":" + requests * (40 + rnd.nextInt(200)) + ",\"latencyP50Ms\":" + (120 + rnd.nextInt(80))
                                + ",\"latencyP95Ms\":" + (400 + rnd.nextInt(300)) + ",\"errors\":" + rnd.nextInt(3) + "}\n");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo telemetry to " + dir + ": " + e.getMessage(), e);
        }
    }
}

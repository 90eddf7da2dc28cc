package dev.burnrate.ingest.gpu;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.MigInstance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Folds DCGM exporter series (from its text exposition or from Prometheus) into GPU samples: one sample per series
 * and instant, a series being a GPU ({@code UUID}) or, on a MIG-mode GPU, one GPU instance of it ({@code GPU_I_ID},
 * {@code GPU_I_PROFILE}). Utilisation is {@code DCGM_FI_DEV_GPU_UTIL} (%) where published, else
 * {@code DCGM_FI_PROF_GR_ENGINE_ACTIVE} (a ratio, × 100; the one DCGM publishes for MIG instances), else absent;
 * memory is {@code DCGM_FI_DEV_FB_USED} and {@code FB_USED + DCGM_FI_DEV_FB_FREE} (MiB), absent when not published.
 * Labels of a series (Hostname, pod, namespace, container) are merged across its metrics; two different values for
 * one label or one metric of the same series and instant are an error, never a silent overwrite. A whole-GPU series
 * of a GPU whose MIG instances are present at the same instant is not a sample of its own: its instances are.
 */
final class DcgmSeries {
    static final String GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL";
    static final String GR_ENGINE_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE";
    static final String FB_USED = "DCGM_FI_DEV_FB_USED";
    static final String FB_FREE = "DCGM_FI_DEV_FB_FREE";
    static final List<String> METRICS = List.of(GPU_UTIL, GR_ENGINE_ACTIVE, FB_USED, FB_FREE);

    private final String source;
    private final Map<String, Acc> byKey = new LinkedHashMap<>();

    DcgmSeries(String source) {
        this.source = source;
    }

    private static final class Acc {
        long line;
        Instant time;
        String uuid;
        MigInstance mig;
        Integer index;
        final Map<String, String> labels = new LinkedHashMap<>();
        final Map<String, Double> values = new LinkedHashMap<>();
    }

    static boolean reads(String metric) {
        return METRICS.contains(metric);
    }

    /** One value of one of {@link #METRICS}; {@code line} locates it in the source for errors (0 when none). */
    void add(String metric, Map<String, String> labels, Instant time, double value, long line) {
        String uuid = blank(labels.getOrDefault("UUID", labels.get("uuid")));
        if (uuid == null) throw new RecordException(source, line, "UUID", null, "sample without a UUID label");
        String gi = blank(labels.get("GPU_I_ID"));
        String profile = blank(labels.get("GPU_I_PROFILE"));
        MigInstance mig = null;
        if (gi != null || profile != null) {
            if (gi == null || profile == null) {
                throw new RecordException(source, line, gi == null ? "GPU_I_ID" : "GPU_I_PROFILE", null,
                        "a MIG instance series needs both GPU_I_ID and GPU_I_PROFILE");
            }
            try {
                mig = new MigInstance(gi, profile);
            } catch (IllegalArgumentException e) {
                throw new RecordException(source, line, "GPU_I_PROFILE", profile, e.getMessage());
            }
        }
        Acc a = byKey.computeIfAbsent(uuid + "\u0000" + (gi == null ? "" : gi) + "@" + time, k -> new Acc());
        if (a.uuid == null) {
            a.line = line;
            a.time = time;
            a.uuid = uuid;
            a.mig = mig;
        } else if (!Objects.equals(a.mig, mig)) {
            throw new RecordException(source, line, "GPU_I_PROFILE", profile, "GPU instance " + gi + " of " + uuid + " was "
                    + a.mig.profile() + " on line " + a.line);
        }
        String gpu = blank(labels.get("gpu"));
        if (gpu != null) {
            int index;
            try {
                index = Integer.parseInt(gpu);
            } catch (NumberFormatException e) {
                throw new RecordException(source, line, "gpu", gpu, "not a GPU index");
            }
            if (a.index != null && a.index != index) conflict(line, "gpu", gpu, String.valueOf(a.index), a);
            a.index = index;
        }
        for (String key : List.of("Hostname", "pod", "namespace", "container")) {
            String v = blank(labels.get(key));
            if (v == null) continue;
            String had = a.labels.putIfAbsent(key, v);
            if (had != null && !had.equals(v)) conflict(line, key, v, had, a);
        }
        Double had = a.values.putIfAbsent(metric, value);
        if (had != null && Double.compare(had, value) != 0) conflict(line, metric, String.valueOf(value), String.valueOf(had), a);
    }

    private void conflict(long line, String field, String value, String had, Acc a) {
        throw new RecordException(source, line, field, value, "the series " + a.uuid + (a.mig == null ? "" : " GPU instance " + a.mig.id())
                + " at " + a.time + " already has " + field + " = " + had + (a.line > 0 ? " (line " + a.line + ")" : ""));
    }

    List<GpuSample> samples() {
        Set<String> withInstances = new HashSet<>();
        for (Acc a : byKey.values()) if (a.mig != null) withInstances.add(a.uuid + "@" + a.time);
        List<GpuSample> out = new ArrayList<>();
        for (Acc a : byKey.values()) {
            if (a.mig == null && withInstances.contains(a.uuid + "@" + a.time)) continue;
            Double util = a.values.get(GPU_UTIL);
            if (util == null && a.values.containsKey(GR_ENGINE_ACTIVE)) util = a.values.get(GR_ENGINE_ACTIVE) * 100;
            Double used = a.values.get(FB_USED);
            Double free = a.values.get(FB_FREE);
            try {
                out.add(new GpuSample(a.time, a.labels.get("Hostname"), a.uuid, a.index == null ? 0 : a.index, a.mig, null,
                        a.labels.get("pod"), a.labels.get("namespace"), a.labels.get("container"), util,
                        used == null ? null : used.longValue(), used == null || free == null ? null : used.longValue() + free.longValue()));
            } catch (IllegalArgumentException e) {
                throw new RecordException(source, a.line, null, a.uuid, e.getMessage());
            }
        }
        return out;
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

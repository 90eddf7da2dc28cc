package dev.burnrate.ingest.gpu;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the DCGM exporter's Prometheus text format: {@code DCGM_FI_DEV_GPU_UTIL} (%) and {@code DCGM_FI_DEV_FB_USED}
 * / {@code DCGM_FI_DEV_FB_FREE} (MiB), labelled with gpu, UUID, Hostname, pod, namespace, container. One sample per
 * GPU and timestamp (the sample's own, or the scrape time).
 */
public final class DcgmText {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(?:\\s+(\\d+))?\\s*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DcgmText() {
    }

    private static final class Acc {
        Map<String, String> labels;
        Instant time;
        Double util;
        Long used;
        Long free;
    }

    public static List<GpuSample> parse(String text, String source, Instant scrapeTime) {
        Map<String, Acc> byGpu = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            Matcher m = LINE.matcher(l);
            if (!m.matches()) throw new RecordException(source, i + 1, null, l, "not a Prometheus text exposition line");
            String metric = m.group(1);
            if (!metric.equals("DCGM_FI_DEV_GPU_UTIL") && !metric.equals("DCGM_FI_DEV_FB_USED") && !metric.equals("DCGM_FI_DEV_FB_FREE")) continue;
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher lm = LABEL.matcher(m.group(3));
                while (lm.find()) labels.put(lm.group(1), lm.group(2));
            }
            String uuid = labels.getOrDefault("UUID", labels.get("uuid"));
            if (uuid == null || uuid.isBlank()) throw new RecordException(source, i + 1, "UUID", null, "sample without a UUID label");
            double value;
            try {
                value = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                throw new RecordException(source, i + 1, metric, m.group(4), "not a number");
            }
            Instant t = m.group(5) == null ? scrapeTime : Instant.ofEpochMilli(Long.parseLong(m.group(5)));
            Acc a = byGpu.computeIfAbsent(uuid + "@" + t, k -> new Acc());
            a.labels = labels;
            a.time = t;
            switch (metric) {
                case "DCGM_FI_DEV_GPU_UTIL" -> a.util = value;
                case "DCGM_FI_DEV_FB_USED" -> a.used = (long) value;
                default -> a.free = (long) value;
            }
        }
        List<GpuSample> out = new ArrayList<>();
        for (Acc a : byGpu.values()) {
            if (a.util == null) continue;
            Map<String, String> lb = a.labels;
            long used = a.used == null ? 0 : a.used;
            try {
                out.add(new GpuSample(a.time, lb.getOrDefault("Hostname", null), lb.getOrDefault("UUID", lb.get("uuid")),
                        Integer.parseInt(lb.getOrDefault("gpu", "0")), null, blank(lb.get("pod")), blank(lb.get("namespace")),
                        blank(lb.get("container")), a.util, used, a.free == null ? 0 : used + a.free));
            } catch (IllegalArgumentException e) {
                throw new RecordException(source, 0, null, lb.toString(), e.getMessage());
            }
        }
        return out;
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

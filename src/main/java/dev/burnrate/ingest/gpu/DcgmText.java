package dev.burnrate.ingest.gpu;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the DCGM exporter's Prometheus text format: {@code DCGM_FI_DEV_GPU_UTIL} (%) or, where that is not published
 * (MIG instances), {@code DCGM_FI_PROF_GR_ENGINE_ACTIVE} (ratio), and {@code DCGM_FI_DEV_FB_USED} /
 * {@code DCGM_FI_DEV_FB_FREE} (MiB), labelled with gpu, UUID, GPU_I_ID / GPU_I_PROFILE (MIG), Hostname, pod,
 * namespace, container. One sample per GPU, or per MIG instance, and timestamp (the sample's own, or the scrape
 * time); see {@link DcgmSeries}.
 */
public final class DcgmText {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(?:\\s+(-?\\d+))?\\s*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DcgmText() {
    }

    public static List<GpuSample> parse(String text, String source, Instant scrapeTime) {
        DcgmSeries series = new DcgmSeries(source);
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            Matcher m = LINE.matcher(l);
            if (!m.matches()) throw new RecordException(source, i + 1, null, l, "not a Prometheus text exposition line");
            String metric = m.group(1);
            if (!DcgmSeries.reads(metric)) continue;
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher lm = LABEL.matcher(m.group(3));
                while (lm.find()) labels.put(lm.group(1), lm.group(2));
            }
            double value;
            try {
                value = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                throw new RecordException(source, i + 1, metric, m.group(4), "not a number");
            }
            Instant t = m.group(5) == null ? scrapeTime : Instant.ofEpochMilli(Long.parseLong(m.group(5)));
            series.add(metric, labels, t, value, i + 1);
        }
        return series.samples();
    }
}

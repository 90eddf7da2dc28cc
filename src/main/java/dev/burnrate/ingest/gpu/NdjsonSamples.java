package dev.burnrate.ingest.gpu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.burnrate.ledger.GpuSample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * GPU samples as NDJSON, one object a line:
 * {@code {"time":"2026-11-22T22:37:00Z","gpu":"GPU-8a57…","index":0,"host":"node-1","job":"fraud-retrain-42",
 * "pod":null,"namespace":null,"container":null,"util":87.5,"memUsedMiB":3461,"memTotalMiB":81559}}.
 * Read with Jackson's streaming parser: no tree per line.
 */
public final class NdjsonSamples {
    private static final JsonFactory JSON = new JsonFactory();

    private NdjsonSamples() {
    }

    public static List<GpuSample> parse(Reader in, String source) {
        List<GpuSample> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(in, 1 << 16)) {
            long line = 0;
            for (String l; (l = r.readLine()) != null; ) {
                line++;
                if (l.isBlank()) continue;
                out.add(one(l, source, line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static GpuSample one(String l, String source, long line) {
        String time = null, gpu = null, host = null, job = null, pod = null, ns = null, container = null;
        int index = 0;
        double util = Double.NaN;
        long used = -1, total = 0;
        try (JsonParser p = JSON.createParser(l)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new GpuInputException(source, line, null, l, "expected a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                boolean isNull = t == JsonToken.VALUE_NULL;
                switch (f) {
                    case "time" -> time = isNull ? null : p.getText();
                    case "gpu" -> gpu = isNull ? null : p.getText();
                    case "host" -> host = isNull ? null : p.getText();
                    case "job" -> job = isNull ? null : p.getText();
                    case "pod" -> pod = isNull ? null : p.getText();
                    case "namespace" -> ns = isNull ? null : p.getText();
                    case "container" -> container = isNull ? null : p.getText();
                    case "index" -> index = number(p, t, source, line, f).intValue();
                    case "util" -> util = number(p, t, source, line, f).doubleValue();
                    case "memUsedMiB" -> used = number(p, t, source, line, f).longValue();
                    case "memTotalMiB" -> total = number(p, t, source, line, f).longValue();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new GpuInputException(source, line, null, l.length() > 80 ? l.substring(0, 80) + "…" : l, "not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (time == null) throw new GpuInputException(source, line, "time", null, "required");
        if (gpu == null) throw new GpuInputException(source, line, "gpu", null, "required (the GPU's UUID)");
        if (Double.isNaN(util)) throw new GpuInputException(source, line, "util", null, "required (0-100)");
        if (used < 0) throw new GpuInputException(source, line, "memUsedMiB", used == -1 ? null : String.valueOf(used), "required, not negative");
        Instant t;
        try {
            t = Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new GpuInputException(source, line, "time", time, "not an ISO 8601 instant (e.g. 2026-11-22T22:37:00Z)");
        }
        try {
            return new GpuSample(t, host, gpu, index, job, pod, ns, container, util, used, total);
        } catch (IllegalArgumentException e) {
            throw new GpuInputException(source, line, null, null, e.getMessage());
        }
    }

    private static Number number(JsonParser p, JsonToken t, String source, long line, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new GpuInputException(source, line, field, p.getText(), "not a number");
        }
        return p.getNumberValue();
    }
}

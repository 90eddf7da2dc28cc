package dev.burnrate.ingest.gpu;

import dev.burnrate.ingest.RecordException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.burnrate.ledger.GpuSample;
import dev.burnrate.ledger.MigInstance;

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
 * "pod":null,"namespace":null,"container":null,"util":87.5,"memUsedMiB":3461,"memTotalMiB":81559}}; a MIG instance adds
 * {@code "gpuInstance":"1","gpuProfile":"1g.10gb"}. {@code util} and {@code memUsedMiB} are required; null says the
 * GPU could not tell (absent, not 0).
 * Read with Jackson's streaming parser: no tree per line.
 */
public final class NdjsonSamples {
    private static final JsonFactory JSON = new JsonFactory();

    private NdjsonSamples() {
    }

    public static List<GpuSample> parse(Reader in, String source) {
        try {
            return parse(JSON.createParser(in), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #parse(Reader, String)}, from UTF-8 bytes (a Kafka record's value): no reader and decoder per record. */
    public static List<GpuSample> parse(byte[] utf8, String source) {
        try {
            return parse(JSON.createParser(utf8), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static List<GpuSample> parse(JsonParser parser, String source) {
        List<GpuSample> out = new ArrayList<>();
        // one streaming parser over the whole body (NDJSON is a sequence of root-level objects); the line of each
        // object comes from the parser's location
        try (JsonParser p = parser) {
            LastTime last = new LastTime();
            JsonToken tok;
            while (true) {
                try {
                    tok = p.nextToken();
                } catch (IOException e) {
                    throw new RecordException(source, p.currentLocation().getLineNr(), null, null, "not valid JSON: " + e.getMessage().split("\n")[0]);
                }
                if (tok == null) break;
                long line = p.currentTokenLocation().getLineNr();
                if (tok != JsonToken.START_OBJECT) throw new RecordException(source, line, null, p.getText(), "expected a JSON object per line");
                out.add(one(p, source, line, last));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The previous sample's time text and instant, per parse call. */
    private static final class LastTime {
        String text;
        Instant instant;
    }

    private static GpuSample one(JsonParser p, String source, long line, LastTime last) throws IOException {
        String time = null, gpu = null, host = null, job = null, pod = null, ns = null, container = null, gi = null, profile = null;
        int index = 0;
        boolean hasUtil = false, hasUsed = false;
        Double util = null;
        Long used = null, total = null;
        try {
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
                    case "gpuInstance" -> gi = isNull ? null : p.getText();
                    case "gpuProfile" -> profile = isNull ? null : p.getText();
                    case "util" -> {
                        hasUtil = true;
                        util = isNull ? null : number(p, t, source, line, f).doubleValue();
                    }
                    case "memUsedMiB" -> {
                        hasUsed = true;
                        used = isNull ? null : number(p, t, source, line, f).longValue();
                    }
                    case "memTotalMiB" -> total = isNull ? null : number(p, t, source, line, f).longValue();
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RecordException(source, line, null, null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (time == null) throw new RecordException(source, line, "time", null, "required");
        if (gpu == null) throw new RecordException(source, line, "gpu", null, "required (the GPU's UUID)");
        if (!hasUtil) throw new RecordException(source, line, "util", null, "required (0-100, or null when the GPU cannot say)");
        if (!hasUsed) throw new RecordException(source, line, "memUsedMiB", null, "required (or null when the GPU cannot say)");
        if (used != null && used < 0) throw new RecordException(source, line, "memUsedMiB", String.valueOf(used), "must not be negative");
        MigInstance mig = null;
        if (gi != null || profile != null) {
            if (gi == null || profile == null) {
                throw new RecordException(source, line, gi == null ? "gpuInstance" : "gpuProfile", null, "a MIG instance needs both gpuInstance and gpuProfile");
            }
            try {
                mig = new MigInstance(gi, profile);
            } catch (IllegalArgumentException e) {
                throw new RecordException(source, line, "gpuProfile", profile, e.getMessage());
            }
        }
        Instant t;
        if (time.equals(last.text)) {
            t = last.instant; // samples of one scrape share their timestamp: parse it once
        } else {
            try {
                t = Instant.parse(time);
            } catch (DateTimeParseException e) {
                throw new RecordException(source, line, "time", time, "not an ISO 8601 instant (e.g. 2026-11-22T22:37:00Z)");
            }
        }
        last.text = time;
        last.instant = t;
        try {
            return new GpuSample(t, host, gpu, index, mig, job, pod, ns, container, util, used, total);
        } catch (IllegalArgumentException e) {
            throw new RecordException(source, line, null, null, e.getMessage());
        }
    }

    private static Number number(JsonParser p, JsonToken t, String source, long line, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new RecordException(source, line, field, p.getText(), "not a number");
        }
        return p.getNumberValue();
    }
}

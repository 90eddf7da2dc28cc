package dev.burnrate.ingest.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.JobRun;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Job runs as JSON: one object, an array, or NDJSON (one object a line). Fields: id, model, modelVersion, team,
 * kind, tier, instanceType, instanceCount, pricing, provider, region, start, end, status, checkpoints, evictions,
 * datasetSizeGb, tags. Every bad record names its line; a batch is all-or-nothing.
 */
public final class JobRunJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("id", "model", "modelVersion", "team", "kind", "tier", "instanceType", "instanceCount",
            "pricing", "provider", "region", "start", "end", "status", "checkpoints", "evictions", "datasetSizeGb", "tags");

    private JobRunJson() {
    }

    /**
     * The same runs one a line (NDJSON), as a log record carries them: an array's elements each on a line of its own;
     * NDJSON or one object as it is. Call on a body {@link #parse} accepted.
     */
    public static String ndjson(String body) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("[")) return body.endsWith("\n") ? body : body + "\n";
        StringBuilder out = new StringBuilder();
        try {
            for (JsonNode n : JSON.readTree(trimmed)) out.append(JSON.writeValueAsString(n)).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite job runs as NDJSON: " + e.getMessage(), e);
        }
        return out.toString();
    }

    public static List<JobRun> parse(Reader in, String source) {
        List<JobRun> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(in)) {
            String all = r.lines().reduce("", (a, b) -> a + b + "\n");
            String trimmed = all.strip();
            if (trimmed.isEmpty()) return out;
            if (trimmed.startsWith("[")) {
                JsonNode arr = read(trimmed, source, 1);
                int i = 0;
                for (JsonNode n : arr) out.add(job(n, source, ++i));
                return out;
            }
            String[] lines = all.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) continue;
                out.add(job(read(lines[i], source, i + 1), source, i + 1));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode read(String text, String source, long line) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new RecordException(source, line, null, null, "not valid JSON: " + e.getMessage().split("\n")[0]);
        }
    }

    private static JobRun job(JsonNode n, String source, long line) {
        if (!n.isObject()) throw new RecordException(source, line, null, n.toString(), "expected a JSON object");
        n.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw new RecordException(source, line, f, null, "unknown field; expected " + new java.util.TreeSet<>(FIELDS));
        });
        Map<String, String> tags = new LinkedHashMap<>();
        if (n.hasNonNull("tags")) n.get("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        try {
            return new JobRun(text(n, "id"), text(n, "model"), text(n, "modelVersion"), text(n, "team"), text(n, "kind"), text(n, "tier"),
                    text(n, "instanceType"), count(n, "instanceCount", 1, 1, source, line), text(n, "pricing"), text(n, "provider"), text(n, "region"),
                    instant(n, "start", source, line), instant(n, "end", source, line), text(n, "status"), count(n, "checkpoints", 0, 0, source, line),
                    count(n, "evictions", 0, 0, source, line), n.hasNonNull("datasetSizeGb") ? n.get("datasetSizeGb").asDouble() : null, tags);
        } catch (NullPointerException | IllegalArgumentException e) {
            if (e instanceof RecordException g) throw g;
            throw new RecordException(source, line, null, null, e.getMessage());
        }
    }

    /** A whole number of at least {@code min} ({@code absent} when not given): 0 instances or 1.5 of them is refused, not costed as 1. */
    private static int count(JsonNode n, String f, int absent, int min, String source, long line) {
        if (!n.hasNonNull(f)) return absent;
        JsonNode v = n.get(f);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
            throw new RecordException(source, line, f, v.toString(), "expected a whole number of at least " + min);
        }
        return v.asInt();
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }

    private static Instant instant(JsonNode n, String f, String source, long line) {
        String v = text(n, f);
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new RecordException(source, line, f, v, "not an ISO 8601 instant");
        }
    }
}

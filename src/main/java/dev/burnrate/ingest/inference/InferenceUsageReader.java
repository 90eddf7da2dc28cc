package dev.burnrate.ingest.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.InferenceUsage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Inference usage: NDJSON records ({@code start, end, model, variant, feature, customer, endpoint, requests,
 * inputTokens, outputTokens, latencyP50Ms, latencyP95Ms, latencyP99Ms, errors}), or a per-request trace in the
 * Azure LLM inference format ({@code TIMESTAMP,ContextTokens,GeneratedTokens}) rolled up into intervals.
 */
public final class InferenceUsageReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AZURE_TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSS]");

    private InferenceUsageReader() {
    }

    public static List<InferenceUsage> ndjson(Reader in, String source) {
        List<InferenceUsage> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(in)) {
            long line = 0;
            for (String l; (l = r.readLine()) != null; ) {
                line++;
                if (l.isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(l);
                } catch (IOException e) {
                    throw new RecordException(source, line, null, null, "not valid JSON: " + e.getMessage().split("\n")[0]);
                }
                try {
                    out.add(new InferenceUsage(instant(n, "start", source, line), instant(n, "end", source, line), text(n, "model"),
                            text(n, "variant"), text(n, "feature"), text(n, "customer"), text(n, "endpoint"), n.path("requests").asLong(0),
                            n.path("inputTokens").asLong(0), n.path("outputTokens").asLong(0), dbl(n, "latencyP50Ms"), dbl(n, "latencyP95Ms"),
                            dbl(n, "latencyP99Ms"), n.path("errors").asLong(0)));
                } catch (NullPointerException | IllegalArgumentException e) {
                    throw new RecordException(source, line, null, null, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Rolls a per-request trace up into usage records of {@code interval} (UTC-aligned). */
    public static List<InferenceUsage> azureTrace(Reader in, String source, Duration interval, String model, String feature, String customer,
                                                  String endpoint) {
        Map<Long, long[]> buckets = new TreeMap<>(); // bucket start (epoch s) -> requests, input, output
        try (BufferedReader r = new BufferedReader(in)) {
            String header = r.readLine();
            if (header == null || !header.replace("\"", "").strip().equalsIgnoreCase("TIMESTAMP,ContextTokens,GeneratedTokens")) {
                throw new RecordException(source, 1, null, header, "expected the header TIMESTAMP,ContextTokens,GeneratedTokens");
            }
            long line = 1;
            long step = interval.getSeconds();
            for (String l; (l = r.readLine()) != null; ) {
                line++;
                if (l.isBlank()) continue;
                String[] v = l.split(",");
                if (v.length != 3) throw new RecordException(source, line, null, l, "expected 3 columns");
                long t;
                try {
                    t = LocalDateTime.parse(v[0].strip(), AZURE_TS).toEpochSecond(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new RecordException(source, line, "TIMESTAMP", v[0], "expected yyyy-MM-dd HH:mm:ss.fffffff");
                }
                long[] b = buckets.computeIfAbsent(t - Math.floorMod(t, step), k -> new long[3]);
                b[0]++;
                try {
                    b[1] += Long.parseLong(v[1].strip());
                    b[2] += Long.parseLong(v[2].strip());
                } catch (NumberFormatException e) {
                    throw new RecordException(source, line, "tokens", l, "token counts must be whole numbers");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        List<InferenceUsage> out = new ArrayList<>();
        buckets.forEach((s, b) -> out.add(new InferenceUsage(Instant.ofEpochSecond(s), Instant.ofEpochSecond(s).plus(interval), model, null,
                feature, customer, endpoint, b[0], b[1], b[2], null, null, null, 0)));
        return out;
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }

    private static Double dbl(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asDouble() : null;
    }

    private static Instant instant(JsonNode n, String f, String source, long line) {
        String v = text(n, f);
        if (v == null) throw new RecordException(source, line, f, null, "required");
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new RecordException(source, line, f, v, "not an ISO 8601 instant");
        }
    }
}

package dev.burnrate.ingest.gpu;

import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.GpuSample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code nvidia-smi --query-gpu=timestamp,index,uuid,utilization.gpu,memory.used,memory.total --format=csv}
 * (with or without {@code nounits}; the columns may come in any order and others are ignored). nvidia-smi writes
 * local time without a zone: it is read as UTC unless the host's offset is given. A value nvidia-smi cannot give
 * ({@code [N/A]}, {@code [Not Supported]}) is absent: a GPU in MIG mode reports {@code [N/A]} utilisation (its
 * instances have their own, which DCGM publishes), and such a row is stored with its memory and no utilisation.
 */
public final class NvidiaSmiCsv {
    private static final java.util.Set<String> ABSENT = java.util.Set.of("[N/A]", "N/A", "[Not Supported]");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss[.SSS]");

    private NvidiaSmiCsv() {
    }

    public static List<GpuSample> parse(Reader in, String source, String host, String job, ZoneOffset offset) {
        List<GpuSample> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(in)) {
            String headerLine = r.readLine();
            if (headerLine == null || headerLine.isBlank()) throw new RecordException(source, 1, null, null, "empty: no header");
            String[] h = headerLine.split(",");
            int ts = -1, idx = -1, uuid = -1, util = -1, used = -1, total = -1;
            for (int i = 0; i < h.length; i++) {
                String name = h[i].strip().toLowerCase(Locale.ROOT).replaceAll("\\s*\\[.*]", "");
                switch (name) {
                    case "timestamp" -> ts = i;
                    case "index" -> idx = i;
                    case "uuid" -> uuid = i;
                    case "utilization.gpu" -> util = i;
                    case "memory.used" -> used = i;
                    case "memory.total" -> total = i;
                    default -> {
                    }
                }
            }
            if (ts < 0 || uuid < 0 || util < 0 || used < 0) {
                throw new RecordException(source, 1, null, headerLine, "not nvidia-smi --query-gpu CSV: needs timestamp, uuid, "
                        + "utilization.gpu and memory.used (with --format=csv)");
            }
            long line = 1;
            for (String l; (l = r.readLine()) != null; ) {
                line++;
                if (l.isBlank()) continue;
                String[] v = l.split(",");
                if (v.length != h.length) throw new RecordException(source, line, null, l, "expected " + h.length + " columns, found " + v.length);
                LocalDateTime t;
                try {
                    t = LocalDateTime.parse(v[ts].strip(), TS);
                } catch (DateTimeParseException e) {
                    throw new RecordException(source, line, "timestamp", v[ts].strip(), "expected yyyy/MM/dd HH:mm:ss.SSS");
                }
                try {
                    Double index = idx < 0 ? null : number(source, line, "index", v[idx]);
                    Double usedMiB = number(source, line, "memory.used", v[used]);
                    Double totalMiB = total < 0 ? null : number(source, line, "memory.total", v[total]);
                    out.add(new GpuSample(t.toInstant(offset), host, v[uuid].strip(), index == null ? 0 : index.intValue(), null,
                            job, null, null, null, number(source, line, "utilization.gpu", v[util]),
                            usedMiB == null ? null : usedMiB.longValue(), totalMiB == null ? null : totalMiB.longValue()));
                } catch (IllegalArgumentException e) {
                    throw new RecordException(source, line, null, l, e.getMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * "87 %", "3461 MiB", "87" (nounits); nvidia-smi's "[N/A]" (e.g. utilization.gpu of a GPU in MIG mode, whose
     * utilisation is per instance) and "[Not Supported]" are an absent value (null), not 0 and not an error.
     */
    private static Double number(String source, long line, String field, String raw) {
        String s = raw.strip();
        if (ABSENT.contains(s)) return null;
        s = s.replace("%", "").replace("MiB", "").strip();
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new RecordException(source, line, field, raw.strip(), "not a number");
        }
    }
}

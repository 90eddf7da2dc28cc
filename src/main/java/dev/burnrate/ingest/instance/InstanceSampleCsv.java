package dev.burnrate.ingest.instance;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.burnrate.ingest.RecordException;
import dev.burnrate.ledger.InstanceSample;

import java.io.Reader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads instance utilisation samples from CSV with a header: {@code timestamp}, {@code resource_id}, {@code cpu_utilization}
 * and, optionally, {@code memory_utilization}, in any order (other columns ignored). The names CloudWatch gives the same
 * figures are accepted too ({@code InstanceId}, {@code CPUUtilization}, {@code mem_used_percent}). A timestamp must carry
 * its offset ({@code 2026-11-20T08:05:00Z}): a local time would be re-timed by a guess. Percentages are 0-100; an empty
 * memory cell is "not measured", never 0. One bad line rejects the file.
 */
public final class InstanceSampleCsv {
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("timestamp", "timestamp"), Map.entry("time", "timestamp"),
            Map.entry("resource_id", "resource_id"), Map.entry("resourceid", "resource_id"), Map.entry("instance_id", "resource_id"),
            Map.entry("instanceid", "resource_id"),
            Map.entry("cpu_utilization", "cpu_utilization"), Map.entry("cpuutilization", "cpu_utilization"), Map.entry("cpu_percent", "cpu_utilization"),
            Map.entry("memory_utilization", "memory_utilization"), Map.entry("mem_used_percent", "memory_utilization"),
            Map.entry("memory_percent", "memory_utilization"));

    private InstanceSampleCsv() {
    }

    public static List<InstanceSample> parse(Reader in, String source) {
        List<InstanceSample> out = new ArrayList<>();
        try (CsvReader<CsvRecord> r = CsvReader.builder().allowExtraFields(true).allowMissingFields(true).ofCsvRecord(in)) {
            int ts = -1, id = -1, cpu = -1, mem = -1, width = 0;
            boolean header = true;
            for (CsvRecord rec : r) {
                long line = rec.getStartingLineNumber();
                if (header) {
                    header = false;
                    width = rec.getFieldCount();
                    for (int i = 0; i < width; i++) {
                        String name = NAMES.get(rec.getField(i).strip().toLowerCase(Locale.ROOT));
                        if (name == null) continue;
                        switch (name) {
                            case "timestamp" -> ts = i;
                            case "resource_id" -> id = i;
                            case "cpu_utilization" -> cpu = i;
                            default -> mem = i;
                        }
                    }
                    if (ts < 0 || id < 0 || cpu < 0) {
                        throw new RecordException(source, line, null, String.join(",", rec.getFields()),
                                "not instance samples: the header needs timestamp, resource_id and cpu_utilization (memory_utilization optional)");
                    }
                    continue;
                }
                if (rec.getFieldCount() == 1 && rec.getField(0).isBlank()) continue;
                if (rec.getFieldCount() != width) {
                    throw new RecordException(source, line, null, String.join(",", rec.getFields()), "expected " + width + " columns, found " + rec.getFieldCount());
                }
                Instant t;
                String rawTime = rec.getField(ts).strip();
                try {
                    t = OffsetDateTime.parse(rawTime).toInstant();
                } catch (DateTimeParseException e) {
                    throw new RecordException(source, line, "timestamp", rawTime, "expected an ISO-8601 instant with its offset, e.g. 2026-11-20T08:05:00Z");
                }
                String resource = rec.getField(id).strip();
                if (resource.isEmpty()) throw new RecordException(source, line, "resource_id", "", "empty: the sample names no instance");
                double c = percent(source, line, "cpu_utilization", rec.getField(cpu));
                String rawMem = mem < 0 ? "" : rec.getField(mem).strip();
                Double m = rawMem.isEmpty() ? null : percent(source, line, "memory_utilization", rawMem);
                out.add(new InstanceSample(t, resource, c, m));
            }
            if (header) throw new RecordException(source, 1, null, null, "empty: no header");
            return out;
        } catch (CsvParseException e) {
            throw new RecordException(source, 0, null, null, "not CSV: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static double percent(String source, long line, String field, String raw) {
        String s = raw.strip();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new RecordException(source, line, field, s, "not a number");
        }
        if (!(v >= 0 && v <= 100)) throw new RecordException(source, line, field, s, "a percentage must be within 0-100");
        return v;
    }
}

package dev.burnrate.anomaly;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Anomaly scores for any time series in a CSV file: one output row per input row, in input order
 * ({@code timestamp,value,anomaly_score,is_anomaly}). Times are ISO 8601, epoch seconds, milli-, micro- or nanoseconds, or sequence
 * numbers (then there is no season). The sampling step is the median spacing between distinct timestamps, taken to
 * the step that divides a day where within 5% of one (collectors drift around their schedule); gaps and repeated
 * timestamps are kept as they are (the season is looked up by time, not by row). The candidate
 * season is a day for intraday data and a week for daily data; the detector uses it only where it predicts better.
 */
public final class GenericSeries {
    public enum Method { ROBUST, BASELINE }

    /**
     * A series as read: its timestamps as written, values (NaN = missing), times in seconds (epoch seconds, or the
     * sequence numbers themselves where the time column counts rows), the median spacing, and whether the times are
     * clock times (false for sequence numbers: the sampling rate, and so a daily season, is unknown).
     */
    public record Series(List<String> timestamps, double[] values, long[] epochSeconds, long medianStepSeconds, boolean clock) {
        /**
         * Per row, its time in sampling steps from the first row ({@link #read} takes rows in time order only), counted
         * from the schedule the rows keep on average (the circular mean of their times within a step) rather than from
         * the first row's time: where times drift around their schedule by up to half a step either way, a first row
         * late by 2 of its 5 minutes put every row 2.5 minutes early of it one slot too early, and the same time of the
         * day before was looked up a row off. Like the step, the phase is taken from the whole file's times: a
         * row's slot can depend on later rows' times (a collector restarted off its schedule), never on values.
         */
        public long[] slots() {
            int n = epochSeconds.length;
            double step = medianStepSeconds;
            double sin = 0;
            double cos = 0;
            for (long t : epochSeconds) {
                double angle = 2 * Math.PI * Math.floorMod(t - epochSeconds[0], medianStepSeconds) / step;
                sin += Math.sin(angle);
                cos += Math.cos(angle);
            }
            double phase = n == 0 || (sin == 0 && cos == 0) ? 0 : Math.atan2(sin, cos) / (2 * Math.PI) * step;
            long[] out = new long[n];
            for (int i = 0; i < n; i++) out[i] = Math.round((epochSeconds[i] - epochSeconds[0] - phase) / step);
            long first = n == 0 ? 0 : out[0];
            for (int i = 0; i < n; i++) out[i] -= first;
            return out;
        }

        /** Points per season the detector may use: from the sampling rate, none for sequence numbers. */
        public int period() {
            return clock ? GenericSeries.period(medianStepSeconds) : 0;
        }

        /** Rows whose time is that of the row above (real telemetry has a few; many suggest several series in one file). */
        public int repeatedTimes() {
            int n = 0;
            for (int i = 1; i < epochSeconds.length; i++) if (epochSeconds[i] == epochSeconds[i - 1]) n++;
            return n;
        }

        /**
         * A warning for people when a tenth or more of the rows repeat the time of the row above: a long-format export
         * (one row per host or label at each time) read as one series mixes them, and its step is wrong.
         */
        public java.util.Optional<String> mixedSeriesWarning() {
            int repeated = repeatedTimes();
            if (repeated * 10L < epochSeconds.length) return java.util.Optional.empty();
            return java.util.Optional.of(repeated + " of " + epochSeconds.length + " rows repeat the time of the row above: if the file holds"
                    + " several series (a host or label column), score each one alone");
        }

        /** The sampling step and season, for people. */
        public String describeStep() {
            return clock ? "step " + medianStepSeconds + " s, season " + period() + " points"
                    : "sequence numbers, step " + medianStepSeconds + ", no season";
        }
    }

    private GenericSeries() {
    }

    /** The header has no column of the name looked for: the time column ({@code time}) or the value column. */
    public static final class MissingColumn extends IllegalArgumentException {
        private final boolean time;

        MissingColumn(String message, boolean time) {
            super(message);
            this.time = time;
        }

        public boolean time() {
            return time;
        }
    }

    public static Series read(Path file, String timeColumn, String valueColumn) {
        List<String> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        List<Long> epochs = new ArrayList<>();
        TimeKind kind = null;
        refuseWhatIsNotText(file);
        // rows of another width are reported here, by line, rather than by FastCSV's record count
        try (CsvReader<CsvRecord> r = CsvReader.builder().allowExtraFields(true).allowMissingFields(true).ofCsvRecord(file)) {
            int ti = -1;
            int vi = -1;
            int width = -1;
            String valueAt = null;
            String timeAt = null;
            for (CsvRecord rec : r) {
                if (ti < 0) {
                    // a byte-order mark (a spreadsheet's UTF-8 export) is not part of the first column's name
                    List<String> h = rec.getFields().stream().map(s -> s.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT)).toList();
                    String separator = h.size() == 1 ? (h.get(0).contains(";") ? "';'" : h.get(0).contains("\t") ? "a tab" : null) : null;
                    if (separator != null) throw new IllegalArgumentException(file + ":1: the header '" + rec.getField(0).strip()
                            + "' is one column separated by " + separator + ": the file must be comma-separated");
                    ti = timeColumn == null ? h.indexOf("timestamp") : h.indexOf(timeColumn.toLowerCase(Locale.ROOT));
                    vi = valueColumn == null ? h.indexOf("value") : h.indexOf(valueColumn.toLowerCase(Locale.ROOT));
                    if (ti < 0) throw new MissingColumn(file + ":1: no time column '" + (timeColumn == null ? "timestamp" : timeColumn) + "' in " + h, true);
                    if (vi < 0) throw new MissingColumn(file + ":1: no value column '" + (valueColumn == null ? "value" : valueColumn) + "' in " + h, false);
                    width = h.size();
                    // where a row's value or time is wrong: line, column (counted from 1) and the column's name
                    valueAt = ": column " + (vi + 1) + " (" + rec.getField(vi).replace("\uFEFF", "").strip() + ")";
                    timeAt = ": column " + (ti + 1) + " (" + rec.getField(ti).replace("\uFEFF", "").strip() + ")";
                    continue;
                }
                long line = rec.getStartingLineNumber();
                if (rec.getFieldCount() != width) throw new IllegalArgumentException(file + ":" + line + ": " + rec.getFieldCount()
                        + " fields where the header has " + width + " ('" + String.join(",", rec.getFields()) + "'): is the separator a comma?");
                String t = rec.getField(ti).strip();
                String v = rec.getField(vi).strip();
                TimeKind k = TimeKind.of(t);
                if (kind == null) kind = k;
                else if (k != kind) throw new IllegalArgumentException(file + ":" + line + timeAt + " '" + t + "' is " + k.description
                        + ", the rows before it " + kind.description);
                long at = kind.seconds(file + ":" + line + timeAt, t);
                if (!epochs.isEmpty() && at < epochs.get(epochs.size() - 1)) throw new IllegalArgumentException(file + ":" + line
                        + timeAt + " '" + t + "' is before the row above it ('" + ts.get(ts.size() - 1) + "'): the series must be in time order");
                epochs.add(at);
                ts.add(t);
                double value;
                try {
                    value = v.isEmpty() || v.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + line + valueAt + " '" + v + "' is not a number"
                            + (v.contains("\n") ? " (it runs over several lines: is a quote left open?)" : ""));
                }
                if (Double.isInfinite(value)) throw new IllegalArgumentException(file + ":" + line + valueAt + " '" + v + "' is not a finite number");
                vs.add(value);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + file + ": no such file");
        } catch (java.io.UncheckedIOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            throw new IllegalArgumentException(file + ": not a CSV file: " + e.getMessage());
        }
        if (ts.isEmpty()) throw new IllegalArgumentException(file + ": no rows to score");
        double[] values = vs.stream().mapToDouble(Double::doubleValue).toArray();
        // the step is the median spacing between distinct times: a repeated time is not a step of 0
        long[] steps = java.util.stream.IntStream.range(1, epochs.size()).mapToLong(i -> epochs.get(i) - epochs.get(i - 1)).filter(d -> d > 0).sorted().toArray();
        long median = steps.length == 0 ? 86400 : Math.max(1, steps[steps.length / 2]);
        long step = kind == TimeKind.SEQUENCE ? median : nominalStep(median); // sequence numbers are no seconds
        return new Series(ts, values, epochs.stream().mapToLong(Long::longValue).toArray(), step, kind != TimeKind.SEQUENCE);
    }

    /** Sampling steps that divide a day, in seconds: what collectors are set to. */
    private static final long[] NOMINAL_STEPS = {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 600,
            900, 1200, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400};

    /**
     * The median spacing taken to the nearest step that divides a day where it is within 5% of one. Timestamps of
     * real collectors drift by a few seconds or minutes around their schedule, and the median of those spacings
     * lands beside it: 5-minute samples jittered by up to 2 minutes gave 297-302 s, a season of 286-291 points, and
     * a slot (a row's place in time, by which the season is looked up) that drifted by a row every day or so, so the
     * same time of the previous days was looked up at the wrong rows: with {@link Series#slots()}, 49 alarms on
     * ordinary points in ten such 10-day series, 5 now (exact times: about 4).
     */
    static long nominalStep(long median) {
        for (long s : NOMINAL_STEPS) if (Math.abs(median - s) <= 0.05 * s) return s;
        return median;
    }

    /** A folder or a compressed file is refused by name, before its bytes are read as rows. */
    private static void refuseWhatIsNotText(Path file) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException("cannot read " + file + ": it is a folder, not a CSV file");
        if (!Files.isRegularFile(file)) return; // a missing file is reported where it is opened
        byte[] head = new byte[4];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String kind = n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b ? "gzip-compressed (gunzip it first)"
                : n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4 ? "a zip archive (unzip it first)"
                : n >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1' ? "Parquet (export it as CSV)" : null;
        if (kind != null) throw new IllegalArgumentException("cannot read " + file + ": it is " + kind + ", not a CSV file");
    }

    /**
     * How a time column writes time. A plain number is epoch nanoseconds from 10^17, microseconds from 10^14,
     * milliseconds from 10^11, seconds from 10^8 (each 1973 onwards), and below that a sequence number (a row count
     * or position: benchmarks of series often number their rows).
     */
    private enum TimeKind {
        ISO("an ISO 8601 time"), EPOCH_SECONDS("epoch seconds"), EPOCH_MILLIS("epoch milliseconds"), EPOCH_MICROS("epoch microseconds"),
        EPOCH_NANOS("epoch nanoseconds"), SEQUENCE("a sequence number");

        final String description;

        TimeKind(String description) {
            this.description = description;
        }

        static TimeKind of(String t) {
            if (!t.matches("-?\\d+(\\.\\d+)?")) return ISO;
            double v = Math.abs(Double.parseDouble(t));
            return v >= 1e17 ? EPOCH_NANOS : v >= 1e14 ? EPOCH_MICROS : v >= 1e11 ? EPOCH_MILLIS : v >= 1e8 ? EPOCH_SECONDS : SEQUENCE;
        }

        /** {@code where}: the file, line and column the time is at, for an error. */
        long seconds(String where, String t) {
            return switch (this) {
                case ISO -> epoch(where, t);
                case EPOCH_NANOS -> {
                    try {
                        yield new java.math.BigDecimal(t).movePointLeft(9).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
                    } catch (ArithmeticException e) {
                        throw new IllegalArgumentException(where + " '" + t + "' is out of range for epoch nanoseconds");
                    }
                }
                case EPOCH_MICROS -> (long) Math.floor(Double.parseDouble(t) / 1e6);
                case EPOCH_MILLIS -> (long) Math.floor(Double.parseDouble(t) / 1000);
                case EPOCH_SECONDS, SEQUENCE -> (long) Math.floor(Double.parseDouble(t));
            };
        }
    }

    private static long epoch(String where, String t) {
        String s = t.replace(' ', 'T');
        if (s.matches("\\d{4}/\\d{2}/\\d{2}.*")) s = s.substring(0, 10).replace('/', '-') + s.substring(10); // 2014/04/01 00:00
        if (s.matches(".*[+-]\\d{4}$") && s.length() > 16) s = s.substring(0, s.length() - 2) + ":" + s.substring(s.length() - 2); // +0000 as +00:00
        try {
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) return Instant.parse(s).getEpochSecond();
            if (s.length() == 10) s = s + "T00:00:00";
            return LocalDateTime.parse(s).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toEpochSecond();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(where + " '" + t + "' is not an ISO 8601 time (2024-05-01 13:00:00), epoch seconds, milli-, micro- or nanoseconds, or a sequence number");
            }
        }
    }

    /** Points per season: a day of intraday points, a week of daily points, none for coarser data. */
    public static int period(long stepSeconds) {
        if (stepSeconds < 86400) return (int) Math.max(2, Math.round(86400.0 / stepSeconds));
        if (stepSeconds == 86400) return 7;
        return 0;
    }

    public static SeriesDetector.Scores score(Series s, Method method, SeriesDetector.Settings settings) {
        return switch (method) {
            case ROBUST -> new SeriesDetector(settings).score(s.values(), s.slots(), s.period());
            case BASELINE -> RollingMeanBaseline.score(s.values(), baselineWindow(s.values().length, s.medianStepSeconds()));
        };
    }

    /**
     * The baseline's window: 7 days of rows at the series' own sampling interval (168 for hourly data, 10,080 for
     * minute data), or 168 rows (7 days of hourly rows) where the series is shorter than 7 days of rows, so a short
     * series of seconds still warms up (as ../shared/tools/README.md describes its baseline A).
     */
    public static int baselineWindow(int rows, long stepSeconds) {
        long week = Math.max(2, 7 * 86400 / Math.max(1, stepSeconds));
        return week <= rows ? (int) week : 168;
    }

    public static void write(Path out, Series s, SeriesDetector.Scores sc) {
        try {
            if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
            try (BufferedWriter w = Files.newBufferedWriter(out)) {
                write(w, s, sc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** The scores as CSV ({@code timestamp,value,anomaly_score,is_anomaly}), one row per input row. */
    public static void write(java.io.Writer w, Series s, SeriesDetector.Scores sc) throws IOException {
        w.write("timestamp,value,anomaly_score,is_anomaly\n");
        for (int i = 0; i < s.values().length; i++) {
            w.write(s.timestamps().get(i));
            w.write(',');
            w.write(Double.isNaN(s.values()[i]) ? "" : Double.toString(s.values()[i]));
            w.write(',');
            w.write(String.format(Locale.ROOT, "%.4f", sc.score()[i]));
            w.write(sc.incident(i) ? ",1\n" : ",0\n");
        }
        w.flush();
    }
}

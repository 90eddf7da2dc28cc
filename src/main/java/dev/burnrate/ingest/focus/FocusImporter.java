package dev.burnrate.ingest.focus;

import dev.burnrate.allocation.TagMap;
import dev.burnrate.ledger.FocusColumn;
import dev.burnrate.ledger.Money;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Imports FOCUS exports into the ledger.
 * <ol>
 *   <li>Read the header, detect the FOCUS version, refuse files that are not FOCUS.</li>
 *   <li>Skip a file whose content (SHA-256) is already in the ledger.</li>
 *   <li>Load its rows in one transaction; a row that cannot be stored fails the file, naming line and column.</li>
 *   <li>Refuse unknown currencies; collect allowed-value breaches as warnings.</li>
 *   <li>Give new tag sets their dimensions through the tag map.</li>
 *   <li>Replace earlier rows of the same (provider, billing account, billing period): a restated export wins.</li>
 *   <li>Log file, hash, rows and totals; commit. Any failure rolls the whole batch of that file back.</li>
 * </ol>
 */
public final class FocusImporter {
    private final FocusLedger ledger;
    private final TagMap tagMap;
    private final Clock clock;

    public FocusImporter(FocusLedger ledger, TagMap tagMap, Clock clock) {
        this.ledger = ledger;
        this.tagMap = tagMap;
        this.clock = clock;
    }

    /** Reads the header of any supported file type. */
    public FocusHeader header(SourceFile file) {
        List<String> names = file.format() == SourceFile.Format.PARQUET
                ? ledger.parquetColumns(file.path())
                : CsvRowSource.readHeader(file);
        return FocusHeader.parse(file.name(), names);
    }

    /**
     * Imports files; each is all-or-nothing. Files that load are committed together, so a billing period
     * split over several part files of one export is replaced as a whole.
     */
    public ImportReport importFiles(List<java.nio.file.Path> paths) {
        return importFiles(paths, java.util.Map.of());
    }

    /** As {@link #importFiles(List)}, each file known by its name in {@code names} where it has one (an upload's). */
    public ImportReport importFiles(List<java.nio.file.Path> paths, java.util.Map<java.nio.file.Path, String> names) {
        return importFiles(paths, names, false);
    }

    /**
     * The part files of one delivery of an export (one manifest, one folder): all of them or none. A refused part rolls
     * the others back, since importing the rest would restate the period without the refused part's rows.
     */
    public ImportReport importDelivery(List<java.nio.file.Path> paths, java.util.Map<java.nio.file.Path, String> names) {
        return importFiles(paths, names, true);
    }

    private ImportReport importFiles(List<java.nio.file.Path> paths, java.util.Map<java.nio.file.Path, String> names, boolean allOrNone) {
        List<ImportReport.FileResult> results = new ArrayList<>();
        List<Staged> staged = new ArrayList<>();
        // an unchanged part delivered again beside changed ones: its stored rows stay when the others restate the period
        List<String> unchanged = new ArrayList<>();
        try (FocusLedger.Batch batch = ledger.begin()) {
            for (java.nio.file.Path p : paths) {
                String name = names.getOrDefault(p, p.toString());
                try {
                    SourceFile file = SourceFile.of(p).named(name);
                    FocusHeader header = header(file);
                    // hash while DuckDB loads: the hash decides only whether this load is kept
                    CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> sha256(file));
                    String importId = UUID.randomUUID().toString();
                    long rows;
                    try {
                        rows = batch.load(importId, file, header);
                    } catch (FocusFileException e) {
                        throw locate(file, header, e);
                    }
                    List<String> earlier = ledger.importsOf(hash.join());
                    if (!earlier.isEmpty()) {
                        unchanged.addAll(earlier);
                        batch.discard(importId);
                        results.add(new ImportReport.Skipped(name, "identical content already imported; nothing changed"));
                        continue;
                    }
                    if (rows == 0) {
                        throw FocusFileException.wholeFile(name, "no data rows after the header (empty or truncated file)");
                    }
                    List<String> warnings = checkValues(batch, file, header, importId);
                    staged.add(new Staged(file, header, importId, hash.join(), rows, warnings));
                } catch (FocusFileException e) {
                    results.add(new ImportReport.Failed(name, e));
                    batch.close();
                    if (allOrNone) return refuseDelivery(paths, names, p, e);
                    return retryWithout(paths, names, p, results);
                }
            }
            Map<Long, Map<String, String>> dims = new HashMap<>();
            batch.newTagSets().forEach((key, tags) -> dims.put(key, tagMap.apply(tags)));
            batch.putDimensions(dims);
            long replaced = batch.replacePeriods(staged.stream().map(Staged::importId).toList(), unchanged);
            Instant now = clock.instant();
            for (Staged s : staged) {
                ImportReport.Imported summary = summarise(batch, s);
                batch.log(new FocusLedger.ImportLogEntry(s.importId, s.file.name(), s.sha256, s.header.version().label(),
                        s.rows, now, replaced, summary.billedByCurrency(), summary.effectiveByCurrency(), s.warnings));
                results.add(summary);
            }
            batch.commit();
            return new ImportReport(List.copyOf(results), replaced);
        }
    }

    /** A part of one delivery failed: the batch rolled back; every other part is reported as not imported because of it. */
    private static ImportReport refuseDelivery(List<java.nio.file.Path> paths, java.util.Map<java.nio.file.Path, String> names, java.nio.file.Path failed,
                                               FocusFileException cause) {
        List<ImportReport.FileResult> out = new ArrayList<>();
        out.add(new ImportReport.Failed(cause.file(), cause));
        String failedName = names.getOrDefault(failed, failed.toString());
        for (java.nio.file.Path p : paths) {
            if (p.equals(failed)) continue;
            String name = names.getOrDefault(p, p.toString());
            out.add(new ImportReport.Failed(name, FocusFileException.wholeFile(name,
                    "not imported: another part of the same delivery (" + failedName + ") was refused, and the period is replaced only as a whole")));
        }
        return new ImportReport(List.copyOf(out), 0);
    }

    /** A file failed inside the batch: the batch rolls back, and the other files are imported again without it. */
    private ImportReport retryWithout(List<java.nio.file.Path> paths, java.util.Map<java.nio.file.Path, String> names, java.nio.file.Path failed,
                                      List<ImportReport.FileResult> results) {
        List<ImportReport.FileResult> out = new ArrayList<>();
        out.add(results.get(results.size() - 1));
        List<java.nio.file.Path> rest = new ArrayList<>(paths);
        rest.remove(failed);
        if (rest.isEmpty()) return new ImportReport(List.copyOf(out), 0);
        ImportReport again = importFiles(rest, names);
        out.addAll(again.files());
        return new ImportReport(List.copyOf(out), again.replacedRows());
    }

    private List<String> checkValues(FocusLedger.Batch batch, SourceFile file, FocusHeader header, String importId) {
        for (FocusColumn currencyColumn : List.of(FocusColumn.BillingCurrency, FocusColumn.PricingCurrency)) {
            if (!header.has(currencyColumn)) continue;
            for (String code : batch.distinctValues(importId, currencyColumn).keySet()) {
                if (code == null && currencyColumn == FocusColumn.BillingCurrency) {
                    throw refuse(file, header, currencyColumn, null, "BillingCurrency must not be null: an amount without a currency cannot be stored");
                }
                if (code != null && !Money.isKnownCurrency(code)) {
                    throw refuse(file, header, currencyColumn, code, "unknown currency: not an ISO 4217 code");
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        checkRows(batch, file, header, importId, warnings);
        for (FocusColumn c : FocusColumn.values()) {
            List<String> allowed = FocusRules.allowedValues(c);
            if (allowed == null || !header.has(c)) continue;
            batch.distinctValues(importId, c).forEach((value, count) -> {
                if (value != null && !allowed.contains(value)) {
                    warnings.add(count + " row(s) with " + c.name() + " '" + value + "' (not an allowed value; stored as is; run 'burnrate validate focus' for lines)");
                }
            });
        }
        return warnings;
    }

    /**
     * What {@code validate} calls an error in a row is never stored as if it were fine. A row the totals would
     * drop or misplace (a null billed or effective cost, a null account or period, a period that ends before it
     * starts, Tags that are not a JSON object) fails the file. A breach that loses nothing the ledger reports on
     * exactly (a null list or contracted cost, a column FOCUS requires but Burnrate does not need) is stored with a
     * warning, which the import prints and keeps in the import log.
     */
    private void checkRows(FocusLedger.Batch batch, SourceFile file, FocusHeader header, String importId, List<String> warnings) {
        Set<FocusColumn> notNull = FocusRules.notNull(header.version());
        List<FocusColumn> present = notNull.stream().filter(header::has).filter(c -> c != FocusColumn.BillingCurrency).toList();
        for (var e : batch.nullCounts(importId, present).entrySet()) {
            FocusColumn c = e.getKey();
            if (FocusHeader.REQUIRED_TO_STORE.contains(c)) {
                throw refuse(file, header, c, null, c.name() + " must not be null: " + (c.type() == FocusColumn.Type.DECIMAL
                        ? "the row's cost would be left out of every total" : "the row could not be placed in its account and period")
                        + " (" + e.getValue() + " row(s))");
            }
            warnings.add(e.getValue() + " row(s) with a null " + c.name() + " (FOCUS requires a value; stored as null"
                    + (c.type() == FocusColumn.Type.DECIMAL ? ", left out of " + c.name() + " totals" : "") + ")");
        }
        for (FocusColumn[] p : new FocusColumn[][]{{FocusColumn.ChargePeriodStart, FocusColumn.ChargePeriodEnd},
                {FocusColumn.BillingPeriodStart, FocusColumn.BillingPeriodEnd}}) {
            long n = batch.endNotAfterStart(importId, p[0], p[1]);
            if (n == 0) continue;
            int si = header.indexOf(p[0]);
            int ei = header.indexOf(p[1]);
            long line = firstLine(file, v -> {
                try {
                    return v.get(si) != null && v.get(ei) != null
                            && !FocusValues.parseDateTime(v.get(ei)).isAfter(FocusValues.parseDateTime(v.get(si)));
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    return false;
                }
            });
            throw at(file, line, p[1].name(), null, p[1].name() + " must be after " + p[0].name() + " (" + n + " row(s))");
        }
        if (header.has(FocusColumn.Tags)) {
            long n = batch.notJsonObject(importId, FocusColumn.Tags);
            if (n > 0) {
                int ti = header.indexOf(FocusColumn.Tags);
                long line = firstLine(file, v -> ti < v.size() && v.get(ti) != null && !isJsonObject(v.get(ti)));
                throw at(file, line, "Tags", null, "Tags must be a JSON object: the row's cost could not be allocated by its tags ("
                        + n + " row(s))");
            }
        }
        for (FocusColumn c : FocusRules.mandatory(header.version())) {
            if (!header.has(c)) {
                warnings.add("column " + c.name() + " is missing (FOCUS " + header.version().label() + " requires it; stored without it)");
            }
        }
    }

    private static boolean isJsonObject(String s) {
        try {
            return JSON.readTree(s) instanceof com.fasterxml.jackson.databind.node.ObjectNode;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A value the ledger refused, with no line yet: the line (CSV) or row (Parquet) of its first occurrence is found. */
    private FocusFileException locate(SourceFile file, FocusHeader header, FocusFileException e) {
        if (e.line() > 1 && file.format() != SourceFile.Format.PARQUET) return physicalLine(file, e);
        if (e.line() != 0 || e.column() == null) return e;
        java.util.Optional<FocusColumn> c = FocusColumn.find(e.column());
        if (c.isEmpty() || !header.has(c.get())) return e;
        return refuse(file, header, c.get(), e.value(), e.reason());
    }

    /**
     * The bulk CSV reader counts records, not lines: after a quoted field that spans lines its "line" is behind.
     * Record n (the header is record 1) is mapped to the physical line it starts on.
     */
    private static FocusFileException physicalLine(SourceFile file, FocusFileException e) {
        long record = e.line() - 1;
        long[] seen = {0};
        long[] found = {0};
        try (CsvRowSource rows = new CsvRowSource(file)) {
            rows.forEach((line, values) -> {
                if (++seen[0] == record) {
                    found[0] = line;
                    throw new FoundIt();
                }
            });
        } catch (FoundIt ignored) {
            // stop at the record
        } catch (FocusFileException unreadable) {
            return e;
        }
        return found[0] == 0 || found[0] == e.line() ? e : new FocusFileException(e.file(), found[0], e.column(), e.value(), e.reason());
    }

    private FocusFileException refuse(SourceFile file, FocusHeader header, FocusColumn column, String value, String reason) {
        int idx = header.indexOf(column);
        long line = firstLine(file, v -> idx < v.size() && java.util.Objects.equals(v.get(idx), value));
        return at(file, line, column.name(), value, reason);
    }

    /** Names the line of a CSV, or the 1-based row of a Parquet file (which has no lines). */
    private static FocusFileException at(SourceFile file, long line, String column, String value, String reason) {
        String r = reason.endsWith("; nothing from this file was stored") ? reason : reason + "; nothing from this file was stored";
        if (file.format() == SourceFile.Format.PARQUET && line > 0) {
            return new FocusFileException(file.name(), line, column, value, "Parquet row " + line + ": " + r);
        }
        return new FocusFileException(file.name(), line, column, value, r);
    }

    /**
     * The first row matching: its physical line in a CSV (a quoted field spanning lines counts all of them), its
     * 1-based row in Parquet; 0 when none does. Scanned only on the error path.
     */
    private long firstLine(SourceFile file, java.util.function.Predicate<List<String>> match) {
        long[] found = {0};
        try (RowSource rows = file.format() == SourceFile.Format.PARQUET ? ledger.rows(file) : new CsvRowSource(file)) {
            try {
                rows.forEach((line, values) -> {
                    if (match.test(values)) {
                        found[0] = line;
                        throw new FoundIt();
                    }
                });
            } catch (FoundIt ignored) {
                // stop at the first match
            }
        }
        // the Parquet row source counts as if the file had a header line
        return file.format() == SourceFile.Format.PARQUET && found[0] > 0 ? found[0] - 1 : found[0];
    }

    private static final class FoundIt extends RuntimeException {
        FoundIt() {
            super(null, null, false, false);
        }
    }

    private ImportReport.Imported summarise(FocusLedger.Batch batch, Staged s) {
        List<FocusLedger.PeriodTotals> periods = batch.periods(s.importId);
        TreeSet<String> periodLabels = new TreeSet<>();
        TreeSet<String> providers = new TreeSet<>();
        Map<String, BigDecimal> billed = new TreeMap<>();
        Map<String, BigDecimal> effective = new TreeMap<>();
        for (FocusLedger.PeriodTotals p : periods) {
            periodLabels.add(p.periodStart().toString().substring(0, 7));
            providers.add(p.provider());
            billed.merge(p.currency(), p.billed(), BigDecimal::add);
            effective.merge(p.currency(), p.effective(), BigDecimal::add);
        }
        return new ImportReport.Imported(s.file.name(), s.importId, s.header.version(), s.rows, List.copyOf(periodLabels),
                List.copyOf(providers), billed, effective, s.warnings);
    }

    static String sha256(SourceFile file) {
        try (InputStream in = Files.newInputStream(file.path())) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Staged(SourceFile file, FocusHeader header, String importId, String sha256, long rows, List<String> warnings) {
    }
}

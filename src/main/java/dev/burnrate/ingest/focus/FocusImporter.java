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
        List<ImportReport.FileResult> results = new ArrayList<>();
        List<Staged> staged = new ArrayList<>();
        try (FocusLedger.Batch batch = ledger.begin()) {
            for (java.nio.file.Path p : paths) {
                String name = p.toString();
                try {
                    SourceFile file = SourceFile.of(p);
                    FocusHeader header = header(file);
                    // hash while DuckDB loads: the hash decides only whether this load is kept
                    CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> sha256(file));
                    String importId = UUID.randomUUID().toString();
                    long rows = batch.load(importId, file, header);
                    if (ledger.alreadyImported(hash.join())) {
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
                    return retryWithout(paths, p, results);
                }
            }
            Map<Long, Map<String, String>> dims = new HashMap<>();
            batch.newTagSets().forEach((key, tags) -> dims.put(key, tagMap.apply(tags)));
            batch.putDimensions(dims);
            long replaced = batch.replacePeriods(staged.stream().map(Staged::importId).toList());
            Instant now = clock.instant();
            for (Staged s : staged) {
                ImportReport.Imported summary = summarise(batch, s);
                batch.log(new FocusLedger.ImportLogEntry(s.importId, s.file.name(), s.sha256, s.header.version().label(),
                        s.rows, now, replaced, summary.billedByCurrency(), summary.effectiveByCurrency()));
                results.add(summary);
            }
            batch.commit();
            return new ImportReport(List.copyOf(results), replaced);
        }
    }

    /** A file failed inside the batch: the batch rolls back, and the other files are imported again without it. */
    private ImportReport retryWithout(List<java.nio.file.Path> paths, java.nio.file.Path failed, List<ImportReport.FileResult> results) {
        List<ImportReport.FileResult> out = new ArrayList<>();
        out.add(results.get(results.size() - 1));
        List<java.nio.file.Path> rest = new ArrayList<>(paths);
        rest.remove(failed);
        if (rest.isEmpty()) return new ImportReport(List.copyOf(out), 0);
        ImportReport again = importFiles(rest);
        out.addAll(again.files());
        return new ImportReport(List.copyOf(out), again.replacedRows());
    }

    private List<String> checkValues(FocusLedger.Batch batch, SourceFile file, FocusHeader header, String importId) {
        for (FocusColumn currencyColumn : List.of(FocusColumn.BillingCurrency, FocusColumn.PricingCurrency)) {
            if (!header.has(currencyColumn)) continue;
            for (String code : batch.distinctValues(importId, currencyColumn).keySet()) {
                if (code == null && currencyColumn == FocusColumn.BillingCurrency) {
                    throw new FocusFileException(file.name(), firstLine(file, header, currencyColumn, null), currencyColumn.name(),
                            null, "BillingCurrency must not be null: an amount without a currency cannot be stored");
                }
                if (code != null && !Money.isKnownCurrency(code)) {
                    throw new FocusFileException(file.name(), firstLine(file, header, currencyColumn, code), currencyColumn.name(),
                            code, "unknown currency: not an ISO 4217 code");
                }
            }
        }
        List<String> warnings = new ArrayList<>();
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

    /** The line of the first row whose column holds the value: scanned only on the error path. */
    private long firstLine(SourceFile file, FocusHeader header, FocusColumn column, String value) {
        if (file.format() == SourceFile.Format.PARQUET) return 0;
        int idx = header.indexOf(column);
        long[] found = {0};
        try (CsvRowSource rows = new CsvRowSource(file)) {
            try {
                rows.forEach((line, values) -> {
                    String v = idx < values.size() ? values.get(idx) : null;
                    if (java.util.Objects.equals(v, value)) {
                        found[0] = line;
                        throw new FoundIt();
                    }
                });
            } catch (FoundIt ignored) {
                // stop at the first match
            }
        }
        return found[0];
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

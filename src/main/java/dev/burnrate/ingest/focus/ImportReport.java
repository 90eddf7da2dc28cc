package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.FocusVersion;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** What one import did, per file: rows, periods, providers, totals per currency, warnings. */
public record ImportReport(List<FileResult> files, long replacedRows) {

    public sealed interface FileResult permits Imported, Skipped, Failed {
        String file();
    }

    /** Stored. Totals are per currency: amounts in different currencies are never added. */
    public record Imported(String file, String importId, FocusVersion version, long rows, List<String> billingPeriods,
                           List<String> providers, Map<String, BigDecimal> billedByCurrency,
                           Map<String, BigDecimal> effectiveByCurrency, List<String> warnings) implements FileResult {
    }

    /** Identical content was imported before: nothing to do. */
    public record Skipped(String file, String reason) implements FileResult {
    }

    /** Nothing of this file was stored. */
    public record Failed(String file, FocusFileException error) implements FileResult {
    }

    public boolean anyFailed() {
        return files.stream().anyMatch(f -> f instanceof Failed);
    }

    /** How many files ended as {@code kind} (Imported, Skipped or Failed). */
    public int count(Class<? extends FileResult> kind) {
        return (int) files.stream().filter(kind::isInstance).count();
    }

    /** Rows stored by the files imported. */
    public long rows() {
        return files.stream().mapToLong(f -> f instanceof Imported i ? i.rows() : 0).sum();
    }
}

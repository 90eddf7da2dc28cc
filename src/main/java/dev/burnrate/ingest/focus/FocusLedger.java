package dev.burnrate.ingest.focus;

import dev.burnrate.ledger.FocusColumn;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the FOCUS importer needs from the ledger's storage. One {@link Batch} is one transaction:
 * nothing it wrote is visible, or kept, until {@link Batch#commit()}.
 */
public interface FocusLedger {

    /** Column names of a Parquet file, in order. */
    List<String> parquetColumns(Path file);

    /** Rows of a file as strings (null for null), for the validator; used for Parquet. */
    RowSource rows(SourceFile file);

    /** The import log, newest first: file, content hash, rows, totals per currency, warnings. */
    List<ImportLogEntry> imports(int limit);

    /** The imports of a file with this SHA-256 whose rows are still in the ledger (empty: not imported before). */
    List<String> importsOf(String sha256);

    Batch begin();

    interface Batch extends AutoCloseable {
        /**
         * Loads every row of a file under {@code importId}; a row that cannot be stored throws
         * {@link FocusFileException} naming its line and column.
         */
        long load(String importId, SourceFile file, FocusHeader header);

        /** Drops the rows an earlier {@link #load} of this batch stored under the import id. */
        void discard(String importId);

        /** Tag sets seen in this batch that have no dimensions yet: tag-set key to raw Tags JSON (may be null). */
        Map<Long, String> newTagSets();

        void putDimensions(Map<Long, Map<String, String>> dimensionsByTagSet);

        /** Each distinct value of a column among the rows of one import, with its row count. */
        Map<String, Long> distinctValues(String importId, FocusColumn column);

        /** Rows of one import where each of the columns is null (columns with none are left out). */
        Map<FocusColumn, Long> nullCounts(String importId, List<FocusColumn> columns);

        /** Rows of one import whose end is not after their start. */
        long endNotAfterStart(String importId, FocusColumn start, FocusColumn end);

        /** Rows of one import whose value in the column is not null and not a JSON object. */
        long notJsonObject(String importId, FocusColumn column);

        /** Billing periods (provider, billing account, period start) in one import, with totals per currency. */
        List<PeriodTotals> periods(String importId);

        /**
         * Deletes rows of earlier imports for the periods the given imports bring, except the rows of the imports in
         * {@code keep} (the unchanged parts of a split export delivered again beside a changed one); returns the rows removed.
         */
        long replacePeriods(List<String> importIds, java.util.Collection<String> keep);

        void log(ImportLogEntry entry);

        void commit();

        @Override
        void close();
    }

    record PeriodTotals(String provider, String billingAccountId, Instant periodStart, String currency,
                        long rows, BigDecimal billed, BigDecimal effective) {
    }

    /** One imported file: its content hash, rows, billed / effective totals per currency, and the warnings it was stored with. */
    record ImportLogEntry(String importId, String file, String sha256, String focusVersion, long rows,
                          Instant importedAt, long replacedRows, Map<String, BigDecimal> billed,
                          Map<String, BigDecimal> effective, List<String> warnings) {
    }
}

package dev.burnrate.store;

import dev.burnrate.ingest.focus.FocusLedger.ImportLogEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The end of an import into a ledger directory. The import's rows were loaded and checked in this file's
 * {@code cost_record} table inside the import's transaction, as in the embedded layout (it is empty otherwise: nothing
 * is ever committed to it). Under the directory's lock: {@link #replace} finds the partitions the import restates (rows
 * of kept imports are copied into the transaction), {@link #commit} writes each partition's new files (rows, daily
 * rollup, tag sets) and commits the next manifest; the transaction is then rolled back, leaving the table empty again.
 */
final class PartitionCommit implements AutoCloseable {
    private final Database db;
    private final LedgerDirectory dir;
    private final Connection c;
    private final LedgerDirectory.Lock lock;
    private final LedgerDirectory.Manifest base;
    private final List<LedgerDirectory.Key> keys = new ArrayList<>();
    private final List<LedgerDirectory.LogEntry> log = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    private boolean committed;

    PartitionCommit(Database db, Connection c) {
        this.db = db;
        this.dir = db.ledger();
        this.c = c;
        this.lock = dir.lock();
        try {
            this.base = dir.current();
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static final String KEY = "coalesce(r.\"ProviderName\", r.\"ServiceProviderName\")";

    /** The partitions the imports bring; returns the rows of earlier imports they replace (rows of {@code keep} stay). */
    long replace(List<String> importIds, Collection<String> keep) {
        Map<LedgerDirectory.Key, LedgerDirectory.Partition> current = base.byKey();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT DISTINCT " + KEY + ", r.\"BillingAccountId\", r.\"BillingPeriodStart\" FROM cost_record r WHERE r.import_id IN "
                     + in(importIds) + " ORDER BY 3, 1, 2")) {
            while (r.next()) keys.add(LedgerDirectory.Key.of(r.getString(1), r.getString(2), r.getObject(3, LocalDateTime.class)));
        } catch (SQLException e) {
            throw new StoreException("cannot read the import's billing periods: " + e.getMessage(), e);
        }
        long replaced = 0;
        for (LedgerDirectory.Key k : keys) {
            LedgerDirectory.Partition p = current.get(k);
            if (p == null) continue;
            List<String> kept = p.imports().stream().filter(keep::contains).toList();
            if (kept.isEmpty()) {
                replaced += p.rows();
                continue;
            }
            try (Statement s = c.createStatement()) {
                long n = s.executeUpdate("INSERT INTO cost_record SELECT * FROM " + files(p.files()) + " WHERE import_id IN " + in(kept));
                replaced += p.rows() - n;
            } catch (SQLException e) {
                throw new StoreException("cannot read partition " + p.files() + ": " + e.getMessage(), e);
            }
        }
        return replaced;
    }

    void log(ImportLogEntry e) {
        log.add(LedgerDirectory.LogEntry.of(e));
    }

    /** Writes the partitions and commits the next version; nothing is visible to readers before the manifest's link. */
    void commit() {
        if (keys.isEmpty() && log.isEmpty()) return;
        long version = base.version() + 1;
        String tag = "v" + version + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<LedgerDirectory.Partition> fresh = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            // one partition at a time, each streamed from the import's rows to its file: a single partitioned COPY of all
            // of them held every partition's buffers at once (19 GB at 10 M rows)
            // the count, last charge end and imports of every partition in one scan of the import's rows
            Map<LedgerDirectory.Key, Object[]> stats = new java.util.HashMap<>();
            try (ResultSet r = s.executeQuery("SELECT " + KEY + ", r.\"BillingAccountId\", r.\"BillingPeriodStart\", count(*), max(r.\"ChargePeriodEnd\"), "
                    + "string_agg(DISTINCT r.import_id, ',' ORDER BY r.import_id) FROM cost_record r GROUP BY ALL")) {
                while (r.next()) {
                    LocalDateTime end = r.getObject(5, LocalDateTime.class);
                    stats.put(LedgerDirectory.Key.of(r.getString(1), r.getString(2), r.getObject(3, LocalDateTime.class)),
                            new Object[]{r.getLong(4), end == null ? null : end.toString(), List.of(r.getString(6).split(","))});
                }
            }
            for (LedgerDirectory.Key k : keys) {
                String where = " WHERE " + match(k);
                Object[] st = stats.get(k);
                long rows = st == null ? 0 : (Long) st[0];
                String chargeEnd = st == null ? null : (String) st[1];
                @SuppressWarnings("unchecked")
                List<String> imports = st == null ? List.of() : (List<String>) st[2];
                if (rows == 0) continue; // every row of the key was discarded: nothing to store
                Path target = dir.partitionDir(k);
                Files.createDirectories(target);
                Path file = target.resolve(tag + "-0.parquet");
                written.add(file);
                s.execute("COPY (SELECT r.* FROM cost_record r" + where + ") TO " + Sql.literal(file.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
                List<String> files = List.of(dir.relative(file));
                String rollup = rollup(files, target.resolve(tag + ".daily.parquet"));
                Path tags = target.resolve(tag + ".tags.parquet");
                written.add(tags);
                s.execute("COPY (SELECT tag_hash, any_value(\"Tags\") AS tags FROM " + files(files) + " GROUP BY tag_hash) TO "
                        + Sql.literal(tags.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
                fresh.add(new LedgerDirectory.Partition(k.provider(), k.account(), k.period(), rows, chargeEnd, files, rollup, dir.relative(tags), imports));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot write the import's partitions to " + dir + ": " + DuckFocusLedger.firstLine(e), e);
        } catch (IOException e) {
            throw new StoreException("cannot write the import's partitions to " + dir + ": " + e, e);
        }
        Map<LedgerDirectory.Key, LedgerDirectory.Partition> next = base.byKey();
        List<String> removed = new ArrayList<>();
        for (LedgerDirectory.Key k : keys) {
            LedgerDirectory.Partition old = next.remove(k);
            if (old != null) removed.addAll(old.allFiles());
        }
        fresh.forEach(p -> next.put(p.key(), p));
        List<LedgerDirectory.Partition> partitions = new ArrayList<>(next.values());
        partitions.sort(java.util.Comparator.comparing((LedgerDirectory.Partition p) -> String.valueOf(p.period()))
                .thenComparing(p -> String.valueOf(p.provider())).thenComparing(p -> String.valueOf(p.account())));
        dir.commit(base.version(), partitions, removed, log);
        committed = true;
    }

    /** The partition's daily rollup, or null when a day's sum does not fit the column (the partition is then read raw). */
    private String rollup(List<String> files, Path to) throws SQLException {
        StringJoiner select = new StringJoiner(", ");
        select.add("CAST(\"ChargePeriodStart\" AS DATE) AS day").add("\"BillingCurrency\"").add("tag_hash");
        for (String col : LedgerDirectory.ROLLUP_COLUMNS) select.add(Sql.ident(col));
        for (String col : LedgerDirectory.ROLLUP_AMOUNTS) select.add("sum(" + Sql.ident(col) + ") AS " + Sql.ident(col));
        select.add("count(*) AS records");
        // on a connection of its own: a failed statement would abort the import's transaction
        try (Connection other = db.connect(); Statement own = other.createStatement()) {
            own.execute("COPY (SELECT " + select + " FROM " + files(files) + " GROUP BY ALL ORDER BY day) TO " + Sql.literal(to.toString())
                    + " (FORMAT parquet, COMPRESSION zstd)");
        } catch (SQLException e) {
            if (WideSum.isOverflow(e)) return null;
            throw e;
        }
        written.add(to);
        return dir.relative(to);
    }

    /** The rows of one partition key: plain comparisons where the value is there, so the scan can skip by min/max. */
    private static String match(LedgerDirectory.Key k) {
        return (k.provider() == null ? "r.\"ProviderName\" IS NULL AND r.\"ServiceProviderName\" IS NULL" : KEY + " = " + Sql.literal(k.provider()))
                + " AND " + (k.account() == null ? "r.\"BillingAccountId\" IS NULL" : "r.\"BillingAccountId\" = " + Sql.literal(k.account()))
                + " AND " + (k.period() == null ? "r.\"BillingPeriodStart\" IS NULL" : "r.\"BillingPeriodStart\" = CAST(" + Sql.literal(k.period()) + " AS TIMESTAMP)");
    }

    private String files(List<String> files) {
        StringJoiner j = new StringJoiner(", ", "read_parquet([", "], hive_partitioning = false)");
        files.forEach(f -> j.add(Sql.literal(dir.resolve(f).toString())));
        return j.toString();
    }

    private static String in(Collection<String> ids) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        ids.forEach(id -> j.add(Sql.literal(id)));
        return j.toString();
    }

    /** Releases the lock; an uncommitted attempt's files are removed, a committed one's replaced files collected when due. */
    @Override
    public void close() {
        try {
            if (!committed) {
                for (Path p : written) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // an orphan file is never read: no manifest names it
                    }
                }
            }
            if (committed) dir.collect();
        } finally {
            lock.close();
        }
        if (committed) db.refresh();
    }
}

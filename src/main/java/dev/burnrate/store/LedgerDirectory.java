package dev.burnrate.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.ingest.focus.FocusLedger.ImportLogEntry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ledger's billing rows as Parquet partitions in a directory that several processes may share (a local disk, or a
 * network file system that every replica mounts). One partition per provider, billing account and billing period:
 * <pre>
 * DIR/_manifest/00000000000000000007.json   one immutable file per committed version: the partitions and their files,
 *                                            the files it replaced, the import-log entries it added
 * DIR/_manifest/_latest                      a hint: the newest version (readers also look for the ones after it)
 * DIR/_manifest/.lock                        writers take turns on it
 * DIR/data/PROVIDER/ACCOUNT/PERIOD/v7-1a2b3c4d-0.parquet       the rows (the ledger's columns, DECIMAL(38,18) amounts)
 * DIR/data/PROVIDER/ACCOUNT/PERIOD/v7-1a2b3c4d.daily.parquet   the daily rollup of those rows
 * DIR/data/PROVIDER/ACCOUNT/PERIOD/v7-1a2b3c4d.tags.parquet    the partition's tag sets (key and raw Tags)
 * </pre>
 * A commit writes new files under new names, then creates the next version's manifest with an exclusive create (a hard
 * link of a fully written file): that one step is the commit, so a reader sees a partition's old files or its new ones,
 * never both or neither, and two writers can never both commit the same version. Files a version replaced are deleted
 * once that version is older than {@link #RETENTION}, so a query still reading them finishes first.
 */
final class LedgerDirectory {
    /** How long files replaced by a commit stay for readers that began before it. */
    static final Duration RETENTION = Duration.ofMinutes(10);
    /** The FOCUS columns the daily rollup keeps besides day, currency and tag set (those the dashboard groups by). */
    static final List<String> ROLLUP_COLUMNS = List.of("BillingAccountId", "ProviderName", "ServiceName", "ServiceCategory", "RegionId",
            "SubAccountId", "ChargeCategory");
    /** The amounts the rollup sums, per day and group. */
    static final List<String> ROLLUP_AMOUNTS = List.of("BilledCost", "EffectiveCost", "ListCost", "ContractedCost");
    private static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final Path manifests;
    private final Clock clock;
    /** The newest version read (a version never changes once committed). */
    private volatile Manifest newest;
    /** Each version's import-log entries: the whole manifest of an old version is not kept, only what the log needs. */
    private final Map<Long, List<LogEntry>> logs = new ConcurrentHashMap<>();

    /** One partition of a version: its key, row count, last charge end, files, rollup (null: none), tag sets, and the imports it holds. */
    record Partition(String provider, String account, String period, long rows, String chargeEnd, List<String> files,
                     String rollup, String tags, List<String> imports) {
        Partition {
            files = List.copyOf(files);
            imports = List.copyOf(imports);
        }

        Key key() {
            return new Key(provider, account, period);
        }

        List<String> allFiles() {
            List<String> out = new ArrayList<>(files);
            if (rollup != null) out.add(rollup);
            if (tags != null) out.add(tags);
            return out;
        }
    }

    /** Provider (ProviderName, else ServiceProviderName), billing account, billing period start as yyyy-MM-ddTHH:mm:ss. */
    record Key(String provider, String account, String period) {
        static Key of(String provider, String account, LocalDateTime period) {
            return new Key(provider, account, period == null ? null : PERIOD.format(period));
        }
    }

    /** An import-log entry as the manifest keeps it: amounts as exact decimal strings, the instant as ISO-8601. */
    record LogEntry(String importId, String file, String sha256, String focusVersion, long rows, String importedAt, long replacedRows,
                    Map<String, String> billed, Map<String, String> effective, List<String> warnings) {
        static LogEntry of(ImportLogEntry e) {
            Map<String, String> b = new TreeMap<>();
            Map<String, String> f = new TreeMap<>();
            e.billed().forEach((k, v) -> b.put(k, v.toPlainString()));
            e.effective().forEach((k, v) -> f.put(k, v.toPlainString()));
            return new LogEntry(e.importId(), e.file(), e.sha256(), e.focusVersion(), e.rows(), e.importedAt().toString(), e.replacedRows(), b, f,
                    e.warnings());
        }

        ImportLogEntry entry() {
            Map<String, java.math.BigDecimal> b = new TreeMap<>();
            Map<String, java.math.BigDecimal> f = new TreeMap<>();
            billed.forEach((k, v) -> b.put(k, new java.math.BigDecimal(v)));
            effective.forEach((k, v) -> f.put(k, new java.math.BigDecimal(v)));
            return new ImportLogEntry(importId, file, sha256, focusVersion, rows, Instant.parse(importedAt), replacedRows, b, f,
                    warnings == null ? List.of() : warnings);
        }
    }

    /** One committed version. Version 0 is the empty ledger and has no file. */
    record Manifest(long version, String committedAt, List<Partition> partitions, List<String> removed, List<LogEntry> imports) {
        Manifest {
            partitions = List.copyOf(partitions);
            removed = List.copyOf(removed);
            imports = List.copyOf(imports);
        }

        long rows() {
            return partitions.stream().mapToLong(Partition::rows).sum();
        }

        Map<Key, Partition> byKey() {
            Map<Key, Partition> out = new LinkedHashMap<>();
            partitions.forEach(p -> out.put(p.key(), p));
            return out;
        }
    }

    LedgerDirectory(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.manifests = this.root.resolve("_manifest");
        this.clock = clock;
        // never created: a missing directory is a mount that is not there or a typo, not an empty ledger to start afresh
        if (!Files.isDirectory(this.root)) {
            throw new StoreException("the ledger directory " + this.root + " does not exist: mount the shared directory, or create it (mkdir -p "
                    + this.root + ") for a new ledger; Burnrate does not create it, so a missing mount is never taken for an empty ledger", null);
        }
        try {
            Files.createDirectories(manifests);
            Files.createDirectories(this.root.resolve("data"));
        } catch (IOException e) {
            throw new StoreException("cannot create the ledger directory " + this.root + ": " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    Path resolve(String relative) {
        return root.resolve(relative);
    }

    String relative(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private Path manifestFile(long version) {
        return manifests.resolve(String.format("%020d.json", version));
    }

    /**
     * The newest committed version: the hint, then any version after it that a writer committed without updating the hint
     * yet. Fails when the directory's {@code _manifest} has gone (an unmounted share): the bill is not there, which is not
     * a bill of nothing.
     */
    long latest() {
        if (!Files.isDirectory(manifests)) {
            throw new StoreException("the ledger directory " + root + " has no _manifest: is the shared directory mounted?", null);
        }
        long v = 0;
        try {
            v = Long.parseLong(Files.readString(manifests.resolve("_latest")).strip());
        } catch (NoSuchFileException e) {
            // no commit yet, or the hint was never written
        } catch (IOException | NumberFormatException e) {
            v = 0; // a damaged hint: walk from the start
        }
        while (Files.exists(manifestFile(v + 1))) v++;
        return v;
    }

    Manifest manifest(long version) {
        if (version == 0) return new Manifest(0, null, List.of(), List.of(), List.of());
        Manifest cached = newest;
        if (cached != null && cached.version() == version) return cached;
        try {
            Manifest m = JSON.readValue(Files.readAllBytes(manifestFile(version)), Manifest.class);
            logs.putIfAbsent(version, m.imports());
            if (cached == null || version > cached.version()) newest = m;
            return m;
        } catch (IOException e) {
            throw new StoreException("cannot read the ledger manifest " + manifestFile(version) + ": " + e.getMessage(), e);
        }
    }

    Manifest current() {
        return manifest(latest());
    }

    private List<LogEntry> log(long version) {
        List<LogEntry> l = logs.get(version);
        return l != null ? l : manifest(version).imports();
    }

    /** The import log, newest first: every version's entries. */
    List<ImportLogEntry> imports(int limit) {
        List<ImportLogEntry> out = new ArrayList<>();
        for (long v = latest(); v > 0; v--) {
            for (LogEntry e : log(v)) out.add(e.entry());
        }
        out.sort(java.util.Comparator.comparing(ImportLogEntry::importedAt).reversed().thenComparing(ImportLogEntry::importId));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** The imports of a file with this content whose rows are in the current version. */
    List<String> importsOf(String sha256) {
        Manifest m = current();
        java.util.Set<String> live = new java.util.HashSet<>();
        m.partitions().forEach(p -> live.addAll(p.imports()));
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (long v = m.version(); v > 0; v--) {
            for (LogEntry e : log(v)) if (e.sha256().equals(sha256) && live.contains(e.importId())) out.add(e.importId());
        }
        return List.copyOf(out);
    }

    /** Where a partition's files go: readable segments, with a hash where a value had to be changed to be a safe name. */
    Path partitionDir(Key key) {
        return root.resolve("data").resolve(segment(key.provider())).resolve(segment(key.account()))
                .resolve(segment(key.period() == null ? null : key.period().endsWith("T00:00:00") ? key.period().substring(0, 10) : key.period()));
    }

    static String segment(String value) {
        if (value == null) return "_null";
        StringBuilder sb = new StringBuilder();
        for (char ch : value.toCharArray()) sb.append(Character.isLetterOrDigit(ch) && ch < 128 || ch == '-' || ch == '_' || ch == '.' ? ch : '_');
        String s = sb.toString();
        if (s.equals(value) && !s.isEmpty() && !s.startsWith(".") && !s.equals("_null") && s.length() <= 80) return s;
        return (s.length() > 40 ? s.substring(0, 40) : s) + "~" + sha256(value).substring(0, 12);
    }

    private static String sha256(String v) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writers take turns: one thread of this process, and one process (an OS lock on {@code _manifest/.lock}). */
    Lock lock() {
        ReentrantLock jvm = IN_PROCESS.computeIfAbsent(root, k -> new ReentrantLock());
        jvm.lock();
        try {
            FileChannel ch = FileChannel.open(manifests.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Lock(jvm, ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            jvm.unlock();
            throw new StoreException("cannot lock the ledger directory " + root + ": " + e.getMessage(), e);
        }
    }

    record Lock(ReentrantLock jvm, FileChannel channel, FileLock file) implements AutoCloseable {
        @Override
        public void close() {
            try {
                file.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock in any case
            } finally {
                jvm.unlock();
            }
        }
    }

    /**
     * Commits {@code next} as the version after {@code base}. The manifest is written in full under a temporary name and
     * then linked to its version's name, which fails if that name exists: another writer committed first, and nothing of
     * this commit becomes visible.
     */
    Manifest commit(long base, List<Partition> partitions, List<String> removed, List<LogEntry> imports) {
        long version = base + 1;
        Manifest next = new Manifest(version, clock.instant().toString(), partitions, removed, imports);
        Path target = manifestFile(version);
        Path tmp = manifests.resolve(".tmp-" + java.util.UUID.randomUUID() + ".json");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(out, next);
            }
            try {
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, target); // a file system without hard links: no overwrite, but not exclusive against a racing writer
            }
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("the ledger directory " + root + " reached version " + version + " through another writer during this "
                    + "import (is its file lock working on this file system?); nothing of this import was stored, import it again", e);
        } catch (IOException e) {
            throw new StoreException("cannot commit the ledger manifest " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temporary file is harmless
            }
        }
        logs.put(version, next.imports());
        newest = next;
        try {
            Path hint = manifests.resolve(".latest-" + java.util.UUID.randomUUID());
            Files.writeString(hint, Long.toString(version));
            Files.move(hint, manifests.resolve("_latest"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // the hint only saves readers a walk; they find the version without it
        }
        return next;
    }

    /**
     * Deletes the files that versions older than {@link #RETENTION} replaced, newest first, stopping at an old version
     * whose files are all gone already (the ones before it were collected by an earlier pass); also files no version
     * names that are more than a day old (a commit that died midway). Returns the files deleted.
     */
    int collect() {
        Instant cutoff = clock.instant().minus(RETENTION);
        int deleted = 0;
        for (long v = latest(); v > 0; v--) {
            Manifest m = manifest(v);
            if (m.committedAt() != null && Instant.parse(m.committedAt()).isAfter(cutoff)) continue;
            boolean any = false;
            for (String f : m.removed()) {
                try {
                    if (Files.deleteIfExists(resolve(f))) {
                        any = true;
                        deleted++;
                    }
                } catch (IOException ignored) {
                    any = true; // try again next time
                }
            }
            if (!any) break;
        }
        // files of a commit that died before its manifest (no version names them), once they are a day old: the newest
        // version names every file a reader can still open (those replaced are collected above, within RETENTION)
        java.util.Set<Path> live = new java.util.HashSet<>();
        current().partitions().forEach(p -> p.allFiles().forEach(f -> live.add(resolve(f))));
        Instant orphaned = clock.instant().minus(Duration.ofDays(1));
        try (var walk = Files.walk(root.resolve("data"))) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                if (!live.contains(f) && Files.getLastModifiedTime(f).toInstant().isBefore(orphaned) && Files.deleteIfExists(f)) deleted++;
            }
        } catch (IOException ignored) {
            // best effort: the next commit tries again
        }
        return deleted;
    }

    @Override
    public String toString() {
        return root.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LedgerDirectory d && d.root.equals(root);
    }

    @Override
    public int hashCode() {
        return Objects.hash(root);
    }
}

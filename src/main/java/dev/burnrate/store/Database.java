package dev.burnrate.store;

import dev.burnrate.ledger.Dimensions;
import dev.burnrate.ledger.FocusColumn;
import org.duckdb.DuckDBConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * The embedded DuckDB file: created on first use, schema migrated by version. One process owns the
 * file; threads get their own connection through {@link #connect()}.
 */
public final class Database implements AutoCloseable {
    static final String DECIMAL = "DECIMAL(38,18)";
    /** Decimal places {@link #DECIMAL} keeps: an imported amount with more is refused, never rounded. */
    static final int DECIMAL_SCALE = 18;
    private static final int SCHEMA_VERSION = 18;

    private final Path path;
    private final DuckDBConnection root;
    private final java.util.concurrent.atomic.AtomicLong costsVersion = new java.util.concurrent.atomic.AtomicLong();
    /** The billing rows as Parquet partitions in a directory, or null: the {@code cost_record} table of this file. */
    private final LedgerDirectory ledger;
    /** The version of the directory the views show (-1: none yet). */
    private volatile long shown = -1;
    private volatile boolean rollups;
    private final java.util.Set<String> syncedTagFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How dimensions are derived from a tag set's Tags JSON, for tag sets another process imported (the tag map). */
    private java.util.function.Function<String, java.util.Map<String, String>> dimensions;

    private Database(Path path, DuckDBConnection root, LedgerDirectory ledger) {
        this.path = path;
        this.root = root;
        this.ledger = ledger;
    }

    public static Database open(Path path) {
        return open(path, null, java.time.Clock.systemUTC());
    }

    /**
     * Opens the file; with {@code ledgerDirectory}, the billing rows live there as Parquet partitions (shared by every
     * process that names the same directory) and this file keeps the rest (tag sets and their dimensions, telemetry,
     * alerts). {@code clock} dates commits and the collection of replaced files.
     */
    public static Database open(Path path, Path ledgerDirectory, java.time.Clock clock) {
        return open(path, ledgerDirectory, clock, dev.burnrate.allocation.TagMap.defaults()::apply);
    }

    /**
     * As {@link #open(Path, Path, java.time.Clock)}; {@code tagMap} gives the tag sets that other processes imported into
     * the directory their dimensions (the tag map of burnrate.yaml, the same in every replica).
     */
    public static Database open(Path path, Path ledgerDirectory, java.time.Clock clock,
                                java.util.function.Function<String, java.util.Map<String, String>> tagMap) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Properties p = new Properties();
            DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + path.toAbsolutePath(), p);
            try (Statement s = c.createStatement()) {
                // instants are UTC: an offset in an imported value is applied in UTC, and a TIMESTAMPTZ read from a file
                // becomes its UTC wall time, whatever the time zone of the machine (every connection duplicates this one)
                s.execute("SET GLOBAL TimeZone = 'UTC'");
            }
            Database db = new Database(path, c, ledgerDirectory == null ? null : new LedgerDirectory(ledgerDirectory, clock));
            db.dimensions = tagMap;
            db.migrate();
            if (db.ledger != null) db.attachLedger();
            else db.refuseWithoutItsDirectory();
            return db;
        } catch (SQLException e) {
            String msg = e.getMessage();
            if (msg != null && msg.contains("lock")) {
                throw new StoreException("database " + path + " is in use by another Burnrate process (one process owns the file): " + msg, e);
            }
            throw new StoreException("cannot open database " + path + ": " + msg, e);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the directory for " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Changes with every committed write to the cost records (an import, a restatement, new dimensions). */
    public long costsVersion() {
        if (ledger != null) refresh(); // another process may have committed to the directory
        return costsVersion.get();
    }

    /** Called after a write to the cost records commits, so caches over them reload. */
    void costsChanged() {
        costsVersion.incrementAndGet();
    }

    /** Where the bill is, for /healthz and /metrics: the ledger directory and the manifest version read, or the file's own table. */
    public record Layout(Path directory, long version) {
    }

    /** The directory and its newest version (read now: another replica may have committed), or null: this file's table. */
    public Layout layout() {
        if (ledger == null) return null;
        refresh();
        return new Layout(ledger.root(), shown);
    }

    /** The ledger directory (Parquet partitions), or null: the rows are in this file's {@code cost_record} table. */
    LedgerDirectory ledger() {
        return ledger;
    }

    /**
     * The relation every query reads billing rows from: the table, or (with a ledger directory) a view over the files of
     * the directory's newest version, brought up to date first.
     */
    String costRecord() {
        if (ledger == null) return "cost_record";
        refresh();
        return "pq.cost_record";
    }

    /**
     * The daily rollups (day, currency, tag set, {@link LedgerDirectory#ROLLUP_COLUMNS}, sums of
     * {@link LedgerDirectory#ROLLUP_AMOUNTS}, records), or null where there are none: the embedded table, or a partition
     * whose rollup could not be written.
     */
    String costDaily() {
        if (ledger == null) return null;
        refresh();
        return rollups ? "pq.cost_daily" : null;
    }

    /** Rows in the ledger directory's newest version (from its manifest, no scan); -1 without a directory. */
    long directoryRows() {
        return ledger == null ? -1 : ledger.current().rows();
    }

    private void attachLedger() throws SQLException {
        try (Statement s = root.createStatement()) {
            // the views live in an in-memory catalog: of the directory, this file keeps only its path (below)
            s.execute("ATTACH IF NOT EXISTS ':memory:' AS pq");
            s.execute(costRecordDdl().replace("CREATE TABLE cost_record", "CREATE OR REPLACE TABLE pq.no_record"));
            StringJoiner daily = new StringJoiner(", ", "CREATE OR REPLACE TABLE pq.no_daily (day DATE, \"BillingCurrency\" VARCHAR, tag_hash UBIGINT, ", ")");
            for (String col : LedgerDirectory.ROLLUP_COLUMNS) daily.add(Sql.ident(col) + " VARCHAR");
            for (String col : LedgerDirectory.ROLLUP_AMOUNTS) daily.add(Sql.ident(col) + " " + DECIMAL);
            daily.add("records BIGINT");
            s.execute(daily.toString());
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM main.cost_record")) {
                r.next();
                if (r.getLong(1) > 0) {
                    throw new StoreException("database " + path + " holds " + r.getLong(1) + " billing rows in its own table, but the ledger is set to the "
                            + "directory " + ledger + " (ledger: / BURNRATE_LEDGER): use the file without a ledger directory, or a new file with it", null);
                }
            }
        }
        // the file remembers its directory, so that opened without it it does not answer 0 USD and take imports
        try (PreparedStatement ps = root.prepareStatement("INSERT OR REPLACE INTO meta VALUES ('ledger_directory', ?)")) {
            ps.setString(1, ledger.root().toString());
            ps.executeUpdate();
        }
        refresh();
    }

    /**
     * A file whose bill lives in a ledger directory, opened without it (a replica started without ledger: or
     * BURNRATE_LEDGER), would read an empty bill and take imports into its own table: refused, naming the directory.
     */
    private void refuseWithoutItsDirectory() throws SQLException {
        try (Statement s = root.createStatement(); ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'ledger_directory'")) {
            if (r.next()) {
                throw new StoreException("database " + path + " keeps its bill in the ledger directory " + r.getString(1)
                        + ": set ledger: " + r.getString(1) + " in burnrate.yaml (or BURNRATE_LEDGER), or use a new file without a ledger directory", null);
            }
        }
    }

    /** Points the views at the directory's newest version, first giving the tag sets it brings their dimensions. */
    void refresh() {
        long latest = ledger.latest();
        if (latest == shown) return;
        synchronized (this) {
            latest = ledger.latest();
            if (latest == shown) return;
            LedgerDirectory.Manifest m = ledger.manifest(latest);
            try (Connection c = connect(); Statement s = c.createStatement()) {
                syncTagSets(c, m);
                java.util.List<String> files = new java.util.ArrayList<>();
                java.util.List<String> daily = new java.util.ArrayList<>();
                boolean all = true;
                for (LedgerDirectory.Partition p : m.partitions()) {
                    p.files().forEach(f -> files.add(Sql.literal(ledger.resolve(f).toString())));
                    if (p.rollup() == null) all = false;
                    else daily.add(Sql.literal(ledger.resolve(p.rollup()).toString()));
                }
                s.execute("CREATE OR REPLACE VIEW pq.cost_record AS SELECT * FROM " + (files.isEmpty() ? "pq.no_record"
                        : "read_parquet([" + String.join(", ", files) + "], hive_partitioning = false)"));
                s.execute("CREATE OR REPLACE VIEW pq.cost_daily AS SELECT * FROM " + (daily.isEmpty() ? "pq.no_daily"
                        : "read_parquet([" + String.join(", ", daily) + "], hive_partitioning = false)"));
                rollups = all;
            } catch (SQLException e) {
                throw new StoreException("cannot read the ledger directory " + ledger + " (version " + latest + "): " + e.getMessage(), e);
            }
            shown = latest;
            costsChanged();
        }
    }

    /** Tag sets of partitions this process has not seen, not yet in {@code tag_set}: stored with their dimensions. */
    private void syncTagSets(Connection c, LedgerDirectory.Manifest m) throws SQLException {
        java.util.List<String> fresh = new java.util.ArrayList<>();
        for (LedgerDirectory.Partition p : m.partitions()) if (p.tags() != null && !syncedTagFiles.contains(p.tags())) fresh.add(p.tags());
        if (fresh.isEmpty()) return;
        StringJoiner list = new StringJoiner(", ", "[", "]");
        fresh.forEach(f -> list.add(Sql.literal(ledger.resolve(f).toString())));
        java.util.Map<Long, java.util.Map<String, String>> dims = new java.util.LinkedHashMap<>();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE tag_new AS SELECT tag_hash, any_value(tags) AS tags FROM read_parquet(" + list
                    + ", hive_partitioning = false) WHERE tag_hash NOT IN (SELECT tag_hash FROM tag_set) GROUP BY tag_hash");
            try (ResultSet r = s.executeQuery("SELECT tag_hash, tags FROM tag_new")) {
                while (r.next()) dims.put(Long.parseUnsignedLong(r.getString(1)), dimensions.apply(r.getString(2)));
            }
            s.execute("INSERT INTO tag_set (tag_hash, tags) SELECT tag_hash, tags FROM tag_new");
            s.execute("DROP TABLE tag_new");
            TagSetWriter.write(c, dims);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        syncedTagFiles.addAll(fresh);
    }

    /** A connection of its own for one thread or one unit of work; close it after use. */
    Connection connect() {
        try {
            return root.duplicate();
        } catch (SQLException e) {
            throw new StoreException("cannot open a connection: " + e.getMessage(), e);
        }
    }

    private void migrate() throws SQLException {
        try (Statement s = root.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)");
            int version = 0;
            try (ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
                if (r.next()) version = Integer.parseInt(r.getString(1));
            }
            if (version > SCHEMA_VERSION) {
                throw new StoreException("database " + path + " has schema version " + version
                        + ", newer than this Burnrate (" + SCHEMA_VERSION + "); upgrade Burnrate", null);
            }
            if (version < 1) {
                s.execute("BEGIN");
                s.execute(costRecordDdl());
                s.execute(tagSetDdl());
                s.execute("""
                        CREATE TABLE import_log (
                          import_id VARCHAR PRIMARY KEY, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
                          focus_version VARCHAR, rows BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL,
                          replaced_rows BIGINT NOT NULL)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '1')");
                s.execute("COMMIT");
            }
            if (version < 2) {
                s.execute("BEGIN");
                s.execute("ALTER TABLE import_log ADD COLUMN totals VARCHAR");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '2')");
                s.execute("COMMIT");
            }
            if (version < 3) {
                s.execute("BEGIN");
                s.execute("""
                        CREATE TABLE alert (
                          id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, severity VARCHAR NOT NULL, dedup_key VARCHAR NOT NULL UNIQUE,
                          title VARCHAR NOT NULL, summary VARCHAR, details VARCHAR, link VARCHAR, recommended_action VARCHAR,
                          channels VARCHAR, created_at TIMESTAMP NOT NULL, last_seen TIMESTAMP, state VARCHAR NOT NULL,
                          occurrences INTEGER NOT NULL, state_changed_at TIMESTAMP, state_changed_by VARCHAR)""");
                s.execute("""
                        CREATE TABLE alert_delivery (
                          alert_id VARCHAR NOT NULL, channel VARCHAR NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TIMESTAMP NOT NULL,
                          state VARCHAR NOT NULL, last_error VARCHAR, delivered_at TIMESTAMP, PRIMARY KEY (alert_id, channel))""");
                s.execute("CREATE TABLE budget (id VARCHAR PRIMARY KEY, spec VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '3')");
                s.execute("COMMIT");
            }
            if (version < 4) {
                s.execute("BEGIN");
                s.execute("""
                        CREATE TABLE anomaly (
                          id VARCHAR PRIMARY KEY, day DATE NOT NULL, dimension VARCHAR NOT NULL, value VARCHAR NOT NULL, currency VARCHAR NOT NULL,
                          actual DECIMAL(38,2), expected DECIMAL(38,2), low DECIMAL(38,2), high DECIMAL(38,2), impact DECIMAL(38,2),
                          score DOUBLE, severity VARCHAR, root_cause VARCHAR, feedback VARCHAR, feedback_note VARCHAR, suppressed BOOLEAN)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '4')");
                s.execute("COMMIT");
            }
            if (version < 5) {
                s.execute("BEGIN");
                s.execute("ALTER TABLE anomaly ADD COLUMN hour INTEGER");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '5')");
                s.execute("COMMIT");
            }
            if (version < 6) {
                s.execute("BEGIN");
                s.execute("""
                        CREATE TABLE gpu_sample (
                          time TIMESTAMP NOT NULL, host VARCHAR, gpu_uuid VARCHAR NOT NULL, gpu_index INTEGER, job VARCHAR, pod VARCHAR,
                          namespace VARCHAR, container VARCHAR, util DOUBLE NOT NULL, mem_used BIGINT NOT NULL, mem_total BIGINT)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '6')");
                s.execute("COMMIT");
            }
            if (version < 7) {
                s.execute("BEGIN");
                s.execute("""
                        CREATE TABLE job_run (
                          id VARCHAR PRIMARY KEY, model VARCHAR, model_version VARCHAR, team VARCHAR, kind VARCHAR, tier VARCHAR,
                          instance_type VARCHAR, instance_count INTEGER, pricing VARCHAR, provider VARCHAR, region VARCHAR,
                          start TIMESTAMP, end_time TIMESTAMP, status VARCHAR, checkpoints INTEGER, evictions INTEGER,
                          dataset_size_gb DOUBLE, tags VARCHAR)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '7')");
                s.execute("COMMIT");
            }
            if (version < 8) {
                s.execute("BEGIN");
                s.execute("""
                        CREATE TABLE inference_usage (
                          start_time TIMESTAMP NOT NULL, end_time TIMESTAMP NOT NULL, model VARCHAR NOT NULL, variant VARCHAR, feature VARCHAR,
                          customer VARCHAR, endpoint VARCHAR, requests BIGINT, input_tokens BIGINT, output_tokens BIGINT,
                          latency_p50_ms DOUBLE, latency_p95_ms DOUBLE, latency_p99_ms DOUBLE, errors BIGINT)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '8')");
                s.execute("COMMIT");
            }
            if (version < 9) {
                s.execute("BEGIN");
                s.execute("""
                        CREATE TABLE audit_log (
                          seq BIGINT NOT NULL, event_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
                          subject VARCHAR NOT NULL, detail VARCHAR NOT NULL, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL)""");
                s.execute("""
                        CREATE TABLE api_token (
                          id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, token_hash VARCHAR NOT NULL UNIQUE, role VARCHAR NOT NULL,
                          teams VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '9')");
                s.execute("COMMIT");
            }
            if (version < 10) {
                // MIG: a sample series is a GPU or one GPU instance of it, counted as its share of the GPU; a value
                // the source could not give (nvidia-smi's [N/A]) is NULL, not 0
                s.execute("BEGIN");
                s.execute("ALTER TABLE gpu_sample ADD COLUMN gpu_instance VARCHAR");
                s.execute("ALTER TABLE gpu_sample ADD COLUMN gpu_profile VARCHAR");
                s.execute("ALTER TABLE gpu_sample ADD COLUMN gpu_share DOUBLE DEFAULT 1");
                s.execute("UPDATE gpu_sample SET gpu_share = 1");
                s.execute("ALTER TABLE gpu_sample ALTER COLUMN util DROP NOT NULL");
                s.execute("ALTER TABLE gpu_sample ALTER COLUMN mem_used DROP NOT NULL");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '10')");
                s.execute("COMMIT");
            }
            if (version < 11) {
                s.execute("BEGIN");
                // what an import stored with a warning (a null list cost, a missing optional-to-store column) stays on record
                s.execute("ALTER TABLE import_log ADD COLUMN warnings VARCHAR");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '11')");
                s.execute("COMMIT");
            }
            if (version < 12) {
                s.execute("BEGIN");
                s.execute("ALTER TABLE anomaly ADD COLUMN incident VARCHAR");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '12')");
                s.execute("COMMIT");
            }
            if (version < 13) {
                s.execute("BEGIN");
                // what people did with a savings recommendation, by its id (derived from kind and target), with what it was then
                s.execute("""
                        CREATE TABLE recommendation_state (
                          id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, team VARCHAR, target VARCHAR NOT NULL, currency VARCHAR NOT NULL,
                          monthly_saving DECIMAL(38,18) NOT NULL, status VARCHAR NOT NULL, reason VARCHAR, actor VARCHAR, changed_at TIMESTAMP,
                          realised_saving DECIMAL(38,18), realised_currency VARCHAR)""");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '13')");
                s.execute("COMMIT");
            }
            if (version < 14) {
                s.execute("BEGIN");
                // SLOs created at run time (the demo's, the API's), kept as their spec like budgets
                s.execute("CREATE TABLE IF NOT EXISTS slo (id VARCHAR PRIMARY KEY, spec VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)");
                // deploys, rollbacks and config changes of the services, shown beside SLOs and their alerts
                s.execute("CREATE TABLE IF NOT EXISTS service_event (id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, model VARCHAR NOT NULL, "
                        + "variant VARCHAR, event_time TIMESTAMP NOT NULL, description VARCHAR, actor VARCHAR)");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '14')");
                s.execute("COMMIT");
            }
            if (version < 15) {
                s.execute("BEGIN");
                // when a recommendation was accepted, kept once it is implemented: its realised saving compares the spend before then with after
                s.execute("ALTER TABLE recommendation_state ADD COLUMN accepted_at TIMESTAMP");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '15')");
                s.execute("COMMIT");
            }
            if (version < 16) {
                s.execute("BEGIN");
                // CPU and memory utilisation of instances (ResourceId), for rightsizing and idle machines without GPUs
                s.execute("CREATE TABLE IF NOT EXISTS instance_sample (time TIMESTAMP NOT NULL, resource_id VARCHAR NOT NULL, cpu DOUBLE NOT NULL, mem DOUBLE)");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '16')");
                s.execute("COMMIT");
            }
            if (version < 17) {
                s.execute("BEGIN");
                // an anomaly's actual amount is the bill's exact sum, and its impact that less the expected amount: kept to the
                // ledger's scale, not cents, so the API and CSV give the bill's figure (the expected amount and band are a model's, in cents)
                s.execute("ALTER TABLE anomaly ALTER actual SET DATA TYPE " + DECIMAL);
                s.execute("ALTER TABLE anomaly ALTER impact SET DATA TYPE " + DECIMAL);
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '17')");
                s.execute("COMMIT");
            }
            if (version < 18) {
                s.execute("BEGIN");
                // the day a verdict was given: a silencing verdict holds for 7 days from it (or from the anomaly's day, if later)
                s.execute("ALTER TABLE anomaly ADD COLUMN feedback_on DATE");
                s.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '18')");
                s.execute("COMMIT");
            }
        }
    }

    private static String costRecordDdl() {
        StringJoiner cols = new StringJoiner(",\n  ", "CREATE TABLE cost_record (\n  ", "\n)");
        for (FocusColumn c : FocusColumn.values()) cols.add(Sql.ident(c.name()) + " " + sqlType(c));
        cols.add("extra_columns VARCHAR");
        cols.add("tag_hash UBIGINT NOT NULL");
        cols.add("import_id VARCHAR NOT NULL");
        return cols.toString();
    }

    private static String tagSetDdl() {
        StringJoiner cols = new StringJoiner(", ", "CREATE TABLE tag_set (tag_hash UBIGINT PRIMARY KEY, tags VARCHAR, ", ")");
        for (String d : Dimensions.STANDARD) cols.add(Sql.ident(d) + " VARCHAR");
        return cols.toString();
    }

    static String sqlType(FocusColumn c) {
        return switch (c.type()) {
            case DECIMAL -> DECIMAL;
            case DATETIME -> "TIMESTAMP";
            case STRING, JSON -> "VARCHAR";
        };
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}

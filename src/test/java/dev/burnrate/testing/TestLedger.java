package dev.burnrate.testing;

import dev.burnrate.allocation.TagMap;
import dev.burnrate.ingest.focus.FocusImporter;
import dev.burnrate.store.Database;
import dev.burnrate.store.DuckCostLedger;
import dev.burnrate.store.DuckFocusLedger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A real DuckDB ledger file in a temp directory, with the importer and the cost queries wired to it; with
 * {@link Layout#PARQUET} the billing rows go to Parquet partitions in {@code dir/ledger} instead of the file's table.
 */
public final class TestLedger implements AutoCloseable {
    /** Where the billing rows live: the ledger file's table (the embedded default), or a directory of Parquet partitions. */
    public enum Layout { TABLE, PARQUET }

    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC);
    public final Database db;
    public final FocusImporter importer;
    public final DuckCostLedger costs;
    public final DuckFocusLedger focus;

    public TestLedger(Path dir) {
        this(dir, TagMap.defaults());
    }

    public TestLedger(Path dir, TagMap map) {
        this(dir, map, Layout.TABLE);
    }

    public TestLedger(Path dir, Layout layout) {
        this(dir, TagMap.defaults(), layout);
    }

    public TestLedger(Path dir, TagMap map, Layout layout) {
        if (layout == Layout.PARQUET) {
            try {
                java.nio.file.Files.createDirectories(dir.resolve("ledger")); // Burnrate never creates it
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        db = layout == Layout.TABLE ? Database.open(dir.resolve("ledger.duckdb")) : Database.open(dir.resolve("ledger.duckdb"), dir.resolve("ledger"), CLOCK, map::apply);
        focus = new DuckFocusLedger(db);
        importer = new FocusImporter(focus, map, CLOCK);
        costs = new DuckCostLedger(db);
    }

    /** Copies a classpath fixture into the directory and returns its path. */
    public static Path fixture(String resource, Path dir) {
        try (InputStream in = TestLedger.class.getResourceAsStream("/" + resource)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + resource);
            Path out = dir.resolve(Path.of(resource).getFileName().toString());
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        db.close();
    }
}

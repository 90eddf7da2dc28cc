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

/** A real DuckDB ledger file in a temp directory, with the importer and the cost queries wired to it. */
public final class TestLedger implements AutoCloseable {
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC);
    public final Database db;
    public final FocusImporter importer;
    public final DuckCostLedger costs;
    public final DuckFocusLedger focus;

    public TestLedger(Path dir) {
        this(dir, TagMap.defaults());
    }

    public TestLedger(Path dir, TagMap map) {
        db = Database.open(dir.resolve("ledger.duckdb"));
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

package dev.burnrate.intake;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Where a billing source's exports lie: a folder or an object store. A source lists it, reads manifests from it and
 * gets each export file it imports as a local file.
 */
public interface ExportStore extends AutoCloseable {
    /**
     * One stored file.
     *
     * @param key     its path below the source's root, '/'-separated
     * @param version what changes when its content does (size and modification time, or the object's ETag)
     */
    record Entry(String key, long size, Instant modified, String version) {
    }

    /** The root, as a person would name it: a path or {@code s3://bucket/prefix}. */
    String location();

    /** Every file below the root, sorted by key. */
    List<Entry> list() throws IOException;

    /** The content of a small file (a manifest). */
    byte[] read(Entry entry) throws IOException;

    /** A local file holding the entry's content, until {@link #release} is called with it. */
    Path local(Entry entry) throws IOException;

    /** Done with a file {@link #local} gave: a downloaded copy is deleted, a file in place is left alone. */
    default void release(Path local) {
    }

    /** The name an import of this entry is logged under: its path, or its {@code s3://} URI. */
    String nameOf(Entry entry);

    /** True when a file may still be being written as it is listed (a folder), so it is taken once it holds still. */
    boolean mayBeIncomplete();

    @Override
    default void close() {
    }
}

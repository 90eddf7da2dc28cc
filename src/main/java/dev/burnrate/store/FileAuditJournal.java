package dev.burnrate.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.burnrate.audit.AuditEvent;
import dev.burnrate.audit.AuditLog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The audit log's write-ahead journal: NDJSON segment files in a directory beside the database, appended and forced to
 * the device per group commit. A segment is named by its first sequence number; segments whose entries are all in the
 * audit table are deleted, so the directory holds only what the table may still be missing (plus the open segment).
 * A torn last line (the process died during a write, so nobody was told that entry was durable) is ignored on replay.
 * <p>
 * The newest entry's sequence number and hash (the head) outlive the segments: the open segment always holds the
 * newest entries, and before a segment that may hold the newest entry is deleted (at a roll or a clean close) the head
 * is written to the file {@value #HEAD}, replaced atomically. {@link AuditLog#verify()} compares the table with it.
 */
public final class FileAuditJournal implements AuditLog.Journal {
    private static final long SEGMENT_BYTES = 32L << 20;
    static final String HEAD = "audit-head";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;
    /** first seq -> segment file; the last one is open for appends */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private FileChannel open;
    private long openBytes;
    private volatile long stored;
    /** Highest sequence number written by this process (0 before the first append). */
    private long lastAppended;
    /** The newest entry written (by this process or, read at start, an earlier one); null before the first. */
    private AuditLog.Head head;

    public FileAuditJournal(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().matches("audit-\\d{20}\\.ndjson")).toList()) {
                    segments.put(Long.parseLong(f.getFileName().toString().substring(6, 26)), f);
                }
            }
            head = readHead();
            for (AuditEvent e : after(head == null ? 0 : head.seq())) head = new AuditLog.Head(e.seq(), e.hash());
        } catch (IOException e) {
            throw new StoreException("cannot open the audit journal " + dir + ": " + e.getMessage(), e);
        }
    }

    private AuditLog.Head readHead() throws IOException {
        Path f = dir.resolve(HEAD);
        if (!Files.exists(f)) return null;
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ");
        if (parts.length != 2 || !parts[0].matches("\\d{1,19}") || !parts[1].matches("[0-9a-f]{64}")) {
            throw new StoreException(f + ":1: unreadable audit head '" + text + "' (expected '<seq> <sha-256 hex>')", null);
        }
        return new AuditLog.Head(Long.parseLong(parts[0]), parts[1]);
    }

    /** Writes the head file: a temporary file forced to the device, then renamed over the old one. */
    private void writeHead() throws IOException {
        if (head == null) return;
        Path tmp = dir.resolve(HEAD + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(ByteBuffer.wrap((head.seq() + " " + head.hash() + "\n").getBytes(StandardCharsets.US_ASCII)));
            c.force(true);
        }
        Files.move(tmp, dir.resolve(HEAD), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public synchronized AuditLog.Head head() {
        return head;
    }

    @Override
    public synchronized void append(List<AuditEvent> events) {
        if (events.isEmpty()) return;
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 1024);
        try {
            for (AuditEvent e : events) {
                JSON.writeValue(out, e);
                out.write('\n');
            }
            if (open == null || openBytes > SEGMENT_BYTES) roll(events.get(0).seq());
            ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
            while (buf.hasRemaining()) open.write(buf);
            open.force(false);
            openBytes += out.size();
            AuditEvent newest = events.get(events.size() - 1);
            lastAppended = newest.seq();
            head = new AuditLog.Head(newest.seq(), newest.hash());
        } catch (IOException e) {
            throw new StoreException("cannot write the audit journal " + dir + ": " + e.getMessage(), e);
        }
    }

    private void roll(long firstSeq) throws IOException {
        if (open != null) open.close();
        Path f = dir.resolve(String.format("audit-%020d.ndjson", firstSeq));
        // a segment already named by the next sequence number holds no acknowledged entry (replay would have moved the
        // sequence past it), only a torn write; appending after that fragment would glue it to the next entry
        open = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        openBytes = 0;
        segments.put(firstSeq, f);
        writeHead(); // the closed segments that dropStored may delete could hold the head
        dropStored();
    }

    @Override
    public synchronized List<AuditEvent> after(long seq) {
        List<AuditEvent> out = new ArrayList<>();
        List<Path> files = new ArrayList<>(segments.values());
        for (int i = 0; i < files.size(); i++) {
            List<String> lines;
            try {
                lines = Files.readAllLines(files.get(i), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new StoreException("cannot read the audit journal " + files.get(i) + ": " + e.getMessage(), e);
            }
            for (int l = 0; l < lines.size(); l++) {
                if (lines.get(l).isBlank()) continue;
                AuditEvent e;
                try {
                    e = JSON.readValue(lines.get(l), AuditEvent.class);
                } catch (IOException ex) {
                    if (i == files.size() - 1 && l == lines.size() - 1) break; // torn final write: never acknowledged
                    throw new StoreException(files.get(i) + ":" + (l + 1) + ": unreadable audit journal entry: " + ex.getMessage(), ex);
                }
                if (e.seq() > seq) out.add(e);
            }
        }
        return out;
    }

    @Override
    public void stored(long seq) {
        stored = seq;
    }

    /** Deletes closed segments whose entries are all in the table: a segment ends where the next one starts. */
    private void dropStored() {
        List<Map.Entry<Long, Path>> list = new ArrayList<>(segments.entrySet());
        for (int i = 0; i + 1 < list.size(); i++) {
            if (list.get(i + 1).getKey() - 1 > stored) break;
            try {
                Files.deleteIfExists(list.get(i).getValue());
            } catch (IOException e) {
                continue; // kept; replay skips stored entries anyway
            }
            segments.remove(list.get(i).getKey());
        }
    }

    /** Closes the open segment; when the table holds everything, the journal is emptied. */
    @Override
    public synchronized void close() {
        try {
            if (open != null) open.close();
            open = null;
            // everything written is in the table (and whatever was here at start was replayed before any append)
            if (stored >= lastAppended) {
                writeHead();
                for (Path f : segments.values()) Files.deleteIfExists(f);
                segments.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

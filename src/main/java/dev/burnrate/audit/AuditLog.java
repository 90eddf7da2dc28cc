package dev.burnrate.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The hash-chained audit log. Appends are durable when {@link #append} returns. Concurrent callers are written together
 * (group commit): one writer thread takes every entry queued so far, writes them in one store call and then wakes each
 * caller itself, so a burst of decisions costs one write and no hand-over of a lock from caller to caller.
 */
public final class AuditLog implements AutoCloseable {
    /** Where entries are kept. Entries are only ever appended. */
    public interface Store {
        Optional<AuditEvent> last();

        void append(List<AuditEvent> events);

        /** Entries with {@code seq >= from}, in order, at most {@code limit}. */
        List<AuditEvent> read(long from, int limit);

        /** Entries of one subject, in order. */
        List<AuditEvent> bySubject(String subject);
    }

    /** The result of {@link #verify()}: intact, or the first entry that does not fit the chain. */
    public record Verification(boolean intact, long entries, String headHash, Long brokenAt, String reason) {
    }

    private record Pending(String actor, String action, String subject, String detail, CompletableFuture<AuditEvent> done) {
    }

    /** Most entries written by one store call. */
    private static final int MAX_BATCH = 4096;

    private final Store store;
    private final Clock clock;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    // owned by the writer thread
    private long nextSeq;
    private String head;

    public AuditLog(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        Optional<AuditEvent> last = store.last();
        this.nextSeq = last.map(e -> e.seq() + 1).orElse(1L);
        this.head = last.map(AuditEvent::hash).orElse(AuditEvent.GENESIS);
        this.writer = Thread.ofPlatform().daemon().name("burnrate-audit-writer").start(this::writeLoop);
    }

    /** Appends one entry and returns it once it is stored. */
    public AuditEvent append(String actor, String action, String subject, String detailJson) {
        if (closed) throw new IllegalStateException("the audit log is closed");
        Pending p = new Pending(actor, action, subject, detailJson, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                if (queue.isEmpty()) return;
                continue; // closing: write what is left first
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Pending> batch) {
        List<AuditEvent> events = new ArrayList<>(batch.size());
        long seq = nextSeq;
        String prev = head;
        for (Pending p : batch) {
            // microseconds: what the store keeps, so the hash recomputed from a stored entry matches
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
            AuditEvent draft = new AuditEvent(seq++, at, p.actor(), p.action(), p.subject(), p.detail(), prev, "");
            AuditEvent e = new AuditEvent(draft.seq(), draft.at(), draft.actor(), draft.action(), draft.subject(), draft.detail(),
                    prev, draft.expectedHash());
            events.add(e);
            prev = e.hash();
        }
        try {
            store.append(events);
        } catch (RuntimeException ex) {
            for (Pending p : batch) p.done().completeExceptionally(ex);
            return;
        } catch (Error err) {
            for (Pending p : batch) p.done().completeExceptionally(err);
            throw err;
        }
        nextSeq = seq;
        head = prev;
        for (int i = 0; i < batch.size(); i++) batch.get(i).done().complete(events.get(i));
    }

    /** Writes what is queued and stops the writer; later appends fail. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) p.done().completeExceptionally(new IllegalStateException("the audit log is closed"));
    }

    public List<AuditEvent> read(long from, int limit) {
        return store.read(from, limit);
    }

    /** The newest {@code n} entries, oldest first. */
    public List<AuditEvent> latest(int n) {
        return store.last().map(last -> store.read(Math.max(1, last.seq() - n + 1), n)).orElse(List.of());
    }

    public List<AuditEvent> bySubject(String subject) {
        return store.bySubject(subject);
    }

    /** Walks the whole chain: sequence numbers without gaps, each entry's hash recomputed and linked to its predecessor. */
    public Verification verify() {
        long expectSeq = 1;
        String prev = AuditEvent.GENESIS;
        long count = 0;
        while (true) {
            List<AuditEvent> page = store.read(expectSeq, 10_000);
            if (page.isEmpty()) break;
            for (AuditEvent e : page) {
                if (e.seq() != expectSeq) {
                    return new Verification(false, count, prev, expectSeq, "entry " + expectSeq + " is missing (next stored is " + e.seq() + ")");
                }
                if (!e.prevHash().equals(prev)) {
                    return new Verification(false, count, prev, e.seq(), "entry " + e.seq() + " does not link to entry " + (e.seq() - 1)
                            + " (an entry before it was changed or removed)");
                }
                if (!e.hash().equals(e.expectedHash())) {
                    return new Verification(false, count, prev, e.seq(), "entry " + e.seq() + " (" + e.action() + " " + e.subject()
                            + ") was changed after it was written: its hash does not match its content");
                }
                prev = e.hash();
                expectSeq++;
                count++;
            }
        }
        return new Verification(true, count, prev, null, null);
    }
}

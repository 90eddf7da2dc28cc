package dev.burnrate.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hash-chained audit log. Appends are durable when {@link #append} returns: concurrent callers are written together
 * (group commit): whoever holds the write lock writes every entry queued so far in one store call, so a burst of
 * decisions costs one write, not one each.
 */
public final class AuditLog {
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

    private static final class Pending {
        final String actor;
        final String action;
        final String subject;
        final String detail;
        AuditEvent event;
        RuntimeException error;

        Pending(String actor, String action, String subject, String detail) {
            this.actor = actor;
            this.action = action;
            this.subject = subject;
            this.detail = detail;
        }
    }

    private final Store store;
    private final Clock clock;
    private final ReentrantLock writer = new ReentrantLock();
    private final List<Pending> queue = new ArrayList<>();
    private long nextSeq;
    private String head;

    public AuditLog(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        Optional<AuditEvent> last = store.last();
        this.nextSeq = last.map(e -> e.seq() + 1).orElse(1L);
        this.head = last.map(AuditEvent::hash).orElse(AuditEvent.GENESIS);
    }

    /** Appends one entry and returns it once it is stored. */
    public AuditEvent append(String actor, String action, String subject, String detailJson) {
        Pending p = new Pending(actor, action, subject, detailJson);
        synchronized (queue) {
            queue.add(p);
        }
        writer.lock();
        try {
            if (p.event == null && p.error == null) flush();
        } finally {
            writer.unlock();
        }
        if (p.error != null) throw p.error;
        return p.event;
    }

    private void flush() {
        List<Pending> batch;
        synchronized (queue) {
            batch = new ArrayList<>(queue);
            queue.clear();
        }
        List<AuditEvent> events = new ArrayList<>(batch.size());
        long seq = nextSeq;
        String prev = head;
        for (Pending p : batch) {
            // microseconds: what the store keeps, so the hash recomputed from a stored entry matches
            java.time.Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            AuditEvent draft = new AuditEvent(seq++, at, p.actor, p.action, p.subject, p.detail, prev, "");
            AuditEvent e = new AuditEvent(draft.seq(), draft.at(), draft.actor(), draft.action(), draft.subject(), draft.detail(),
                    prev, draft.expectedHash());
            events.add(e);
            prev = e.hash();
        }
        try {
            store.append(events);
        } catch (RuntimeException ex) {
            for (Pending p : batch) p.error = ex;
            return;
        }
        nextSeq = seq;
        head = prev;
        for (int i = 0; i < batch.size(); i++) batch.get(i).event = events.get(i);
    }

    public List<AuditEvent> read(long from, int limit) {
        return store.read(from, limit);
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

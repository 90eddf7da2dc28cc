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
import java.util.concurrent.TimeUnit;

/**
 * The hash-chained audit log. Appends are durable when {@link #append} returns. Concurrent callers are written together
 * (group commit): one writer thread takes every entry queued so far, writes them in one call and then wakes each
 * caller itself, so a burst of decisions costs one write and no hand-over of a lock from caller to caller.
 * <p>
 * With a {@link Journal}, that one write is an append to a journal file forced to the device, and the entries reach
 * the {@link Store} (the queryable table) from a second thread in larger batches: a decision waits for a file append
 * of well under a millisecond, not for a database commit or a database checkpoint. Reads wait until the store holds
 * everything appended before them, and on start the store is brought up to date from the journal.
 */
public final class AuditLog implements AutoCloseable {
    /** Where entries are kept and queried. Entries are only ever appended. */
    public interface Store {
        Optional<AuditEvent> last();

        void append(List<AuditEvent> events);

        /** Entries with {@code seq >= from}, in order, at most {@code limit}. */
        List<AuditEvent> read(long from, int limit);

        /** Entries of one subject, in order. */
        List<AuditEvent> bySubject(String subject);
    }

    /**
     * A store that several writers share (replicas on one PostgreSQL): it numbers and chains entries itself, under its
     * own lock, after the newest entry whoever wrote it. Used without a journal.
     */
    public interface SharedStore extends Store {
        /** Appends drafts (their seq and hashes ignored) after the head; returns them numbered and hashed, once durable. */
        List<AuditEvent> appendAfterHead(List<AuditEvent> drafts);
    }

    /** A write-ahead journal: durable appends, replayed into the store after a crash. */
    public interface Journal extends AutoCloseable {
        /** Appends in order; returns once the entries are on the device. */
        void append(List<AuditEvent> events);

        /** Entries with {@code seq > after}, in order (what the store may be missing). */
        List<AuditEvent> after(long seq);

        /** Entries up to {@code seq} are in the store; the journal may drop them. */
        void stored(long seq);

        /**
         * The newest entry ever written through this journal (null before the first): kept outside the store, so a
         * store that lost its newest entries, or had one changed, is told from one that never had them.
         */
        Head head();

        @Override
        void close();
    }

    /** Sequence number and hash of the newest entry. */
    public record Head(long seq, String hash) {
    }

    /** The chain does not verify: the state rebuilt from it cannot be trusted. */
    public static final class BrokenChainException extends IllegalStateException {
        private final Verification verification;

        public BrokenChainException(Verification v) {
            super("the audit chain is broken: " + v.reason() + "; run 'burnrate audit verify' and restore the audit log from a backup");
            this.verification = v;
        }

        public Verification verification() {
            return verification;
        }
    }

    /** The result of {@link #verify()}: intact, or the first entry that does not fit the chain. */
    public record Verification(boolean intact, long entries, String headHash, Long brokenAt, String reason) {
    }

    private record Pending(String actor, String action, String subject, String detail, CompletableFuture<AuditEvent> done) {
    }

    /** Most entries written by one call. */
    private static final int MAX_BATCH = 4096;
    /** How long a read waits for the store to catch up with the journal before it fails. */
    private static final long CATCH_UP_NANOS = 30_000_000_000L;
    private static final Pending STOP = new Pending("", "", "", "", null);
    private static final AuditEvent STOP_MIRROR = new AuditEvent(0, Instant.EPOCH, "", "", "", "", "", "");
    /** Put on the mirror's queue by a reader that waits for the store: copy what there is now, without lingering. */
    private static final AuditEvent FLUSH = new AuditEvent(-1, Instant.EPOCH, "", "", "", "", "", "");
    /**
     * How long the mirror lets entries gather before it copies them into the store, unless a reader waits. Each store
     * write has a fixed cost (a DuckDB appender and commit) that costs more CPU than the rows when batches are small.
     */
    private static final long MIRROR_LINGER_NANOS = 100_000_000L;
    private static final int MIRROR_BATCH = 8 * MAX_BATCH;

    private final Store store;
    private final Journal journal;
    private final Clock clock;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<AuditEvent> toStore = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Thread mirror;
    private volatile boolean closed;
    /** Highest sequence number appended durably, and highest one in the store. */
    private volatile long appended;
    private volatile long storedSeq;
    private volatile RuntimeException storeFailure;
    private final Object caughtUp = new Object();
    // owned by the writer thread
    private long nextSeq;
    private String head;

    /** Entries go straight to the store, one store write per group commit. */
    public AuditLog(Store store, Clock clock) {
        this(store, null, clock);
    }

    /** Entries go to the journal first and to the store behind it; {@code journal} may be null (straight to the store). */
    public AuditLog(Store store, Journal journal, Clock clock) {
        this.store = store;
        this.journal = journal;
        this.clock = clock;
        Optional<AuditEvent> last = store.last();
        if (journal != null) {
            List<AuditEvent> missing = journal.after(last.map(AuditEvent::seq).orElse(0L));
            if (!missing.isEmpty()) {
                store.append(missing);
                last = Optional.of(missing.get(missing.size() - 1));
            }
            last.ifPresent(e -> journal.stored(e.seq()));
        }
        this.nextSeq = last.map(e -> e.seq() + 1).orElse(1L);
        this.head = last.map(AuditEvent::hash).orElse(AuditEvent.GENESIS);
        this.appended = nextSeq - 1;
        this.storedSeq = nextSeq - 1;
        this.writer = Thread.ofPlatform().daemon().name("audit-writer").start(this::writeLoop);
        this.mirror = journal == null ? null : Thread.ofPlatform().daemon().name("audit-mirror").start(this::storeLoop);
    }

    private volatile java.util.function.Consumer<AuditEvent> listener = e -> { };

    /** Tells {@code listener} of every entry once it is durable (the server's log: one line per decision). */
    public void onAppend(java.util.function.Consumer<AuditEvent> listener) {
        this.listener = listener;
    }

    /**
     * Checks a name of who acts as people give it ({@code --by}, {@code ?by=}): named, one line (a newline split the
     * audit table and the server log into rows that looked like others), at most 200 characters.
     */
    public static String actor(String by) {
        String reason = by == null || by.isBlank() ? "must name who acts"
                : by.chars().anyMatch(AuditLog::unprintable) ? "must be one line of printable characters"
                : by.length() > 200 ? "must be at most 200 characters" : null;
        if (reason != null) throw new dev.burnrate.ledger.InvalidParameterException("by", by, reason);
        return by;
    }

    /** Control characters, line and paragraph separators, and format characters (bidi overrides that reorder what is shown). */
    private static boolean unprintable(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
    }

    /** Appends one entry and returns it once it is durable. */
    public AuditEvent append(String actor, String action, String subject, String detailJson) {
        if (closed) throw new IllegalStateException("the audit log is closed");
        Pending p = new Pending(actor, action, subject, detailJson, new CompletableFuture<>());
        queue.add(p);
        try {
            AuditEvent e = p.done().join();
            listener.accept(e);
            return e;
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    /**
     * Appends one entry on the calling thread, inside the shared store's transaction the caller is in, so that it commits
     * or rolls back with the caller's other writes (a gate decision, its ticket and the money it holds): a replica killed
     * between them can no longer leave a decision the chain does not record, and a transaction run again after a
     * deadlock writes its entry once. Only with a {@link SharedStore} and no journal; otherwise it is {@link #append}.
     */
    public AuditEvent appendWithin(String actor, String action, String subject, String detailJson) {
        if (!(store instanceof SharedStore shared) || journal != null) return append(actor, action, subject, detailJson);
        if (closed) throw new IllegalStateException("the audit log is closed");
        AuditEvent draft = new AuditEvent(0, clock.instant().truncatedTo(ChronoUnit.MICROS), actor, action, subject, detailJson, AuditEvent.GENESIS, "");
        AuditEvent e = shared.appendAfterHead(List.of(draft)).get(0);
        listener.accept(e);
        return e;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only STOP ends the writer
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            int stop = batch.indexOf(STOP);
            if (stop >= 0) {
                write(batch.subList(0, stop));
                for (Pending p : batch.subList(stop + 1, batch.size())) p.done().completeExceptionally(new IllegalStateException("the audit log is closed"));
                return;
            }
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Pending> batch) {
        if (batch.isEmpty()) return;
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
            if (journal != null) journal.append(events);
            else if (store instanceof SharedStore shared) events = shared.appendAfterHead(events);
            else store.append(events);
        } catch (RuntimeException ex) {
            for (Pending p : batch) p.done().completeExceptionally(ex);
            return;
        } catch (Error err) {
            for (Pending p : batch) p.done().completeExceptionally(err);
            throw err;
        }
        if (store instanceof SharedStore && journal == null) { // numbered by the store, after other writers' entries
            seq = events.get(events.size() - 1).seq() + 1;
            prev = events.get(events.size() - 1).hash();
        }
        nextSeq = seq;
        head = prev;
        if (journal != null) {
            toStore.addAll(events);
            appended = seq - 1;
        } else {
            appended = seq - 1;
            storedSeq = seq - 1;
        }
        for (int i = 0; i < batch.size(); i++) batch.get(i).done().complete(events.get(i));
    }

    /**
     * Copies journalled entries into the store in large batches: after the first entry it lets more gather for
     * {@link #MIRROR_LINGER_NANOS} unless a reader is waiting; a failed write is retried (the journal has them).
     */
    private void storeLoop() {
        List<AuditEvent> batch = new ArrayList<>();
        boolean stopping = false;
        while (true) {
            boolean flush = storeFailure != null; // retrying: write what there is
            long lingerUntil = 0;
            while (!stopping && !flush && batch.size() < MIRROR_BATCH) {
                AuditEvent e;
                try {
                    if (batch.isEmpty()) {
                        e = toStore.take();
                        lingerUntil = System.nanoTime() + MIRROR_LINGER_NANOS;
                    } else {
                        long left = lingerUntil - System.nanoTime();
                        if (left <= 0) break;
                        e = toStore.poll(left, TimeUnit.NANOSECONDS);
                        if (e == null) break;
                    }
                } catch (InterruptedException ex) {
                    continue; // only STOP_MIRROR ends the mirror
                }
                if (e == STOP_MIRROR) stopping = true;
                else if (e == FLUSH) flush = true;
                else batch.add(e);
            }
            // whatever is queued goes along, also while retrying, so that a close is seen
            for (AuditEvent e; batch.size() < MIRROR_BATCH && (e = toStore.poll()) != null; ) {
                if (e == STOP_MIRROR) stopping = true;
                else if (e != FLUSH) batch.add(e);
            }
            if (batch.isEmpty()) {
                if (stopping) return;
                continue;
            }
            try {
                store.append(batch);
            } catch (RuntimeException ex) {
                storeFailure = ex;
                if (stopping) return; // the journal keeps them for the next start
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                continue;
            }
            long last = batch.get(batch.size() - 1).seq();
            batch.clear();
            storeFailure = null;
            journal.stored(last);
            synchronized (caughtUp) {
                storedSeq = last;
                caughtUp.notifyAll();
            }
            if (stopping) return;
        }
    }

    /** Entries durable in the journal that the queryable table does not hold yet (0 when caught up). */
    public long lag() {
        return Math.max(0, appended - storedSeq);
    }

    /** Waits until the store holds every entry appended so far. */
    private void awaitStored() {
        long target = appended;
        if (storedSeq >= target) return;
        toStore.add(FLUSH);
        long deadline = System.nanoTime() + CATCH_UP_NANOS;
        synchronized (caughtUp) {
            while (storedSeq < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    RuntimeException cause = storeFailure;
                    throw new IllegalStateException("the audit table is behind the journal (at " + storedSeq + " of " + target + ")"
                            + (cause == null ? "" : ": " + cause.getMessage()), cause);
                }
                try {
                    caughtUp.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the audit table", e);
                }
            }
        }
    }

    /** Writes what is queued, brings the store up to date, and stops; later appends fail. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        queue.add(STOP);
        join(writer);
        for (Pending p; (p = queue.poll()) != null; ) if (p != STOP) p.done().completeExceptionally(new IllegalStateException("the audit log is closed"));
        if (mirror != null) {
            toStore.add(STOP_MIRROR);
            join(mirror);
            journal.close();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<AuditEvent> read(long from, int limit) {
        awaitStored();
        return store.read(from, limit);
    }

    /** The newest {@code n} entries, oldest first. */
    public List<AuditEvent> latest(int n) {
        awaitStored();
        return store.last().map(last -> store.read(Math.max(1, last.seq() - n + 1), n)).orElse(List.of());
    }

    public List<AuditEvent> bySubject(String subject) {
        awaitStored();
        return store.bySubject(subject);
    }

    /**
     * The entries a listing asks for (subject and last may be null): with {@code last}, the newest that many, of the
     * subject where one is given; else every entry of the subject; else {@code limit} from sequence number {@code from}.
     */
    public List<AuditEvent> select(String subject, Integer last, long from, int limit) {
        if (last == null) return subject != null ? bySubject(subject) : read(from, limit);
        List<AuditEvent> all = subject != null ? bySubject(subject) : latest(last);
        return all.subList(Math.max(0, all.size() - last), all.size());
    }

    /** Walks the whole chain: sequence numbers without gaps, each entry's hash recomputed and linked to its predecessor. */
    public Verification verify() {
        return verify(e -> {
        });
    }

    /**
     * Walks the whole chain in order and hands each entry that verifies to {@code each}, stopping at the first that does
     * not: sequence numbers without gaps, each hash recomputed from its entry and linked to its predecessor, and the last
     * entry equal to the journal's head (so removing the newest entries, or changing the newest one, is seen too).
     * What is rebuilt from the log (the gate's tickets) is rebuilt through this walk, so it is never rebuilt from a
     * chain that does not verify.
     */
    public Verification verify(java.util.function.Consumer<AuditEvent> each) {
        awaitStored();
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
                each.accept(e);
                prev = e.hash();
                expectSeq++;
                count++;
            }
        }
        Head h = journal == null ? null : journal.head();
        if (h != null) {
            if (h.seq() > count) {
                return new Verification(false, count, prev, count + 1, "entries " + (count + 1) + ".." + h.seq()
                        + " were removed: the log ends at entry " + count + " but entry " + h.seq() + " was written (the journal's head)");
            }
            if (h.seq() == count && !h.hash().equals(prev)) {
                return new Verification(false, count, prev, count, "entry " + count + " is not the entry that was written (its hash differs from the journal's head)");
            }
            if (h.seq() < count) {
                return new Verification(false, count, prev, h.seq() + 1, "entries " + (h.seq() + 1) + ".." + count
                        + " were never written through the journal (the journal's head is entry " + h.seq() + ")");
            }
        }
        return new Verification(true, count, prev, null, null);
    }
}

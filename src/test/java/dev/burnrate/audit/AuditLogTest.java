package dev.burnrate.audit;

import dev.burnrate.store.FileAuditJournal;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditLogTest {
    /** An in-memory store that can be told to fail its next write (the DuckDB store is tested through the gate tests). */
    static final class ListStore implements AuditLog.Store {
        final List<AuditEvent> rows = new ArrayList<>();
        final AtomicBoolean failNext = new AtomicBoolean();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public synchronized Optional<AuditEvent> last() {
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(rows.size() - 1));
        }

        @Override
        public synchronized void append(List<AuditEvent> events) {
            if (failNext.getAndSet(false) || down.get()) throw new IllegalStateException("disk full");
            rows.addAll(events);
        }

        @Override
        public synchronized List<AuditEvent> read(long from, int limit) {
            return rows.stream().filter(e -> e.seq() >= from).limit(limit).toList();
        }

        @Override
        public synchronized List<AuditEvent> bySubject(String subject) {
            return rows.stream().filter(e -> e.subject().equals(subject)).toList();
        }
    }

    final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void concurrentAppends_formOneUnbrokenChainWithoutGapsOrDuplicates() throws Exception {
        ListStore store = new ListStore();
        AuditLog log = new AuditLog(store, clock);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 50; i++) log.append("t" + thread, "test.append", "s-" + thread, "{\"i\":" + i + "}");
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        AuditLog.Verification v = log.verify();
        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isEqualTo(800);
        assertThat(store.rows).extracting(AuditEvent::seq).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 800).boxed().toList());
        log.close();
    }

    @Test
    void failedStoreWrite_failsItsCaller_andTheChainContinuesFromTheLastStoredEntry() {
        ListStore store = new ListStore();
        AuditLog log = new AuditLog(store, clock);
        log.append("a", "x", "s", "{}");
        store.failNext.set(true);
        assertThatThrownBy(() -> log.append("a", "y", "s", "{}")).hasMessageContaining("disk full");
        AuditEvent next = log.append("a", "z", "s", "{}");
        assertThat(next.seq()).isEqualTo(2);
        assertThat(log.verify().intact()).isTrue();
        log.close();
    }

    @Test
    void appendAfterClose_isRefused_andReopeningContinuesTheChain() {
        ListStore store = new ListStore();
        AuditLog log = new AuditLog(store, clock);
        log.append("a", "x", "s", "{}");
        log.close();
        assertThatThrownBy(() -> log.append("a", "y", "s", "{}")).hasMessageContaining("closed");
        AuditLog again = new AuditLog(store, clock);
        assertThat(again.append("a", "y", "s", "{}").seq()).isEqualTo(2);
        assertThat(again.verify().intact()).isTrue();
        again.close();
    }

    // ---------------------------------------------------------------- with the journal file

    @Test
    void journalledEntriesTheTableMissed_areReplayedIntoItOnTheNextStart_andTheChainContinues(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ListStore table = new ListStore();
        AuditLog first = new AuditLog(table, new FileAuditJournal(dir), clock);
        first.append("a", "x", "s", "{}");
        first.verify(); // the table has entry 1
        table.down.set(true); // the table stops taking writes: decisions still complete, on the journal alone
        first.append("a", "y", "s", "{\"n\":2}");
        first.append("a", "z", "s", "{\"n\":3}");
        first.close();
        assertThat(table.rows).hasSize(1);

        table.down.set(false);
        AuditLog again = new AuditLog(table, new FileAuditJournal(dir), clock);
        assertThat(table.rows).extracting(AuditEvent::action).containsExactly("x", "y", "z");
        assertThat(again.append("a", "w", "s", "{}").seq()).isEqualTo(4);
        assertThat(again.verify().intact()).isTrue();
        again.close();
        assertThat(dir.toFile().list()).as("a clean close leaves nothing to replay, only the head").containsExactly("audit-head");
        assertThat(java.nio.file.Files.readString(dir.resolve("audit-head"))).startsWith("4 ");
    }

    @Test
    void aTornLastJournalLine_isIgnoredOnReplay(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ListStore table = new ListStore();
        table.down.set(true);
        AuditLog log = new AuditLog(table, new FileAuditJournal(dir), clock);
        log.append("a", "x", "s", "{}");
        log.close();
        java.nio.file.Path segment = java.nio.file.Files.list(dir).findFirst().orElseThrow();
        java.nio.file.Files.writeString(segment, "{\"seq\":2,\"at\":\"2026-11-2", java.nio.file.StandardOpenOption.APPEND);
        table.down.set(false);
        AuditLog again = new AuditLog(table, new FileAuditJournal(dir), clock);
        assertThat(table.rows).extracting(AuditEvent::seq).containsExactly(1L);
        assertThat(again.append("a", "y", "s", "{}").seq()).isEqualTo(2);
        assertThat(again.verify().intact()).isTrue();
        again.close();
    }

    @Test
    void aSegmentHoldingOnlyATornWrite_isStartedAfresh_soTheNextAcknowledgedEntryIsReplayable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ListStore table = new ListStore();
        table.down.set(true);
        AuditLog first = new AuditLog(table, new FileAuditJournal(dir), clock);
        first.append("a", "x", "s", "{}");
        first.close();
        // the process died while writing entry 2 into a fresh segment: only a fragment is there
        java.nio.file.Files.writeString(dir.resolve(String.format("audit-%020d.ndjson", 2)), "{\"seq\":2,\"at\":\"2026-11-2");

        table.down.set(false);
        AuditLog second = new AuditLog(table, new FileAuditJournal(dir), clock);
        assertThat(table.rows).extracting(AuditEvent::seq).containsExactly(1L);
        table.down.set(true);
        assertThat(second.append("a", "y", "s", "{}").seq()).isEqualTo(2); // acknowledged: on the journal only
        second.close();

        table.down.set(false);
        AuditLog third = new AuditLog(table, new FileAuditJournal(dir), clock);
        assertThat(table.rows).extracting(AuditEvent::action).containsExactly("x", "y");
        assertThat(third.verify().intact()).isTrue();
        third.close();
    }
}

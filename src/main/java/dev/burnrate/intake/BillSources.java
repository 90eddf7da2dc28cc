package dev.burnrate.intake;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ingest.focus.ImportReport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Billing exports the server pulls while it serves (as OpenCost and Kubecost pull exports on a schedule), from a folder
 * or an S3 bucket. Each poll lists a source's files, makes deliveries of the new or changed ones by the providers'
 * layouts ({@link ExportLayout}: a manifest's files, else a folder's) and imports each delivery whole through
 * {@link BillImports}, so the rules and the follow-up are those of every other import: a file already imported is
 * skipped by its content, a restated billing period replaces its rows. In a folder a file is taken once its size and
 * modification time are the same at two polls in a row (one still being written waits).
 * A source that cannot be read, whose files are refused, or that brings nothing new for longer than its
 * {@code staleAfter} raises an alert.
 */
public final class BillSources {
    /** Where a source's exports lie. */
    public sealed interface Location permits Folder, S3 {
    }

    /** {@code type: folder}. */
    public record Folder(Path path) implements Location {
    }

    /** {@code type: s3}. */
    public record S3(S3Store.Location at) implements Location {
    }

    /** One source from burnrate.yaml. */
    public record Source(String name, Location location, Duration every, Duration staleAfter) {
    }

    /** What a poll of one source did. */
    public record Poll(String source, int imported, int skipped, int failed, List<String> errors) {
    }

    private final List<Source> sources;
    private final BillImports imports;
    private final Alerts alerts;
    private final Clock clock;
    private final Function<Location, ExportStore> open;
    private final Map<String, ExportStore> stores = new HashMap<>();
    /** Per source: file key → version when it was last handled. */
    private final Map<String, Map<String, String>> handled = new HashMap<>();
    /** Per source: file key → version at the last poll (a folder's file is taken when it held still since). */
    private final Map<String, Map<String, String>> lastSeen = new HashMap<>();
    private final Map<String, Instant> lastNew = new HashMap<>();
    private final Map<String, Instant> lastPoll = new HashMap<>();
    /** Per source: manifest key → (version, content) as last read. */
    private final Map<String, Map<String, Map.Entry<String, byte[]>>> manifests = new HashMap<>();
    /** Per source: why its last poll could not read it, or absent when it could. */
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();

    public BillSources(List<Source> sources, BillImports imports, Alerts alerts, Clock clock) {
        this(sources, imports, alerts, clock, BillSources::openStore);
    }

    /** As above, opening each source's store with {@code open} (an S3 store with other credentials, in tests). */
    public BillSources(List<Source> sources, BillImports imports, Alerts alerts, Clock clock, Function<Location, ExportStore> open) {
        this.sources = List.copyOf(sources);
        this.imports = imports;
        this.alerts = alerts;
        this.clock = clock;
        this.open = open;
        Instant now = clock.instant();
        for (Source s : sources) lastNew.put(s.name(), now);
    }

    static ExportStore openStore(Location location) {
        return switch (location) {
            case Folder f -> new FolderStore(f.path());
            case S3 s -> new S3Store(s.at());
        };
    }

    public List<Source> sources() {
        return sources;
    }

    /** The sources that could not be read at their last poll, with the reason. */
    public Map<String, String> unhealthy() {
        return Map.copyOf(unreadable);
    }

    /** Polls every source whose interval has passed since its last poll; returns what each did. */
    public synchronized List<Poll> pollDue() {
        List<Poll> out = new ArrayList<>();
        Instant now = clock.instant();
        for (Source s : sources) {
            Instant last = lastPoll.get(s.name());
            if (last != null && now.isBefore(last.plus(s.every()))) continue;
            lastPoll.put(s.name(), now);
            out.add(poll(s, now));
        }
        return out;
    }

    private Poll poll(Source s, Instant now) {
        ExportStore store = stores.computeIfAbsent(s.name(), n -> open.apply(s.location()));
        Map<String, String> done = handled.computeIfAbsent(s.name(), k -> new HashMap<>());
        Map<String, String> before = lastSeen.computeIfAbsent(s.name(), k -> new HashMap<>());
        List<ExportStore.Entry> all;
        try {
            all = store.list();
        } catch (IOException | RuntimeException e) {
            String why = "cannot read " + (store instanceof FolderStore ? "folder " : "") + store.location() + ": " + e.getMessage();
            unreadable.put(s.name(), why);
            raise(s, store, "source-failed:" + s.name(), "Billing source " + s.name() + " cannot be read", why);
            return new Poll(s.name(), 0, 0, 0, List.of(why));
        }
        unreadable.remove(s.name());
        Map<String, String> seenNow = new HashMap<>();
        for (ExportStore.Entry e : all) seenNow.put(e.key(), e.version());
        Map<String, Map.Entry<String, byte[]>> known = manifests.computeIfAbsent(s.name(), k -> new HashMap<>());
        ExportLayout.Plan plan = ExportLayout.plan(all,
                e -> !e.version().equals(done.get(e.key())),
                e -> !store.mayBeIncomplete() || e.version().equals(before.get(e.key())),
                e -> { // a manifest is read again only when it changed, not at every poll
                    Map.Entry<String, byte[]> m = known.get(e.key());
                    if (m != null && m.getKey().equals(e.version())) return m.getValue();
                    byte[] content = store.read(e);
                    known.put(e.key(), Map.entry(e.version(), content));
                    return content;
                });
        known.keySet().retainAll(seenNow.keySet());
        before.clear();
        before.putAll(seenNow);
        for (ExportStore.Entry m : plan.superseded()) done.put(m.key(), m.version());

        int imported = 0;
        int skipped = 0;
        int failed = 0;
        List<String> errors = new ArrayList<>();
        for (ExportLayout.Delivery d : plan.deliveries()) {
            ImportReport r;
            Map<Path, String> names = new LinkedHashMap<>();
            try {
                for (ExportStore.Entry f : d.files()) names.put(store.local(f), store.nameOf(f));
                r = imports.importDelivery(List.copyOf(names.keySet()), names).report();
            } catch (IOException | RuntimeException e) {
                failed += d.files().size();
                errors.add(d.describe() + ": " + e.getMessage());
                continue; // nothing marked handled: tried again at the next poll
            } finally {
                names.keySet().forEach(store::release);
            }
            imported += r.count(ImportReport.Imported.class);
            skipped += r.count(ImportReport.Skipped.class);
            failed += r.count(ImportReport.Failed.class);
            for (ImportReport.FileResult f : r.files()) if (f instanceof ImportReport.Failed x) errors.add(x.error().getMessage());
            // a refused delivery is retried only once it changes
            for (ExportStore.Entry f : d.files()) done.put(f.key(), f.version());
            if (d.manifest() != null) done.put(d.manifest().key(), d.manifest().version());
        }
        if (imported > 0) lastNew.put(s.name(), now);
        if (failed > 0) {
            raise(s, store, "source-failed:" + s.name() + ":" + now, "Billing source " + s.name() + ": " + failed + " file(s) refused", String.join("; ", errors));
        }
        Instant since = lastNew.get(s.name());
        if (s.staleAfter() != null && now.isAfter(since.plus(s.staleAfter()))) {
            String waiting = plan.waiting().isEmpty() ? "" : "; waiting: " + plan.waiting().entrySet().stream()
                    .map(w -> w.getKey().key() + " (" + w.getValue() + ")").reduce((a, b) -> a + ", " + b).orElse("");
            raise(s, store, "source-stale:" + s.name() + ":" + since, "Billing source " + s.name() + " brought nothing new since " + since,
                    "no new or changed export under " + store.location() + " for longer than " + s.staleAfter() + "; is the export still delivered?" + waiting);
        }
        return new Poll(s.name(), imported, skipped, failed, List.copyOf(errors));
    }

    private void raise(Source s, ExportStore store, String key, String title, String summary) {
        alerts.raise("source", Alert.Severity.TICKET, key, title, summary, Map.of("source", s.name(), "path", store.location()), "/", null, List.of());
    }

    /** Closes the stores' clients. */
    public synchronized void close() {
        stores.values().forEach(ExportStore::close);
        stores.clear();
    }
}

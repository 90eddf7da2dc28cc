package dev.burnrate.intake;

import dev.burnrate.alert.Alert;
import dev.burnrate.alert.Alerts;
import dev.burnrate.ingest.focus.ImportReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Billing exports that land in folders, imported while the server serves (as OpenCost and Kubecost pull exports on a
 * schedule). Each poll lists the export files under a source's folder (CSV, CSV.gz, Parquet, at any depth) and imports
 * those that are new or changed through {@link BillImports}, so the rules and the follow-up are those of every other
 * import: a file already imported is skipped by its content, a restated billing period replaces its rows. The files of
 * one directory are imported together, so the parts of a split export (AWS Data Exports writes
 * {@code <prefix>/<export>/data/BILLING_PERIOD=YYYY-MM/part-*.parquet}; Azure one folder per run) replace a period as a
 * whole; a file is imported once its size and modification time are the same at two polls in a row (one still
 * being written waits).
 * A source whose folder cannot be read, whose files fail, or that brings nothing new for longer than its
 * {@code staleAfter} raises an alert.
 */
public final class FolderSources {
    /** One folder source from burnrate.yaml: {@code {name, type: folder, path, every, staleAfter}}. */
    public record Source(String name, Path path, Duration every, Duration staleAfter) {
    }

    /** What a poll of one source did. */
    public record Poll(String source, int imported, int skipped, int failed, List<String> errors) {
    }

    private final List<Source> sources;
    private final BillImports imports;
    private final Alerts alerts;
    private final Clock clock;
    /** Per source: file → (size, modified) when it was last handed to the importer. */
    private final Map<String, Map<Path, String>> seen = new HashMap<>();
    /** Per source: file → (size, modified) at the last poll, not imported yet (it may still be being written). */
    private final Map<String, Map<Path, String>> pending = new HashMap<>();
    private final Map<String, Instant> lastNew = new HashMap<>();
    private final Map<String, Instant> lastPoll = new HashMap<>();
    /** Per source: why its last poll could not read its folder, or absent when it could. */
    private final Map<String, String> unreadable = new java.util.concurrent.ConcurrentHashMap<>();

    public FolderSources(List<Source> sources, BillImports imports, Alerts alerts, Clock clock) {
        this.sources = List.copyOf(sources);
        this.imports = imports;
        this.alerts = alerts;
        this.clock = clock;
        Instant now = clock.instant();
        for (Source s : sources) lastNew.put(s.name(), now);
    }

    public List<Source> sources() {
        return sources;
    }

    /** The sources whose folder could not be read at their last poll, with the reason. */
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
        Map<Path, String> known = seen.computeIfAbsent(s.name(), k -> new HashMap<>());
        Map<Path, String> waiting = pending.computeIfAbsent(s.name(), k -> new HashMap<>());
        Map<Path, List<Path>> byDir = new TreeMap<>();
        try (Stream<Path> files = Files.walk(s.path())) {
            for (Path f : files.filter(Files::isRegularFile).filter(FolderSources::isExport).sorted().toList()) {
                String stamp = Files.size(f) + "@" + Files.getLastModifiedTime(f).toInstant();
                if (stamp.equals(known.get(f))) continue;
                if (!stamp.equals(waiting.put(f, stamp))) continue; // new or still changing: taken at the next poll if it holds still
                byDir.computeIfAbsent(f.getParent(), d -> new ArrayList<>()).add(f);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            String why = "cannot read folder " + s.path() + ": " + e.getMessage();
            unreadable.put(s.name(), why);
            raise(s, "source-failed:" + s.name(), Alert.Severity.TICKET, "Billing source " + s.name() + " cannot be read", why);
            return new Poll(s.name(), 0, 0, 0, List.of(why));
        }
        unreadable.remove(s.name());
        int imported = 0;
        int skipped = 0;
        int failed = 0;
        List<String> errors = new ArrayList<>();
        for (List<Path> group : byDir.values()) {
            ImportReport r = imports.importFiles(group).report();
            for (ImportReport.FileResult f : r.files()) {
                switch (f) {
                    case ImportReport.Imported i -> imported++;
                    case ImportReport.Skipped k -> skipped++;
                    case ImportReport.Failed x -> {
                        failed++;
                        errors.add(x.error().getMessage());
                    }
                }
            }
            for (Path f : group) known.put(f, waiting.remove(f)); // a failed file is retried only once it changes
        }
        if (imported > 0) lastNew.put(s.name(), now);
        if (failed > 0) {
            raise(s, "source-failed:" + s.name() + ":" + now, Alert.Severity.TICKET, "Billing source " + s.name() + ": " + failed + " file(s) refused",
                    String.join("; ", errors));
        }
        Instant since = lastNew.get(s.name());
        if (s.staleAfter() != null && now.isAfter(since.plus(s.staleAfter()))) {
            raise(s, "source-stale:" + s.name() + ":" + since, Alert.Severity.TICKET, "Billing source " + s.name() + " brought nothing new since " + since,
                    "no new or changed export under " + s.path() + " for longer than " + s.staleAfter() + "; is the export still delivered?");
        }
        return new Poll(s.name(), imported, skipped, failed, List.copyOf(errors));
    }

    private void raise(Source s, String key, Alert.Severity severity, String title, String summary) {
        alerts.raise("source", severity, key, title, summary, Map.of("source", s.name(), "path", s.path().toString()), "/", null, List.of());
    }

    static boolean isExport(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".parquet");
    }
}

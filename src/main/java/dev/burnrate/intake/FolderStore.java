package dev.burnrate.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A folder of exports on this machine (a drop folder, or a bucket mounted or synced there). */
public final class FolderStore implements ExportStore {
    private final Path root;

    public FolderStore(Path root) {
        this.root = root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public List<Entry> list() throws IOException {
        if (!Files.isDirectory(root)) throw new IOException("no such folder");
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                long size = Files.size(f);
                var modified = Files.getLastModifiedTime(f).toInstant();
                out.add(new Entry(root.relativize(f).toString().replace(java.io.File.separatorChar, '/'), size, modified, size + "@" + modified));
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    @Override
    public byte[] read(Entry entry) throws IOException {
        return Files.readAllBytes(root.resolve(entry.key()));
    }

    @Override
    public Path local(Entry entry) {
        return root.resolve(entry.key());
    }

    @Override
    public String nameOf(Entry entry) {
        return root.resolve(entry.key()).toString();
    }

    @Override
    public boolean mayBeIncomplete() {
        return true;
    }
}

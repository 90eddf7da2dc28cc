package dev.burnrate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Small FOCUS files cut from the committed real sample, optionally with one line changed. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The header and the first {@code rows} data lines of the real FOCUS 1.0 sample. */
    public static List<String> sampleLines(Path dir, int rows) {
        try {
            Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
            List<String> all = Files.readAllLines(sample, StandardCharsets.UTF_8);
            return new ArrayList<>(all.subList(0, rows + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes lines, replacing line number {@code lineNo} (1 = header) through the edit. */
    public static Path write(Path file, List<String> lines, int lineNo, UnaryOperator<String> edit) {
        List<String> out = new ArrayList<>(lines);
        if (lineNo > 0) out.set(lineNo - 1, edit.apply(out.get(lineNo - 1)));
        try {
            Files.write(file, out, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, List<String> lines) {
        return write(file, lines, 0, s -> s);
    }
}

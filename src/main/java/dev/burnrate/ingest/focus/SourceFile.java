package dev.burnrate.ingest.focus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A billing export on disk and its container format, known from the file name; {@code label} is the name it is known
 * by (its path, or the name an upload had before it was stored under a temporary one).
 */
public record SourceFile(Path path, Format format, String label) {
    public enum Format { CSV, CSV_GZIP, PARQUET }

    public static SourceFile of(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(path)) {
            throw FocusFileException.wholeFile(path.toString(), "no such file");
        }
        Format f;
        if (name.endsWith(".parquet")) f = Format.PARQUET;
        else if (name.endsWith(".gz")) f = Format.CSV_GZIP;
        else if (name.endsWith(".csv") || name.endsWith(".txt")) f = Format.CSV;
        else throw FocusFileException.wholeFile(path.toString(), "unknown file type: expected .csv, .csv.gz or .parquet");
        return new SourceFile(path, f, path.toString());
    }

    public String name() {
        return label;
    }

    /** The same file, known by another name in reports, errors and the import log. */
    public SourceFile named(String name) {
        return new SourceFile(path, format, name);
    }
}

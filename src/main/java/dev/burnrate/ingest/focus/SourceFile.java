package dev.burnrate.ingest.focus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A billing export on disk and its container format, known from the file name. */
public record SourceFile(Path path, Format format) {
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
        return new SourceFile(path, f);
    }

    public String name() {
        return path.toString();
    }
}

package dev.burnrate.ingest.focus;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Streams a FOCUS CSV (plain or gzip) with the physical line each record starts on. The literal
 * {@code NULL} and the empty cell are both null, as FOCUS exports write them.
 */
public final class CsvRowSource implements RowSource {
    private final SourceFile file;
    private final CsvReader<CsvRecord> reader;
    private final Iterator<CsvRecord> it;
    private final List<String> header;

    public CsvRowSource(SourceFile file) {
        this.file = file;
        try {
            InputStream in = new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16);
            if (file.format() == SourceFile.Format.CSV_GZIP) in = new GZIPInputStream(in, 1 << 16);
            this.reader = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
                    .skipEmptyLines(true).detectBomHeader(true).ofCsvRecord(in);
            this.it = reader.iterator();
            this.header = it.hasNext() ? it.next().getFields() : List.of();
        } catch (IOException | UncheckedIOException | CsvParseException e) {
            throw FocusFileException.wholeFile(file.name(), "cannot read: " + describe(e));
        }
    }

    /** Reads just the header of a CSV export. */
    public static List<String> readHeader(SourceFile file) {
        try (CsvRowSource s = new CsvRowSource(file)) {
            return s.header();
        }
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public void forEach(RowConsumer consumer) {
        long line = 1;
        try {
            while (it.hasNext()) {
                CsvRecord r = it.next();
                line = r.getStartingLineNumber();
                List<String> values = new ArrayList<>(r.getFieldCount());
                for (String v : r.getFields()) values.add(v.isEmpty() || v.equals("NULL") ? null : v);
                consumer.accept(line, values);
            }
        } catch (CsvParseException | UncheckedIOException e) {
            throw new FocusFileException(file.name(), line + 1, null, null, "cannot parse: " + describe(e));
        }
    }

    private static String describe(Exception e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        if (t instanceof EOFException) return "file is truncated (unexpected end of compressed data)";
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

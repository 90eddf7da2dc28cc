package dev.burnrate.ingest.focus;

import java.util.List;

/** A stream of rows of a billing export, with the line each one starts on. */
public interface RowSource extends AutoCloseable {
    List<String> header();

    /** Calls the consumer for each data row; values are null where the cell is null. */
    void forEach(RowConsumer consumer);

    @FunctionalInterface
    interface RowConsumer {
        void accept(long line, List<String> values);
    }

    @Override
    void close();
}

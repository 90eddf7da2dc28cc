package dev.burnrate.forecast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Backtest input as a wide daily CSV: a date column, then one numeric column per series (e.g. GPUs per team). */
public final class WideCsv {
    private WideCsv() {
    }

    public static Backtest.Summary backtest(Path file, int horizon, double coverage) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.size() < 3) throw new IllegalArgumentException(file + ": needs a header and at least two days");
        String[] header = lines.get(0).split(",");
        int dow;
        try {
            dow = LocalDate.parse(lines.get(1).split(",")[0].strip()).getDayOfWeek().getValue() - 1;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + ":2: first column is not a date (YYYY-MM-DD)");
        }
        double[][] cols = new double[header.length][lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected " + header.length + " columns, found " + cells.length);
            }
            for (int c = 1; c < header.length; c++) {
                try {
                    cols[c][i - 1] = Double.parseDouble(cells[c].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": column " + header[c] + ": '" + cells[c] + "' is not a number");
                }
            }
        }
        List<Backtest.Score> scores = new ArrayList<>();
        for (int c = 1; c < header.length; c++) scores.add(Backtest.run(header[c], cols[c], dow, horizon, 56, 7, coverage));
        return Backtest.summarise(scores);
    }
}

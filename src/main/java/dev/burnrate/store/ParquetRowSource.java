package dev.burnrate.store;

import dev.burnrate.ingest.focus.FocusFileException;
import dev.burnrate.ingest.focus.RowSource;
import dev.burnrate.ingest.focus.SourceFile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Rows of a Parquet export as strings, for the validator; "line" is the 1-based row number plus one (as if a header). */
final class ParquetRowSource implements RowSource {
    private final Database db;
    private final SourceFile file;
    private final List<String> header = new ArrayList<>();
    private final List<String> types = new ArrayList<>();

    ParquetRowSource(Database db, SourceFile file) {
        this.db = db;
        this.file = file;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + source())) {
            while (r.next()) {
                header.add(r.getString(1));
                types.add(r.getString(2));
            }
        } catch (SQLException e) {
            throw FocusFileException.wholeFile(file.name(), "cannot read Parquet: " + DuckFocusLedger.firstLine(e));
        }
    }

    private String source() {
        return "read_parquet(" + Sql.literal(file.path().toAbsolutePath().toString()) + ")";
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public void forEach(RowConsumer consumer) {
        StringJoiner cols = new StringJoiner(", ");
        for (int i = 0; i < header.size(); i++) {
            String id = Sql.ident(header.get(i));
            String t = types.get(i);
            cols.add(t.startsWith("MAP") || t.startsWith("STRUCT") ? "CAST(to_json(" + id + ") AS VARCHAR)"
                    : t.startsWith("TIMESTAMP") ? "strftime(" + id + ", '%Y-%m-%dT%H:%M:%SZ')" : "CAST(" + id + " AS VARCHAR)");
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT " + cols + " FROM " + source())) {
            long line = 1;
            while (r.next()) {
                line++;
                List<String> values = new ArrayList<>(header.size());
                for (int i = 1; i <= header.size(); i++) values.add(r.getString(i));
                consumer.accept(line, values);
            }
        } catch (SQLException e) {
            throw FocusFileException.wholeFile(file.name(), "cannot read Parquet: " + DuckFocusLedger.firstLine(e));
        }
    }

    @Override
    public void close() {
    }
}

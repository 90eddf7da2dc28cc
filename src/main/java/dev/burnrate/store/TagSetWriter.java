package dev.burnrate.store;

import dev.burnrate.ledger.Dimensions;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Writes dimensions of tag sets in multi-row VALUES statements (prepared batches are far slower in DuckDB). */
final class TagSetWriter {
    private static final int CHUNK = 1000;

    private TagSetWriter() {
    }

    static void write(Connection c, Map<Long, Map<String, String>> dims) {
        if (dims.isEmpty()) return;
        List<String> cols = Dimensions.STANDARD;
        try (Statement s = c.createStatement()) {
            StringJoiner def = new StringJoiner(", ", "CREATE OR REPLACE TEMP TABLE tag_dims_new (tag_hash UBIGINT, ", ")");
            cols.forEach(d -> def.add(Sql.ident(d) + " VARCHAR"));
            s.execute(def.toString());
            List<Map.Entry<Long, Map<String, String>>> entries = new ArrayList<>(dims.entrySet());
            for (int from = 0; from < entries.size(); from += CHUNK) {
                StringJoiner values = new StringJoiner(", ", "INSERT INTO tag_dims_new VALUES ", "");
                for (Map.Entry<Long, Map<String, String>> e : entries.subList(from, Math.min(entries.size(), from + CHUNK))) {
                    StringJoiner row = new StringJoiner(", ", "(", ")");
                    row.add(Long.toUnsignedString(e.getKey()));
                    cols.forEach(d -> row.add(Sql.literal(e.getValue().get(d))));
                    values.add(row.toString());
                }
                s.execute(values.toString());
            }
            StringJoiner set = new StringJoiner(", ");
            cols.forEach(d -> set.add(Sql.ident(d) + " = n." + Sql.ident(d)));
            s.execute("UPDATE tag_set SET " + set + " FROM tag_dims_new n WHERE tag_set.tag_hash = n.tag_hash");
            s.execute("DROP TABLE tag_dims_new");
        } catch (SQLException e) {
            throw new StoreException("cannot store dimensions: " + e.getMessage(), e);
        }
    }
}

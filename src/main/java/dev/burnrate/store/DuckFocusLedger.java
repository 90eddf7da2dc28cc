package dev.burnrate.store;

import dev.burnrate.ingest.focus.FocusFileException;
import dev.burnrate.ingest.focus.FocusHeader;
import dev.burnrate.ingest.focus.FocusLedger;
import dev.burnrate.ingest.focus.RowSource;
import dev.burnrate.ingest.focus.SourceFile;
import dev.burnrate.ledger.FocusColumn;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

/** FOCUS import into DuckDB: bulk {@code read_csv} / {@code read_parquet} straight into the ledger, in one transaction. */
public final class DuckFocusLedger implements FocusLedger {
    private static final AtomicLong REJECTS = new AtomicLong();
    private final Database db;

    public DuckFocusLedger(Database db) {
        this.db = db;
    }

    @Override
    public List<String> parquetColumns(Path file) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + Sql.literal(file.toString()) + ")")) {
            List<String> names = new ArrayList<>();
            while (r.next()) names.add(r.getString(1));
            return names;
        } catch (SQLException e) {
            throw FocusFileException.wholeFile(file.toString(), "cannot read Parquet: " + firstLine(e));
        }
    }

    @Override
    public RowSource rows(SourceFile file) {
        return new ParquetRowSource(db, file);
    }

    @Override
    public boolean alreadyImported(String sha256) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT count(*) FROM import_log l WHERE l.sha256 = ?
                       AND EXISTS (SELECT 1 FROM cost_record r WHERE r.import_id = l.import_id)""")) {
            ps.setString(1, sha256);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the import log: " + e.getMessage(), e);
        }
    }

    @Override
    public Batch begin() {
        return new DuckBatch(db.connect());
    }

    /** {"USD": {"billed": "1.5", "effective": "1.2"}}: currency codes are [A-Z]{3} and amounts plain decimals. */
    static String totalsJson(ImportLogEntry e) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        e.billed().forEach((cur, billed) -> j.add("\"" + cur + "\": {\"billed\": \"" + dev.burnrate.ledger.Money.plain(billed)
                + "\", \"effective\": \"" + dev.burnrate.ledger.Money.plain(e.effective().getOrDefault(cur, java.math.BigDecimal.ZERO)) + "\"}"));
        return j.toString();
    }

    static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private final class DuckBatch implements Batch {
        private final Connection c;
        private final List<String> importIds = new ArrayList<>();
        private boolean open = true;

        DuckBatch(Connection c) {
            this.c = c;
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                throw new StoreException("cannot begin a transaction: " + e.getMessage(), e);
            }
        }

        @Override
        public long load(String importId, SourceFile file, FocusHeader header) {
            importIds.add(importId);
            return file.format() == SourceFile.Format.PARQUET ? loadParquet(importId, file, header) : loadCsv(importId, file, header);
        }

        private long loadCsv(String importId, SourceFile file, FocusHeader header) {
            long n = REJECTS.incrementAndGet();
            String rejects = "burnrate_rejects_" + n;
            String scan = "burnrate_rejects_scan_" + n;
            StringJoiner types = new StringJoiner(", ", "{", "}");
            for (int i = 0; i < header.names().size(); i++) {
                Optional<FocusColumn> fc = header.focus().get(i);
                types.add(Sql.literal(header.names().get(i)) + ": " + Sql.literal(fc.map(Database::sqlType).orElse("VARCHAR")));
            }
            String source = "read_csv(" + Sql.literal(file.path().toAbsolutePath().toString())
                    + ", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"'"
                    + ", nullstr = ['NULL', ''], strict_mode = true, columns = " + types
                    + ", store_rejects = true, rejects_table = " + Sql.literal(rejects) + ", rejects_scan = " + Sql.literal(scan) + ")";
            long rows = insert(importId, file, header, source, Map.of());
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT line, column_name, error_type, csv_line, error_message FROM "
                         + rejects + " ORDER BY line, CASE WHEN error_type = 'CAST' THEN 1 ELSE 0 END, column_idx LIMIT 1")) {
                if (r.next()) {
                    throw new FocusFileException(file.name(), r.getLong(1), r.getString(2), valueOf(r.getString(5), r.getString(4)),
                            reason(r.getString(3), r.getString(5)) + "; nothing from this file was stored");
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read CSV rejects: " + e.getMessage(), e);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + rejects);
                    s.execute("DROP TABLE IF EXISTS " + scan);
                } catch (SQLException ignored) {
                    // temp tables vanish with the connection anyway
                }
            }
            return rows;
        }

        private static String valueOf(String message, String csvLine) {
            if (message != null) {
                int a = message.indexOf("Could not convert string \"");
                if (a >= 0) {
                    int start = a + "Could not convert string \"".length();
                    int end = message.indexOf('"', start);
                    if (end > start) return message.substring(start, end);
                }
            }
            return csvLine != null && csvLine.length() > 120 ? csvLine.substring(0, 120) + "…" : csvLine;
        }

        private static String reason(String type, String message) {
            String m = message == null ? "" : message.replaceAll("\\s+", " ").strip();
            return switch (type == null ? "" : type) {
                case "CAST" -> m.contains("TIMESTAMP") ? "not a valid datetime (" + m + ")" : m.contains("DECIMAL") ? "not a valid decimal number (" + m + ")" : m;
                case "MISSING COLUMNS" -> "wrong column count: row has too few columns (" + m + ")";
                case "TOO MANY COLUMNS" -> "wrong column count: row has too many columns (" + m + ")";
                case "UNQUOTED VALUE" -> "unclosed or misplaced quote (" + m + ")";
                case "LINE SIZE OVER MAXIMUM" -> "line too long, likely an unclosed quote (" + m + ")";
                case "INVALID ENCODING", "INVALID UNICODE" -> "invalid UTF-8 (" + m + ")";
                default -> type + ": " + m;
            };
        }

        private long loadParquet(String importId, SourceFile file, FocusHeader header) {
            Map<String, String> types = new HashMap<>();
            String src = "read_parquet(" + Sql.literal(file.path().toAbsolutePath().toString()) + ")";
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + src)) {
                while (r.next()) types.put(r.getString(1), r.getString(2));
            } catch (SQLException e) {
                throw FocusFileException.wholeFile(file.name(), "cannot read Parquet: " + firstLine(e));
            }
            try {
                return insert(importId, file, header, src, types);
            } catch (FocusFileException e) {
                throw locateParquetError(file, header, e);
            }
        }

        /** Parquet has no lines: find the first row (1-based) whose value does not convert, and name it. */
        private FocusFileException locateParquetError(SourceFile file, FocusHeader header, FocusFileException original) {
            String src = "read_parquet(" + Sql.literal(file.path().toAbsolutePath().toString()) + ", file_row_number = true)";
            for (int i = 0; i < header.names().size(); i++) {
                Optional<FocusColumn> fc = header.focus().get(i);
                if (fc.isEmpty() || fc.get().type() == FocusColumn.Type.STRING || fc.get().type() == FocusColumn.Type.JSON) continue;
                String col = Sql.ident(header.names().get(i));
                String q = "SELECT file_row_number, CAST(" + col + " AS VARCHAR) FROM " + src + " WHERE " + col
                        + " IS NOT NULL AND TRY_CAST(" + col + " AS " + Database.sqlType(fc.get()) + ") IS NULL LIMIT 1";
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(q)) {
                    if (r.next()) {
                        return new FocusFileException(file.name(), r.getLong(1) + 1, fc.get().name(), r.getString(2),
                                "not a valid " + fc.get().type().name().toLowerCase() + " (Parquet row " + (r.getLong(1) + 1)
                                        + "); nothing from this file was stored");
                    }
                } catch (SQLException ignored) {
                    // keep looking in the next column
                }
            }
            return original;
        }

        private long insert(String importId, SourceFile file, FocusHeader header, String source, Map<String, String> parquetTypes) {
            StringJoiner target = new StringJoiner(", ");
            StringJoiner select = new StringJoiner(", ");
            for (int i = 0; i < header.names().size(); i++) {
                Optional<FocusColumn> fc = header.focus().get(i);
                if (fc.isEmpty()) continue;
                String name = header.names().get(i);
                target.add(Sql.ident(fc.get().name()));
                String t = parquetTypes.getOrDefault(name, "");
                String expr = Sql.ident(name);
                if (fc.get().type() == FocusColumn.Type.JSON && (t.startsWith("MAP") || t.startsWith("STRUCT"))) {
                    expr = "CAST(to_json(" + expr + ") AS VARCHAR)";
                } else if (!parquetTypes.isEmpty()) {
                    expr = "CAST(" + expr + " AS " + Database.sqlType(fc.get()) + ")";
                }
                select.add(expr);
            }
            List<String> custom = header.customColumns();
            target.add("extra_columns");
            if (custom.isEmpty()) {
                select.add("NULL");
            } else {
                StringJoiner obj = new StringJoiner(", ", "CAST(json_object(", ") AS VARCHAR)");
                for (String cc : custom) obj.add(Sql.literal(cc) + ", " + Sql.ident(cc));
                select.add(obj.toString());
            }
            target.add("tag_hash");
            select.add(header.has(FocusColumn.Tags) ? "hash(" + Sql.ident(header.names().get(header.indexOf(FocusColumn.Tags))) + ")" : "hash(NULL::VARCHAR)");
            target.add("import_id");
            select.add(Sql.literal(importId));
            String sql = "INSERT INTO cost_record (" + target + ") SELECT " + select + " FROM " + source;
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            } catch (SQLException e) {
                throw FocusFileException.wholeFile(file.name(), "cannot load: " + firstLine(e) + "; nothing from this file was stored");
            }
        }

        @Override
        public void discard(String importId) {
            importIds.remove(importId);
            update("DELETE FROM cost_record WHERE import_id = ?", importId);
        }

        @Override
        public Map<Long, String> newTagSets() {
            if (importIds.isEmpty()) return Map.of();
            String ids = inList(importIds);
            update("INSERT INTO tag_set (tag_hash, tags) SELECT tag_hash, any_value(\"Tags\") FROM cost_record WHERE import_id IN "
                    + ids + " AND tag_hash NOT IN (SELECT tag_hash FROM tag_set) GROUP BY tag_hash");
            Map<Long, String> out = new LinkedHashMap<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT tag_hash, tags FROM tag_set WHERE team IS NULL")) {
                while (r.next()) out.put(Long.parseUnsignedLong(r.getString(1)), r.getString(2));
            } catch (SQLException e) {
                throw new StoreException("cannot read tag sets: " + e.getMessage(), e);
            }
            return out;
        }

        @Override
        public void putDimensions(Map<Long, Map<String, String>> dimensionsByTagSet) {
            TagSetWriter.write(c, dimensionsByTagSet);
        }

        @Override
        public Map<String, Long> distinctValues(String importId, FocusColumn column) {
            Map<String, Long> out = new LinkedHashMap<>();
            String sql = "SELECT " + Sql.ident(column.name()) + ", count(*) FROM cost_record WHERE import_id = ? GROUP BY 1 ORDER BY 2 DESC";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, importId);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) out.put(r.getString(1), r.getLong(2));
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read distinct values: " + e.getMessage(), e);
            }
            return out;
        }

        @Override
        public List<PeriodTotals> periods(String importId) {
            String sql = """
                    SELECT coalesce("ProviderName", "ServiceProviderName"), "BillingAccountId", "BillingPeriodStart", "BillingCurrency",
                           count(*), sum("BilledCost"), sum("EffectiveCost")
                    FROM cost_record WHERE import_id = ? GROUP BY ALL ORDER BY 3, 1, 2, 4""";
            List<PeriodTotals> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, importId);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new PeriodTotals(r.getString(1), r.getString(2), r.getTimestamp(3).toLocalDateTime().toInstant(java.time.ZoneOffset.UTC),
                                r.getString(4), r.getLong(5), r.getBigDecimal(6), r.getBigDecimal(7)));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read billing periods: " + e.getMessage(), e);
            }
            return out;
        }

        @Override
        public long replacePeriods(List<String> ids) {
            if (ids.isEmpty()) return 0;
            String in = inList(ids);
            return update("""
                    DELETE FROM cost_record WHERE import_id NOT IN %s
                      AND (coalesce("ProviderName", "ServiceProviderName"), "BillingAccountId", "BillingPeriodStart") IN (
                        SELECT DISTINCT coalesce("ProviderName", "ServiceProviderName"), "BillingAccountId", "BillingPeriodStart"
                        FROM cost_record WHERE import_id IN %s)""".formatted(in, in));
        }

        @Override
        public void log(ImportLogEntry e) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO import_log "
                    + "(import_id, file, sha256, focus_version, rows, imported_at, replaced_rows, totals) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.importId());
                ps.setString(2, e.file());
                ps.setString(3, e.sha256());
                ps.setString(4, e.focusVersion());
                ps.setLong(5, e.rows());
                ps.setObject(6, java.time.LocalDateTime.ofInstant(e.importedAt(), java.time.ZoneOffset.UTC));
                ps.setLong(7, e.replacedRows());
                ps.setString(8, totalsJson(e));
                ps.executeUpdate();
            } catch (SQLException ex) {
                throw new StoreException("cannot write the import log: " + ex.getMessage(), ex);
            }
        }

        @Override
        public void commit() {
            try {
                c.commit();
                open = false;
                c.close();
                db.costsChanged();
            } catch (SQLException e) {
                throw new StoreException("cannot commit the import: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (!open) return;
            open = false;
            try {
                c.rollback();
                c.close();
            } catch (SQLException e) {
                throw new StoreException("cannot roll back the import: " + e.getMessage(), e);
            }
        }

        private long update(String sql, String... params) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("import step failed: " + firstLine(e), e);
            }
        }

        private static String inList(List<String> ids) {
            StringJoiner j = new StringJoiner(", ", "(", ")");
            ids.forEach(id -> j.add(Sql.literal(id)));
            return j.toString();
        }
    }
}

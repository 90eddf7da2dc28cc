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
    public List<String> importsOf(String sha256) {
        if (db.ledger() != null) return db.ledger().importsOf(sha256);
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT l.import_id FROM import_log l WHERE l.sha256 = ?
                       AND EXISTS (SELECT 1 FROM cost_record r WHERE r.import_id = l.import_id) ORDER BY l.import_id""")) {
            ps.setString(1, sha256);
            List<String> out = new ArrayList<>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the import log: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ImportLogEntry> imports(int limit) {
        if (db.ledger() != null) return db.ledger().imports(limit);
        List<ImportLogEntry> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT import_id, file, sha256, focus_version, rows, imported_at, "
                + "replaced_rows, totals, warnings FROM import_log ORDER BY imported_at DESC, import_id LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Map<String, java.math.BigDecimal> billed = new java.util.TreeMap<>();
                    Map<String, java.math.BigDecimal> effective = new java.util.TreeMap<>();
                    String totals = r.getString(8);
                    if (totals != null) {
                        com.fasterxml.jackson.databind.JsonNode t = TOTALS.readTree(totals);
                        t.fields().forEachRemaining(e -> {
                            billed.put(e.getKey(), new java.math.BigDecimal(e.getValue().path("billed").asText()));
                            effective.put(e.getKey(), new java.math.BigDecimal(e.getValue().path("effective").asText()));
                        });
                    }
                    String warnings = r.getString(9);
                    out.add(new ImportLogEntry(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5),
                            r.getObject(6, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC), r.getLong(7), billed, effective,
                            warnings == null ? List.of() : List.of(warnings.split("\n"))));
                }
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("cannot read the import log: " + e.getMessage(), e);
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TOTALS = new com.fasterxml.jackson.databind.ObjectMapper();

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

    /** Marks the message of a value the INSERT refused: marker, column, reason and value, separated by U+001F. */
    private static final String BAD_VALUE = "burnrate-bad-value";
    private static final char SEP = '\u001f';

    /**
     * The expression that turns one source cell ({@code type} as DuckDB reads it) into the stored column. Text is
     * converted here rather than by a typed reader, because a typed reader drops a datetime's offset and rounds an
     * amount to the column's scale without a word. A value that does not convert, or would not be kept exactly,
     * stops the INSERT through {@code error()} naming column, reason and value; the importer finds its line.
     */
    static String convert(FocusColumn column, String cell, String type) {
        String t = type.toUpperCase(java.util.Locale.ROOT);
        return switch (column.type()) {
            case STRING -> t.equals("VARCHAR") ? cell : "CAST(" + cell + " AS VARCHAR)";
            case JSON -> t.startsWith("MAP") || t.startsWith("STRUCT") ? "CAST(to_json(" + cell + ") AS VARCHAR)"
                    : t.equals("VARCHAR") ? cell : "CAST(" + cell + " AS VARCHAR)";
            // the session time zone is UTC (Database.open): a zoned value becomes its UTC wall time
            case DATETIME -> t.startsWith("TIMESTAMP") || t.equals("DATE") ? "CAST(" + cell + " AS TIMESTAMP)" : datetimeFromText(column, text(cell, t));
            // a binary float has no exact decimal value to keep: it is stored to the column's scale
            case DECIMAL -> t.equals("DOUBLE") || t.equals("FLOAT") || t.endsWith("INT") || t.equals("INTEGER") || fitsScale(t)
                    ? "CAST(" + cell + " AS " + Database.DECIMAL + ")" : decimalFromText(column, text(cell, t));
        };
    }

    private static String text(String cell, String type) {
        return type.equals("VARCHAR") ? cell : "CAST(" + cell + " AS VARCHAR)";
    }

    /** A Parquet DECIMAL(p,s) with s no larger than the ledger's scale converts exactly. */
    private static boolean fitsScale(String type) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("DECIMAL\\((\\d+),(\\d+)\\)").matcher(type.replace(" ", ""));
        return m.matches() && Integer.parseInt(m.group(2)) <= Database.DECIMAL_SCALE
                && Integer.parseInt(m.group(1)) - Integer.parseInt(m.group(2)) <= 38 - Database.DECIMAL_SCALE;
    }

    /**
     * Text to a UTC timestamp. The usual shapes (a {@code Z} offset, a date, or date and time without an offset) parse
     * as TIMESTAMP at once; anything else (an offset such as {@code -05:00}) goes through TIMESTAMPTZ, which applies it
     * (the session time zone is UTC). Each value is parsed once; one that parses neither way stops the INSERT.
     */
    private static String datetimeFromText(FocusColumn column, String v) {
        String bad = refuse(column, "not a valid datetime (expected ISO 8601, e.g. 2024-09-01T00:00:00Z)", v);
        return "CASE WHEN " + v + " IS NULL THEN NULL"
                + " WHEN suffix(" + v + ", 'Z') OR length(" + v + ") = 10 OR (length(" + v + ") = 19 AND substr(" + v + ", 17, 1) = ':')"
                + " THEN coalesce(TRY_CAST(" + v + " AS TIMESTAMP), " + bad + ")"
                + " ELSE coalesce(CAST(TRY_CAST(" + v + " AS TIMESTAMPTZ) AS TIMESTAMP), " + bad + ") END";
    }

    /**
     * Text to the ledger's DECIMAL, never rounded: the precision checks run only where they can matter (more than 20
     * characters, or an exponent), and the value itself is parsed once.
     */
    private static String decimalFromText(FocusColumn column, String v) {
        String dec = Database.DECIMAL;
        int scale = Database.DECIMAL_SCALE;
        String tooPrecise = "more than " + scale + " decimal places: the ledger keeps " + scale + " and does not round amounts";
        String exponent = "(contains(" + v + ", 'e') OR contains(" + v + ", 'E'))";
        // plain notation: a non-zero digit after the scale-th decimal; exponent notation: compared with a finer reading
        return "CASE WHEN " + v + " IS NULL THEN NULL"
                // more than `scale` decimals needs at least the point and scale + 1 digits
                + " WHEN length(" + v + ") > " + (scale + 1) + " AND NOT " + exponent + " AND regexp_matches(" + v
                + ", '[.][0-9]{" + scale + "}[0-9]*[1-9]') THEN " + refuse(column, tooPrecise, v)
                + " WHEN " + exponent + " AND (TRY_CAST(" + v + " AS DECIMAL(38,27)) <> TRY_CAST(TRY_CAST(" + v + " AS " + dec + ") AS DECIMAL(38,27))"
                + " OR TRY_CAST(" + v + " AS DOUBLE) <> 0 AND TRY_CAST(" + v + " AS " + dec + ") = 0) THEN " // a non-zero amount never becomes 0
                + refuse(column, tooPrecise, v)
                + " ELSE coalesce(TRY_CAST(" + v + " AS " + dec + "), " + refuse(column, "not a valid decimal number, or more than "
                + (38 - scale) + " digits before the decimal point", v) + ") END";
    }

    private static String refuse(FocusColumn column, String reason, String value) {
        return "error(concat(" + Sql.literal(BAD_VALUE + SEP + column.name() + SEP + reason + SEP) + ", " + value + "))";
    }

    /** The value the INSERT refused, as a finding without a line (the importer finds it), or null for another failure. */
    static FocusFileException badValue(SourceFile file, SQLException e) {
        String m = e.getMessage();
        int at = m == null ? -1 : m.indexOf(BAD_VALUE + SEP);
        if (at < 0) return null;
        String[] parts = m.substring(at + BAD_VALUE.length() + 1).split(String.valueOf(SEP), 3);
        if (parts.length < 3) return null;
        return new FocusFileException(file.name(), 0, parts[0], parts[2].strip(), parts[1] + "; nothing from this file was stored");
    }

    private final class DuckBatch implements Batch {
        private final Connection c;
        private final List<String> importIds = new ArrayList<>();
        private boolean open = true;
        /** With a ledger directory: the commit to it, from {@link #replacePeriods} on (it holds the directory's lock). */
        private PartitionCommit partitions;

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
            // every cell is read as text and converted by the INSERT (see convert): an offset is applied and an amount
            // that the column cannot hold exactly is refused, where a typed read_csv would drop the one and round the other
            StringJoiner types = new StringJoiner(", ", "{", "}");
            for (String name : header.names()) types.add(Sql.literal(name) + ": 'VARCHAR'");
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
            return insert(importId, file, header, src, types);
        }

        private long insert(String importId, SourceFile file, FocusHeader header, String source, Map<String, String> parquetTypes) {
            StringJoiner target = new StringJoiner(", ");
            StringJoiner select = new StringJoiner(", ");
            for (int i = 0; i < header.names().size(); i++) {
                Optional<FocusColumn> fc = header.focus().get(i);
                if (fc.isEmpty()) continue;
                String name = header.names().get(i);
                target.add(Sql.ident(fc.get().name()));
                select.add(convert(fc.get(), Sql.ident(name), parquetTypes.getOrDefault(name, "VARCHAR")));
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
                FocusFileException bad = badValue(file, e);
                if (bad != null) throw bad;
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
        public Map<FocusColumn, Long> nullCounts(String importId, List<FocusColumn> columns) {
            if (columns.isEmpty()) return Map.of();
            StringJoiner counts = new StringJoiner(", ");
            for (FocusColumn col : columns) counts.add("count(*) FILTER (WHERE " + Sql.ident(col.name()) + " IS NULL)");
            Map<FocusColumn, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + counts + " FROM cost_record WHERE import_id = ?")) {
                ps.setString(1, importId);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    for (int i = 0; i < columns.size(); i++) {
                        if (r.getLong(i + 1) > 0) out.put(columns.get(i), r.getLong(i + 1));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot count nulls: " + e.getMessage(), e);
            }
            return out;
        }

        @Override
        public long endNotAfterStart(String importId, FocusColumn start, FocusColumn end) {
            return count("SELECT count(*) FROM cost_record WHERE import_id = ? AND " + Sql.ident(end.name()) + " <= " + Sql.ident(start.name()), importId);
        }

        @Override
        public long notJsonObject(String importId, FocusColumn column) {
            String col = Sql.ident(column.name());
            return count("SELECT count(*) FROM cost_record WHERE import_id = ? AND " + col + " IS NOT NULL AND (NOT json_valid(" + col
                    + ") OR json_type(CAST(" + col + " AS JSON)) <> 'OBJECT')", importId);
        }

        private long count(String sql, String importId) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, importId);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot check the import: " + firstLine(e), e);
            }
        }

        @Override
        public List<PeriodTotals> periods(String importId) {
            // a failed query would abort the import's transaction, so the sum's form is chosen before: the plain sum
            // cannot overflow while rows x largest amount stays below 1e20 (HUGEINT holds 1.7e38 in units of 1e-18)
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), greatest(max(abs(\"BilledCost\")), max(abs(\"EffectiveCost\")))"
                    + " FROM cost_record WHERE import_id = ?")) {
                ps.setString(1, importId);
                boolean wide;
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    java.math.BigDecimal max = r.getBigDecimal(2);
                    wide = max != null && max.multiply(java.math.BigDecimal.valueOf(r.getLong(1))).compareTo(java.math.BigDecimal.TEN.pow(20)) >= 0;
                }
                return periods(importId, wide);
            } catch (SQLException e) {
                throw new StoreException("cannot read billing periods: " + e.getMessage(), e);
            }
        }

        /** {@code wide}: sums that cannot overflow (see {@link WideSum}), for when the plain sum did. */
        private List<PeriodTotals> periods(String importId, boolean wide) throws SQLException {
            String sums = wide ? WideSum.sum("\"BilledCost\"", "billed") + ", " + WideSum.sum("\"EffectiveCost\"", "effective")
                    : "sum(\"BilledCost\") AS billed, sum(\"EffectiveCost\") AS effective";
            String sql = "SELECT coalesce(\"ProviderName\", \"ServiceProviderName\"), \"BillingAccountId\", \"BillingPeriodStart\", \"BillingCurrency\", "
                    + "count(*), " + sums + " FROM cost_record WHERE import_id = ? GROUP BY ALL ORDER BY 3, 1, 2, 4";
            List<PeriodTotals> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, importId);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new PeriodTotals(r.getString(1), r.getString(2), r.getTimestamp(3).toLocalDateTime().toInstant(java.time.ZoneOffset.UTC),
                                r.getString(4), r.getLong(5), wide ? WideSum.read(r, "billed") : r.getBigDecimal("billed"),
                                wide ? WideSum.read(r, "effective") : r.getBigDecimal("effective")));
                    }
                }
            }
            return out;
        }

        @Override
        public long replacePeriods(List<String> ids, java.util.Collection<String> keep) {
            if (ids.isEmpty()) return 0;
            if (db.ledger() != null) {
                partitions = new PartitionCommit(db, c);
                return partitions.replace(ids, keep);
            }
            String in = inList(ids);
            List<String> spared = new ArrayList<>(ids);
            spared.addAll(keep);
            return update("""
                    DELETE FROM cost_record WHERE import_id NOT IN %s
                      AND (coalesce("ProviderName", "ServiceProviderName"), "BillingAccountId", "BillingPeriodStart") IN (
                        SELECT DISTINCT coalesce("ProviderName", "ServiceProviderName"), "BillingAccountId", "BillingPeriodStart"
                        FROM cost_record WHERE import_id IN %s)""".formatted(inList(spared), in));
        }

        @Override
        public void log(ImportLogEntry e) {
            if (partitions != null) {
                partitions.log(e);
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO import_log "
                    + "(import_id, file, sha256, focus_version, rows, imported_at, replaced_rows, totals, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, e.importId());
                ps.setString(2, e.file());
                ps.setString(3, e.sha256());
                ps.setString(4, e.focusVersion());
                ps.setLong(5, e.rows());
                ps.setObject(6, java.time.LocalDateTime.ofInstant(e.importedAt(), java.time.ZoneOffset.UTC));
                ps.setLong(7, e.replacedRows());
                ps.setString(8, totalsJson(e));
                ps.setString(9, e.warnings().isEmpty() ? null : String.join("\n", e.warnings()));
                ps.executeUpdate();
            } catch (SQLException ex) {
                throw new StoreException("cannot write the import log: " + ex.getMessage(), ex);
            }
        }

        @Override
        public void commit() {
            if (db.ledger() != null) {
                commitToDirectory();
                return;
            }
            try {
                c.commit();
                open = false;
                c.close();
                db.costsChanged();
            } catch (SQLException e) {
                throw new StoreException("cannot commit the import: " + e.getMessage(), e);
            }
        }

        /**
         * The rows go to the directory's partitions; this file's transaction is then rolled back, so its table stays
         * empty (the tag sets it stored are stored again, with their dimensions, when the views catch up).
         */
        private void commitToDirectory() {
            try {
                if (partitions != null) partitions.commit();
            } finally {
                close();
            }
            db.costsChanged();
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
            } finally {
                if (partitions != null) partitions.close();
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

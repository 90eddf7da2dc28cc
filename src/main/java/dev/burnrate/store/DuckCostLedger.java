package dev.burnrate.store;

import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Coverage;
import dev.burnrate.ledger.Dimensions;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.FocusColumn;
import dev.burnrate.ledger.Money;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Cost explorer queries over the ledger: one aggregate query per report, tag sets joined by key. */
public final class DuckCostLedger implements CostLedger {
    private final Database db;
    private final boolean rollups;

    public DuckCostLedger(Database db) {
        this(db, true);
    }

    /** {@code rollups}: answer day-or-coarser reports from a ledger directory's daily rollups where they can (false: always the rows). */
    public DuckCostLedger(Database db, boolean rollups) {
        this.db = db;
        this.rollups = rollups;
    }

    /**
     * Where a report reads from: the rows, or the daily rollups. The rollups hold the sums of every amount per day,
     * currency, tag set and {@link LedgerDirectory#ROLLUP_COLUMNS}, so a report that groups and filters only by those
     * (and dimensions, which come from the tag set) at day granularity or coarser gets the same sums from them.
     */
    private record Source(String relation, String day, String records, String time) {
        static Source rows(String relation) {
            return new Source(relation, "CAST(c.\"ChargePeriodStart\" AS DATE)", "count(*)", "c.\"ChargePeriodStart\"");
        }

        static Source daily(String relation) {
            return new Source(relation, "c.day", "sum(c.records)", "c.day");
        }
    }

    private static java.util.Set<Field> fields(CostQuery q) {
        java.util.Set<Field> fields = new java.util.HashSet<>(q.groupBy());
        fields.addAll(q.filters().keySet());
        return fields;
    }

    /** Whether {@link #costs} answers this query from the daily rollups. */
    boolean fromRollups(CostQuery q) {
        return source(fields(q)).records().startsWith("sum");
    }

    /** The rollups when the report can be answered from them, else the rows. */
    private Source source(java.util.Collection<Field> fields) {
        String daily = rollups ? db.costDaily() : null;
        if (daily != null && fields.stream().allMatch(f -> f.kind() == Field.Kind.DIMENSION
                || f.kind() == Field.Kind.FOCUS_COLUMN && LedgerDirectory.ROLLUP_COLUMNS.contains(f.name()))) {
            return Source.daily(daily);
        }
        return Source.rows(db.costRecord());
    }

    /**
     * Two steps, so the wide scan groups by integers only: (1) aggregate the ledger by tag set, period,
     * FOCUS columns and currency; (2) join the small result to the tag sets and aggregate by dimension.
     * Dimension filters become a semi-join on tag-set keys.
     */
    @Override
    public CostReport costs(CostQuery q) {
        Source src = source(fields(q));
        String period = switch (q.granularity()) {
            case NONE -> "NULL::DATE";
            case DAY -> src.day();
            case WEEK -> "CAST(date_trunc('week', " + src.day() + ") AS DATE)";
            case MONTH -> "CAST(date_trunc('month', " + src.day() + ") AS DATE)";
        };
        List<CostReport.Row> rows = new ArrayList<>();
        for (boolean wide : new boolean[]{false, true}) {
            List<Object> params = new ArrayList<>();
            String sql = aggregate(src, period, q.groupBy(), q.basis(), where(src, q.from() == null ? null : q.from().atStartOfDay(),
                    q.to() == null ? null : q.to().atStartOfDay(), q.filters(), params), wide);
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        java.sql.Date d = r.getDate("period");
                        rows.add(new CostReport.Row(d == null ? null : d.toLocalDate(), keys(r, q.groupBy().size()), money(r, wide), r.getLong("records")));
                    }
                }
                break;
            } catch (SQLException e) {
                rows.clear();
                if (!wide && WideSum.isOverflow(e)) continue;
                throw new StoreException("cost query failed: " + e.getMessage(), e);
            }
        }
        return new CostReport(q, rows);
    }

    @Override
    public List<HourRow> hourly(List<Field> groupBy, LocalDateTime from, LocalDateTime to, Map<Field, List<String>> filters,
                                dev.burnrate.ledger.CostBasis basis) {
        List<HourRow> rows = new ArrayList<>();
        for (boolean wide : new boolean[]{false, true}) {
            List<Object> params = new ArrayList<>();
            Source src = Source.rows(db.costRecord());
            String sql = aggregate(src, "date_trunc('hour', c.\"ChargePeriodStart\")", groupBy, basis, where(src, from, to, filters, params), wide);
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        rows.add(new HourRow(r.getTimestamp("period").toLocalDateTime(), keys(r, groupBy.size()), money(r, wide)));
                    }
                }
                break;
            } catch (SQLException e) {
                rows.clear();
                if (!wide && WideSum.isOverflow(e)) continue;
                throw new StoreException("hourly cost query failed: " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static List<String> keys(ResultSet r, int n) throws SQLException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) keys.add(r.getString("k" + i));
        return keys;
    }

    private static Money money(ResultSet r, boolean wide) throws SQLException {
        java.math.BigDecimal cost = wide ? WideSum.read(r, "cost") : r.getBigDecimal("cost");
        return new Money(cost == null ? java.math.BigDecimal.ZERO : cost, r.getString("currency"));
    }

    /** {@code wide}: sums that cannot overflow (see {@link WideSum}), for when the plain sum did. */
    private static String aggregate(Source src, String period, List<Field> groupBy, dev.burnrate.ledger.CostBasis basis, String where, boolean wide) {
        boolean needsTags = groupBy.stream().anyMatch(f -> f.kind() == Field.Kind.DIMENSION);
        StringJoiner inner = new StringJoiner(", ");
        inner.add(period + " AS period");
        if (needsTags) inner.add("c.tag_hash");
        StringJoiner outer = new StringJoiner(", ");
        outer.add("a.period");
        for (int i = 0; i < groupBy.size(); i++) {
            Field f = groupBy.get(i);
            if (f.kind() == Field.Kind.FOCUS_COLUMN) {
                inner.add("c." + Sql.ident(f.name()) + " AS k" + i);
                outer.add("a.k" + i);
            } else if (f.kind() == Field.Kind.JOB) {
                inner.add(Sql.jobId("c.") + " AS k" + i);
                outer.add("a.k" + i);
            } else {
                outer.add("coalesce(t." + Sql.ident(f.name()) + ", " + Sql.literal(Buckets.UNALLOCATED) + ") AS k" + i);
            }
        }
        inner.add("c.\"BillingCurrency\" AS currency");
        outer.add("a.currency");
        inner.add(wide ? WideSum.sum("c." + Sql.ident(basis.focusColumn()), "cost") : "sum(c." + Sql.ident(basis.focusColumn()) + ") AS cost");
        outer.add(wide ? WideSum.resum("a", "cost") : "sum(a.cost) AS cost");
        inner.add(src.records() + " AS records");
        outer.add("sum(a.records) AS records");
        StringJoiner ties = new StringJoiner(", ", ", ", "");
        for (int i = 0; i < groupBy.size(); i++) ties.add("k" + i + " NULLS FIRST");
        ties.add("currency");
        // equal costs in the order of their keys, so a report reads the same whichever source answered it
        return "WITH a AS (SELECT " + inner + " FROM " + src.relation() + " c" + where + " GROUP BY ALL) SELECT " + outer + " FROM a"
                + (needsTags ? " LEFT JOIN tag_set t ON a.tag_hash = t.tag_hash" : "")
                + " GROUP BY ALL ORDER BY period NULLS FIRST, " + (wide ? WideSum.orderDesc("cost") : "cost DESC") + ties;
    }

    private static String where(Source src, LocalDateTime from, LocalDateTime to, Map<Field, List<String>> filters, List<Object> params) {
        StringJoiner w = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        if (from != null) {
            w.add(src.time() + " >= ?");
            params.add(from);
        }
        if (to != null) {
            w.add(src.time() + " < ?");
            params.add(to);
        }
        filters.forEach((field, values) -> {
            StringJoiner in = new StringJoiner(", ", "(", ")");
            values.forEach(v -> {
                in.add("?");
                params.add(v);
            });
            w.add(switch (field.kind()) {
                case FOCUS_COLUMN -> "c." + Sql.ident(field.name()) + " IN " + in;
                case JOB -> Sql.jobId("c.") + " IN " + in;
                case DIMENSION -> "c.tag_hash IN (SELECT tag_hash FROM tag_set WHERE coalesce(" + Sql.ident(field.name()) + ", "
                        + Sql.literal(Buckets.UNALLOCATED) + ") IN " + in + ")";
            });
        });
        return w.toString();
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof LocalDateTime t) ps.setObject(i + 1, t);
            else ps.setString(i + 1, (String) p);
        }
    }

    @Override
    public Coverage coverage(LocalDate from, LocalDate to) {
        List<Object> params = new ArrayList<>();
        StringJoiner select = new StringJoiner(", ");
        select.add("a.currency").add("sum(a.cost)");
        for (String d : Dimensions.STANDARD) {
            select.add("sum(CASE WHEN coalesce(t." + Sql.ident(d) + ", " + Sql.literal(Buckets.UNALLOCATED) + ") <> "
                    + Sql.literal(Buckets.UNALLOCATED) + " THEN a.cost ELSE 0 END)");
        }
        Source src = source(List.of());
        String sql = "WITH a AS (SELECT c.tag_hash, c.\"BillingCurrency\" AS currency, sum(c.\"EffectiveCost\") AS cost FROM " + src.relation() + " c"
                + where(src, from == null ? null : from.atStartOfDay(), to == null ? null : to.atStartOfDay(), Map.of(), params) + " GROUP BY ALL) SELECT " + select
                + " FROM a LEFT JOIN tag_set t ON a.tag_hash = t.tag_hash GROUP BY 1 ORDER BY 1";
        List<Coverage.Line> lines = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    for (int i = 0; i < Dimensions.STANDARD.size(); i++) {
                        lines.add(new Coverage.Line(Dimensions.STANDARD.get(i), r.getString(1), r.getBigDecimal(3 + i), r.getBigDecimal(2)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("coverage query failed: " + e.getMessage(), e);
        }
        return new Coverage(lines);
    }

    @Override
    public void recordGroups(String importId, java.util.Collection<String> fields, java.util.function.Consumer<RecordGroup> sink) {
        java.util.List<FocusColumn> cols = new java.util.ArrayList<>();
        for (FocusColumn c : FocusColumn.values()) if (fields == null || fields.contains(c.name())) cols.add(c);
        boolean tags = fields == null || fields.contains("tags");
        boolean dims = fields == null || fields.contains("dimensions");
        java.util.StringJoiner select = new java.util.StringJoiner(", ");
        for (FocusColumn c : cols) select.add("c." + Sql.ident(c.name()));
        if (tags) select.add("t.tags");
        if (dims) for (String d : dev.burnrate.ledger.Dimensions.STANDARD) select.add("t." + Sql.ident(d));
        select.add("c.\"BillingCurrency\" AS currency__").add("count(*) AS rows__").add("sum(c.\"EffectiveCost\") AS cost__");
        String sql = "SELECT " + select + " FROM " + db.costRecord() + " c LEFT JOIN tag_set t ON t.tag_hash = c.tag_hash WHERE c.import_id = ? GROUP BY ALL";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, importId);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    java.util.Map<String, Object> rec = new java.util.LinkedHashMap<>();
                    int i = 1;
                    for (FocusColumn col : cols) {
                        Object v = switch (col.type()) {
                            case DECIMAL -> {
                                java.math.BigDecimal d = r.getBigDecimal(i);
                                yield d == null ? null : d.doubleValue();
                            }
                            case DATETIME -> {
                                java.time.LocalDateTime t = r.getObject(i, java.time.LocalDateTime.class);
                                yield t == null ? null : t.toInstant(java.time.ZoneOffset.UTC).toString();
                            }
                            case STRING, JSON -> r.getString(i);
                        };
                        rec.put(col.name(), v);
                        i++;
                    }
                    if (tags) {
                        String json = r.getString(i++);
                        rec.put("tags", json == null ? java.util.Map.of() : dev.burnrate.allocation.TagMap.parseTags(json));
                    }
                    if (dims) {
                        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
                        for (String name : dev.burnrate.ledger.Dimensions.STANDARD) {
                            String v = r.getString(i++);
                            if (v != null) d.put(name, v);
                        }
                        rec.put("dimensions", d);
                    }
                    String currency = r.getString(i++);
                    long rows = r.getLong(i++);
                    java.math.BigDecimal cost = r.getBigDecimal(i);
                    sink.accept(new RecordGroup(rec, rows, new Money(cost == null ? java.math.BigDecimal.ZERO : cost, currency == null ? "" : currency)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the records of import " + importId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long version() {
        return db.costsVersion();
    }

    @Override
    public long recordCount() {
        long inDirectory = db.directoryRows();
        if (inDirectory >= 0) return inDirectory;
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM cost_record")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("count failed: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<java.time.Instant> billedThrough() {
        if (db.ledger() != null) {
            // each partition's latest charge end is in the manifest: no scan
            Map<List<String>, LocalDateTime> accounts = new java.util.HashMap<>();
            for (LedgerDirectory.Partition p : db.ledger().current().partitions()) {
                if (p.chargeEnd() == null) continue;
                accounts.merge(java.util.Arrays.asList(p.provider(), p.account()), LocalDateTime.parse(p.chargeEnd()), (a, b) -> a.isAfter(b) ? a : b);
            }
            java.util.Optional<LocalDateTime> last = accounts.values().stream().max(LocalDateTime::compareTo);
            return last.flatMap(max -> accounts.values().stream().filter(e -> !e.isBefore(max.minusDays(7))).min(LocalDateTime::compareTo))
                    .map(t -> t.toInstant(java.time.ZoneOffset.UTC));
        }
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                WITH account AS (SELECT max("ChargePeriodEnd") AS e FROM %s
                                 GROUP BY coalesce("ProviderName", "ServiceProviderName"), "BillingAccountId")
                SELECT min(e) FROM account WHERE e >= (SELECT max(e) FROM account) - INTERVAL 7 DAY""".formatted(db.costRecord()))) {
            r.next();
            java.time.LocalDateTime t = r.getObject(1, java.time.LocalDateTime.class);
            return java.util.Optional.ofNullable(t).map(x -> x.toInstant(java.time.ZoneOffset.UTC));
        } catch (SQLException e) {
            throw new StoreException("cannot read how far the bills reach: " + e.getMessage(), e);
        }
    }
}

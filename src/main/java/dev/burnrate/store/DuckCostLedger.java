package dev.burnrate.store;

import dev.burnrate.ledger.Buckets;
import dev.burnrate.ledger.CostLedger;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.CostReport;
import dev.burnrate.ledger.Coverage;
import dev.burnrate.ledger.Dimensions;
import dev.burnrate.ledger.Field;
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
    private static final String FROM = " FROM cost_record c LEFT JOIN tag_set t ON c.tag_hash = t.tag_hash";
    private final Database db;

    public DuckCostLedger(Database db) {
        this.db = db;
    }

    static String expr(Field f) {
        return switch (f.kind()) {
            case DIMENSION -> "coalesce(t." + Sql.ident(f.name()) + ", " + Sql.literal(Buckets.UNALLOCATED) + ")";
            case FOCUS_COLUMN -> "c." + Sql.ident(f.name());
        };
    }

    @Override
    public CostReport costs(CostQuery q) {
        List<Object> params = new ArrayList<>();
        StringJoiner select = new StringJoiner(", ");
        String period = switch (q.granularity()) {
            case NONE -> null;
            case DAY -> "CAST(date_trunc('day', c.\"ChargePeriodStart\") AS DATE)";
            case WEEK -> "CAST(date_trunc('week', c.\"ChargePeriodStart\") AS DATE)";
            case MONTH -> "CAST(date_trunc('month', c.\"ChargePeriodStart\") AS DATE)";
        };
        select.add(period == null ? "NULL::DATE AS period" : period + " AS period");
        for (int i = 0; i < q.groupBy().size(); i++) select.add(expr(q.groupBy().get(i)) + " AS k" + i);
        select.add("c.\"BillingCurrency\" AS currency");
        select.add("sum(c." + Sql.ident(q.basis().focusColumn()) + ") AS cost");
        select.add("count(*) AS records");
        String sql = "SELECT " + select + FROM + where(q.from(), q.to(), q.filters(), params)
                + " GROUP BY ALL ORDER BY period NULLS FIRST, cost DESC";
        List<CostReport.Row> rows = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    java.sql.Date d = r.getDate("period");
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < q.groupBy().size(); i++) keys.add(r.getString("k" + i));
                    java.math.BigDecimal cost = r.getBigDecimal("cost");
                    String currency = r.getString("currency");
                    rows.add(new CostReport.Row(d == null ? null : d.toLocalDate(), keys,
                            new Money(cost == null ? java.math.BigDecimal.ZERO : cost, currency), r.getLong("records")));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cost query failed: " + e.getMessage(), e);
        }
        return new CostReport(q, rows);
    }

    private static String where(LocalDate from, LocalDate to, Map<Field, List<String>> filters, List<Object> params) {
        StringJoiner w = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        if (from != null) {
            w.add("c.\"ChargePeriodStart\" >= ?");
            params.add(from.atStartOfDay());
        }
        if (to != null) {
            w.add("c.\"ChargePeriodStart\" < ?");
            params.add(to.atStartOfDay());
        }
        filters.forEach((field, values) -> {
            StringJoiner in = new StringJoiner(", ", expr(field) + " IN (", ")");
            values.forEach(v -> {
                in.add("?");
                params.add(v);
            });
            w.add(in.toString());
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
        select.add("c.\"BillingCurrency\"").add("sum(c.\"EffectiveCost\")");
        for (String d : Dimensions.STANDARD) {
            select.add("sum(CASE WHEN coalesce(t." + Sql.ident(d) + ", " + Sql.literal(Buckets.UNALLOCATED) + ") <> "
                    + Sql.literal(Buckets.UNALLOCATED) + " THEN c.\"EffectiveCost\" ELSE 0 END)");
        }
        String sql = "SELECT " + select + FROM + where(from, to, Map.of(), params) + " GROUP BY 1 ORDER BY 1";
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
    public long recordCount() {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM cost_record")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("count failed: " + e.getMessage(), e);
        }
    }
}

package dev.burnrate.store;

import dev.burnrate.ledger.InferenceUsage;
import dev.burnrate.ledger.InferenceUsages;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

public final class DuckInferenceUsages implements InferenceUsages {
    private final Database db;

    public DuckInferenceUsages(Database db) {
        this.db = db;
    }

    private static LocalDateTime utc(Instant i) {
        return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    /** Appends the batch to a stage through the DuckDB Appender, then replaces matching records in one transaction. */
    @Override
    public synchronized void upsert(List<InferenceUsage> usage) {
        if (usage.isEmpty()) return;
        try {
            AppenderStage.load(db, "inference_usage", a -> {
                for (InferenceUsage u : usage) {
                    a.beginRow();
                    a.append(utc(u.start()));
                    a.append(utc(u.end()));
                    a.append(u.model());
                    a.append(u.variant());
                    a.append(u.feature());
                    a.append(u.customer());
                    a.append(u.endpoint());
                    a.append(u.requests());
                    a.append(u.inputTokens());
                    a.append(u.outputTokens());
                    a.append(u.latencyP50Ms());
                    a.append(u.latencyP95Ms());
                    a.append(u.latencyP99Ms());
                    a.append(u.errors());
                    a.endRow();
                }
            }, (c, s, stage) -> {
                s.execute("DELETE FROM inference_usage u USING " + stage + " n WHERE u.start_time = n.start_time AND u.model = n.model "
                        + "AND u.variant IS NOT DISTINCT FROM n.variant AND u.feature IS NOT DISTINCT FROM n.feature "
                        + "AND u.customer IS NOT DISTINCT FROM n.customer AND u.endpoint IS NOT DISTINCT FROM n.endpoint");
                return s.executeUpdate("INSERT INTO inference_usage SELECT DISTINCT ON (start_time, model, variant, feature, customer, endpoint) * FROM " + stage);
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store inference usage: " + e.getMessage(), e);
        }
    }

    @Override
    public List<InferenceUsage> between(Instant from, Instant to) {
        List<InferenceUsage> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM inference_usage WHERE start_time >= ? AND start_time < ? ORDER BY start_time, model, variant, feature, customer, endpoint")) {
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new InferenceUsage(r.getTimestamp("start_time").toLocalDateTime().toInstant(ZoneOffset.UTC),
                            r.getTimestamp("end_time").toLocalDateTime().toInstant(ZoneOffset.UTC), r.getString("model"), r.getString("variant"),
                            r.getString("feature"), r.getString("customer"), r.getString("endpoint"), r.getLong("requests"),
                            r.getLong("input_tokens"), r.getLong("output_tokens"), (Double) r.getObject("latency_p50_ms"),
                            (Double) r.getObject("latency_p95_ms"), (Double) r.getObject("latency_p99_ms"), r.getLong("errors")));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read inference usage: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Map<String, Map<String, BigDecimal>> endpointCost(List<String> endpoints, Instant from, Instant to) {
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        if (endpoints.isEmpty()) return out;
        StringJoiner in = new StringJoiner(", ", "(", ")");
        endpoints.forEach(e -> in.add("?"));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT \"ResourceId\", \"BillingCurrency\", sum(\"EffectiveCost\") "
                + "FROM " + db.costRecord() + " WHERE \"ChargePeriodStart\" >= ? AND \"ChargePeriodStart\" < ? AND \"ResourceId\" IN " + in + " GROUP BY 1, 2")) {
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            for (int i = 0; i < endpoints.size(); i++) ps.setString(i + 3, endpoints.get(i));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2), r.getBigDecimal(3));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read endpoint cost: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<Charge> endpointCharges(List<String> endpoints, Instant from, Instant to) {
        List<Charge> out = new ArrayList<>();
        if (endpoints.isEmpty()) return out;
        StringJoiner in = new StringJoiner(", ", "(", ")");
        endpoints.forEach(e -> in.add("?"));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT \"ResourceId\", \"ChargePeriodStart\", \"ChargePeriodEnd\", "
                + "\"BillingCurrency\", sum(\"EffectiveCost\") FROM " + db.costRecord() + " WHERE \"ChargePeriodStart\" >= ? AND \"ChargePeriodStart\" < ? "
                + "AND \"ResourceId\" IN " + in + " GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 4")) {
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            for (int i = 0; i < endpoints.size(); i++) ps.setString(i + 3, endpoints.get(i));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new Charge(r.getString(1), r.getTimestamp(2).toLocalDateTime().toInstant(ZoneOffset.UTC),
                            r.getTimestamp(3).toLocalDateTime().toInstant(ZoneOffset.UTC), r.getString(4), r.getBigDecimal(5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read endpoint charges: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<InstanceHours> endpointHours(List<String> endpoints, Instant from, Instant to) {
        List<InstanceHours> out = new ArrayList<>();
        if (endpoints.isEmpty()) return out;
        StringJoiner in = new StringJoiner(", ", "(", ")");
        endpoints.forEach(e -> in.add("?"));
        StringJoiner units = new StringJoiner(", ", "(", ")");
        HOUR_UNITS.stream().sorted().forEach(u -> units.add(Sql.literal(u)));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT \"ResourceId\", \"ProviderName\", \"RegionId\", "
                + "\"ChargePeriodStart\", \"ChargePeriodEnd\", \"BillingCurrency\", \"PricingCategory\", sum(\"ConsumedQuantity\"), sum(\"EffectiveCost\"), count(*) "
                + "FROM " + db.costRecord() + " WHERE \"ChargePeriodStart\" >= ? AND \"ChargePeriodStart\" < ? AND \"ResourceId\" IN " + in
                + " AND lower(trim(\"ConsumedUnit\")) IN " + units + " AND \"ConsumedQuantity\" > 0 "
                + "GROUP BY \"ResourceId\", \"ProviderName\", \"RegionId\", \"ChargePeriodStart\", \"ChargePeriodEnd\", \"BillingCurrency\", "
                + "\"PricingCategory\", \"ConsumedQuantity\", \"EffectiveCost\" ORDER BY 1, 4, 6, 9")) {
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            for (int i = 0; i < endpoints.size(); i++) ps.setString(i + 3, endpoints.get(i));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new InstanceHours(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toLocalDateTime().toInstant(ZoneOffset.UTC),
                            r.getTimestamp(5).toLocalDateTime().toInstant(ZoneOffset.UTC), r.getString(6), r.getString(7), r.getBigDecimal(8).stripTrailingZeros(),
                            r.getBigDecimal(9).stripTrailingZeros(), r.getLong(10)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read endpoint instance-hours: " + e.getMessage(), e);
        }
        return out;
    }
}

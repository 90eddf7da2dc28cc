package dev.burnrate.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burnrate.allocation.JobRuns;
import dev.burnrate.ledger.JobRun;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

public final class DuckJobRuns implements JobRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;

    public DuckJobRuns(Database db) {
        this.db = db;
    }

    private static LocalDateTime utc(Instant i) {
        return i == null ? null : LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }

    /** Appends the batch to a stage through the DuckDB Appender, then replaces the jobs by id in one transaction. */
    @Override
    public synchronized void upsert(List<JobRun> jobs) {
        if (jobs.isEmpty()) return;
        Map<String, JobRun> last = new LinkedHashMap<>();
        for (JobRun j : jobs) last.put(j.id(), j); // the last update of a job in a batch wins
        try {
            AppenderStage.load(db, "job_run", a -> {
                for (JobRun j : last.values()) {
                    a.beginRow();
                    a.append(j.id());
                    a.append(j.model());
                    a.append(j.modelVersion());
                    a.append(j.team());
                    a.append(j.kind());
                    a.append(j.tier());
                    a.append(j.instanceType());
                    a.append(j.instanceCount());
                    a.append(j.pricing());
                    a.append(j.provider());
                    a.append(j.region());
                    a.append(utc(j.start()));
                    a.append(utc(j.end()));
                    a.append(j.status());
                    a.append(j.checkpoints());
                    a.append(j.evictions());
                    a.append(j.datasetSizeGb());
                    a.append(tagsJson(j));
                    a.endRow();
                }
            }, (c, s, stage) -> {
                s.execute("DELETE FROM job_run WHERE id IN (SELECT id FROM " + stage + ")");
                return s.executeUpdate("INSERT INTO job_run SELECT * FROM " + stage);
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store job runs: " + e.getMessage(), e);
        }
    }

    private static String tagsJson(JobRun j) {
        try {
            return JSON.writeValueAsString(j.tags());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> teamsOf(java.util.Collection<String> ids) {
        Map<String, String> out = new java.util.HashMap<>();
        if (ids.isEmpty()) return out;
        List<String> list = List.copyOf(new java.util.LinkedHashSet<>(ids));
        String sql = "SELECT id, team FROM job_run WHERE id IN (" + String.join(", ", java.util.Collections.nCopies(list.size(), "?")) + ")";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < list.size(); i++) ps.setString(i + 1, list.get(i));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.put(r.getString(1), r.getString(2));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read job runs: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<JobRun> listAny(List<String> models, List<String> teams, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM job_run WHERE 1 = 1");
        if (!models.isEmpty()) sql.append(" AND model IN (").append(String.join(", ", java.util.Collections.nCopies(models.size(), "?"))).append(')');
        if (!teams.isEmpty()) sql.append(" AND team IN (").append(String.join(", ", java.util.Collections.nCopies(teams.size(), "?"))).append(')');
        sql.append(" ORDER BY start DESC NULLS LAST, id LIMIT ").append(Math.max(1, limit));
        List<JobRun> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (String m : models) ps.setString(i++, m);
            for (String t : teams) ps.setString(i++, t);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Map<String, String> tags;
                    try {
                        tags = JSON.readValue(r.getString("tags"), new TypeReference<>() {
                        });
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        tags = Map.of();
                    }
                    double ds = r.getDouble("dataset_size_gb");
                    Double dataset = r.wasNull() ? null : ds;
                    out.add(new JobRun(r.getString("id"), r.getString("model"), r.getString("model_version"), r.getString("team"),
                            r.getString("kind"), r.getString("tier"), r.getString("instance_type"), r.getInt("instance_count"),
                            r.getString("pricing"), r.getString("provider"), r.getString("region"), instant(r.getTimestamp("start")),
                            instant(r.getTimestamp("end_time")), r.getString("status"), r.getInt("checkpoints"), r.getInt("evictions"), dataset, tags));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list job runs: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Map<String, Map<String, BigDecimal>> billedCost(List<String> jobIds) {
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        if (jobIds.isEmpty()) return out;
        StringJoiner in = new StringJoiner(", ", "(", ")");
        jobIds.forEach(id -> in.add("?"));
        String sql = "WITH j AS (SELECT " + Sql.jobId("") + " AS job, \"BillingCurrency\" AS currency, \"EffectiveCost\" AS cost FROM " + db.costRecord() + " "
                + "WHERE extra_columns IS NOT NULL OR \"Tags\" IS NOT NULL) SELECT job, currency, sum(cost) FROM j WHERE job IN " + in + " GROUP BY 1, 2";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < jobIds.size(); i++) ps.setString(i + 1, jobIds.get(i));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2), r.getBigDecimal(3));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot link jobs to the bill: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Map<String, Map<String, Billed>> billed(List<String> jobIds, java.time.Instant from, java.time.Instant to) {
        Map<String, Map<String, Billed>> out = new TreeMap<>();
        jobLines(jobIds, from, to, "", "SELECT job, currency, sum(cost), coalesce(sum(list), 0) FROM j WHERE job IN %s GROUP BY 1, 2",
                r -> out.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getString(2), new Billed(r.getBigDecimal(3), r.getBigDecimal(4))));
        return out;
    }

    @Override
    public List<BilledPeriod> billedPeriods(List<String> jobIds, java.time.Instant from, java.time.Instant to) {
        List<BilledPeriod> out = new ArrayList<>();
        jobLines(jobIds, from, to, ", \"ChargePeriodStart\" AS s, \"ChargePeriodEnd\" AS e",
                "SELECT job, currency, s, e, sum(cost), coalesce(sum(list), 0) FROM j WHERE job IN %s GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4, 2",
                r -> out.add(new BilledPeriod(r.getString(1), r.getString(2), instant(r.getTimestamp(3)), instant(r.getTimestamp(4)), r.getBigDecimal(5),
                        r.getBigDecimal(6))));
        return out;
    }

    private interface Row {
        void read(ResultSet r) throws SQLException;
    }

    /**
     * The billing lines of these jobs (the job a line belongs to as {@link Sql#jobId} reads it) charged in [from, to), as a
     * table {@code j(job, currency, cost, list[, extra columns])}, queried by {@code select} (its {@code %s} is the ids'
     * placeholder list); each result row goes to {@code row}.
     */
    private void jobLines(List<String> jobIds, java.time.Instant from, java.time.Instant to, String extraColumns, String select, Row row) {
        if (jobIds.isEmpty()) return;
        StringJoiner in = new StringJoiner(", ", "(", ")");
        jobIds.forEach(id -> in.add("?"));
        String sql = "WITH j AS (SELECT " + Sql.jobId("") + " AS job, \"BillingCurrency\" AS currency, \"EffectiveCost\" AS cost, \"ListCost\" AS list"
                + extraColumns + " FROM " + db.costRecord() + " WHERE (extra_columns IS NOT NULL OR \"Tags\" IS NOT NULL) AND \"ChargePeriodStart\" >= ? "
                + "AND \"ChargePeriodStart\" < ?) " + select.formatted(in);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            for (int i = 0; i < jobIds.size(); i++) ps.setString(i + 3, jobIds.get(i));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) row.read(r);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot link jobs to the bill: " + e.getMessage(), e);
        }
    }
}

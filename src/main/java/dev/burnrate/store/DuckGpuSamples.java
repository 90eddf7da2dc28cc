package dev.burnrate.store;

import dev.burnrate.ledger.GpuSamples;
import dev.burnrate.ledger.GpuSample;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** GPU samples in DuckDB: appended through the JDBC Appender into a stage, then moved in one statement. */
public final class DuckGpuSamples implements GpuSamples {
    private final Database db;

    public DuckGpuSamples(Database db) {
        this.db = db;
    }

    /**
     * Synchronized: the duplicate check reads what is stored before it inserts, so two writers (HTTP and the Kafka
     * consumer) taking the same sample at once would otherwise both find it new.
     */
    @Override
    public synchronized long append(List<GpuSample> samples) {
        if (samples.isEmpty()) return 0;
        // only stored rows within the batch's time range can collide: the range lets DuckDB skip the rest by zone maps
        Instant min = samples.stream().map(GpuSample::time).min(Instant::compareTo).orElseThrow();
        Instant max = samples.stream().map(GpuSample::time).max(Instant::compareTo).orElseThrow();
        try {
            return AppenderStage.load(db, "gpu_sample", a -> {
                for (GpuSample g : samples) {
                    a.beginRow();
                    a.append(LocalDateTime.ofInstant(g.time(), ZoneOffset.UTC));
                    a.append(g.host());
                    a.append(g.gpuUuid());
                    a.append(g.gpuIndex());
                    a.append(g.job());
                    a.append(g.pod());
                    a.append(g.namespace());
                    a.append(g.container());
                    a.append(g.utilizationPercent());
                    a.append(g.memoryUsedMiB());
                    a.append(g.memoryTotalMiB());
                    a.append(g.mig() == null ? null : g.mig().id());
                    a.append(g.mig() == null ? null : g.mig().profile());
                    a.append(g.gpuShare());
                    a.endRow();
                }
            }, (c, s, stage) -> {
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO gpu_sample SELECT DISTINCT ON (gpu_uuid, gpu_instance, time) * FROM " + stage
                        + " n WHERE NOT EXISTS (SELECT 1 FROM gpu_sample g WHERE g.time >= ? AND g.time <= ? AND g.gpu_uuid = n.gpu_uuid"
                        + " AND g.gpu_instance IS NOT DISTINCT FROM n.gpu_instance AND g.time = n.time)")) {
                    ins.setObject(1, LocalDateTime.ofInstant(min, ZoneOffset.UTC));
                    ins.setObject(2, LocalDateTime.ofInstant(max, ZoneOffset.UTC));
                    return (long) ins.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store GPU samples: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Usage> usage(Group by, Instant from, Instant to, double idleBelowPercent) {
        String key = key(by);
        String sql = """
                WITH s AS (
                  SELECT *, epoch(lead(time) OVER (PARTITION BY gpu_uuid, gpu_instance ORDER BY time)) - epoch(time) AS dt
                  FROM gpu_sample WHERE time >= ? AND time < ?),
                m AS (
                  SELECT s.*, median(dt) OVER (PARTITION BY gpu_uuid, gpu_instance) AS med_dt FROM s),
                d AS (
                  SELECT m.*, CASE WHEN dt <= ? * med_dt THEN dt ELSE coalesce(med_dt, ?) END AS secs FROM m)
                SELECT %s AS k, count(*), avg(util), quantile_cont(util, 0.95), sum(secs * gpu_share),
                       sum(CASE WHEN util < ? THEN secs * gpu_share ELSE 0 END),
                       sum(CASE WHEN util < ? AND mem_used > 0 THEN secs * gpu_share ELSE 0 END)
                FROM d LEFT JOIN job_run j ON j.id = d.job GROUP BY 1 ORDER BY 5 DESC, 1""".formatted(key);
        List<Usage> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            ps.setDouble(3, GAP_FACTOR);
            ps.setDouble(4, LONE_SAMPLE_SECONDS);
            ps.setDouble(5, idleBelowPercent);
            ps.setDouble(6, idleBelowPercent);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new Usage(r.getString(1), r.getLong(2), nullable(r, 3), nullable(r, 4), r.getDouble(5), r.getDouble(6), r.getDouble(7)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("GPU usage query failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static String key(Group by) {
        return switch (by) {
            case JOB -> "coalesce(job, '(no job)')";
            case GPU -> "gpu_uuid || coalesce(' GI ' || gpu_instance || ' (' || gpu_profile || ')', '')";
            case HOST -> "coalesce(host, '(unknown host)')";
            case POD -> "coalesce(pod, '(no pod)')";
            case NAMESPACE -> "coalesce(namespace, '(no namespace)')";
            case MODEL -> "coalesce(j.model, '__unallocated__')";
            case TEAM -> "coalesce(j.team, '__unallocated__')";
        };
    }

    @Override
    public List<Memory> memory(Group by, Instant from, Instant to) {
        String sql = "SELECT " + key(by) + " AS k, max(mem_used), max(mem_total) FROM gpu_sample d LEFT JOIN job_run j ON j.id = d.job"
                + " WHERE time >= ? AND time < ? GROUP BY 1 ORDER BY 1";
        List<Memory> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    long used = r.getLong(2);
                    Long u = r.wasNull() ? null : used;
                    long total = r.getLong(3);
                    out.add(new Memory(r.getString(1), u, r.wasNull() ? null : total));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("GPU memory query failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public List<UtilizationHour> utilizationByHour(Group by, String key, Instant from, Instant to) {
        String sql = "SELECT date_trunc('hour', time) AS h, count(util), sum(util) FROM gpu_sample d LEFT JOIN job_run j ON j.id = d.job"
                + " WHERE time >= ? AND time < ? AND util IS NOT NULL" + (key == null ? "" : " AND " + key(by) + " = ?") + " GROUP BY 1 ORDER BY 1";
        List<UtilizationHour> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            if (key != null) ps.setString(3, key);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new UtilizationHour(r.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), r.getLong(2), r.getDouble(3)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("GPU utilisation query failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** A utilisation figure: null where no sample of the group had one (all [N/A]), never 0. */
    private static Double nullable(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? null : v;
    }
}

package dev.burnrate.store;

import dev.burnrate.ledger.InstanceSample;
import dev.burnrate.ledger.InstanceSamples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Instance samples in DuckDB: appended through a stage, de-duplicated by resource and instant, in one transaction. */
public final class DuckInstanceSamples implements InstanceSamples {
    private final Database db;

    public DuckInstanceSamples(Database db) {
        this.db = db;
    }

    /** Synchronized for the same reason as the GPU samples: the duplicate check reads before it inserts. */
    @Override
    public synchronized long append(List<InstanceSample> samples) {
        if (samples.isEmpty()) return 0;
        Instant min = samples.stream().map(InstanceSample::time).min(Instant::compareTo).orElseThrow();
        Instant max = samples.stream().map(InstanceSample::time).max(Instant::compareTo).orElseThrow();
        try {
            return AppenderStage.load(db, "instance_sample", a -> {
                for (InstanceSample x : samples) {
                    a.beginRow();
                    a.append(LocalDateTime.ofInstant(x.time(), ZoneOffset.UTC));
                    a.append(x.resourceId());
                    a.append(x.cpuPercent());
                    if (x.memoryPercent() == null) a.appendNull(); // not measured: NULL, never NaN or 0
                    else a.append(x.memoryPercent().doubleValue());
                    a.endRow();
                }
            }, (c, s, stage) -> {
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO instance_sample SELECT DISTINCT ON (resource_id, time) * FROM " + stage
                        + " n WHERE NOT EXISTS (SELECT 1 FROM instance_sample i WHERE i.time >= ? AND i.time <= ? AND i.resource_id = n.resource_id"
                        + " AND i.time = n.time)")) {
                    ins.setObject(1, LocalDateTime.ofInstant(min, ZoneOffset.UTC));
                    ins.setObject(2, LocalDateTime.ofInstant(max, ZoneOffset.UTC));
                    return (long) ins.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot store instance samples: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Usage> usage(Instant from, Instant to) {
        String sql = """
                SELECT resource_id, count(*), count(DISTINCT date_trunc('hour', time)), quantile_cont(cpu, 0.95), quantile_cont(cpu, 0.99), max(cpu), max(mem)
                FROM instance_sample WHERE time >= ? AND time < ? GROUP BY resource_id ORDER BY resource_id""";
        List<Usage> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    Object mem = r.getObject(7);
                    out.add(new Usage(r.getString(1), r.getLong(2), r.getLong(3), r.getDouble(4), r.getDouble(5), r.getDouble(6),
                            mem == null ? null : ((Number) mem).doubleValue()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read instance samples: " + e.getMessage(), e);
        }
    }
}

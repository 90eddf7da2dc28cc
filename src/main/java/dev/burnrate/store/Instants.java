package dev.burnrate.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * How a table keeps instants, for the stores whose embedded and shared (PostgreSQL) tables have the same columns: the
 * ledger file's TIMESTAMP holds the UTC wall time, PostgreSQL's TIMESTAMPTZ an offset date-time. Null stays null.
 */
enum Instants {
    UTC_WALL_TIME {
        @Override
        Object bind(Instant at) {
            return at == null ? null : LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        }

        @Override
        Instant read(ResultSet r, String column) throws SQLException {
            LocalDateTime at = r.getObject(column, LocalDateTime.class);
            return at == null ? null : at.toInstant(ZoneOffset.UTC);
        }
    },
    WITH_OFFSET {
        @Override
        Object bind(Instant at) {
            return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        }

        @Override
        Instant read(ResultSet r, String column) throws SQLException {
            OffsetDateTime at = r.getObject(column, OffsetDateTime.class);
            return at == null ? null : at.toInstant();
        }
    };

    /** The value to bind for {@code at}. */
    abstract Object bind(Instant at);

    /** The instant in {@code column} of the current row. */
    abstract Instant read(ResultSet r, String column) throws SQLException;
}

package dev.forum.notify.db;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Thin JDBC helper. Inside a {@code @Transactional} method the connection it borrows is the one
 * enlisted in that transaction, so every statement of a processed event commits together.
 */
@ApplicationScoped
public class Sql {

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    public Sql(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new SqlFailure(sql, e);
        }
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params);
             ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new SqlFailure(sql, e);
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = list(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public long count(String sql, Object... params) {
        return one(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (p instanceof long[] longs) {
                Long[] boxed = new Long[longs.length];
                for (int j = 0; j < longs.length; j++) {
                    boxed[j] = longs[j];
                }
                ps.setArray(i + 1, c.createArrayOf("bigint", boxed));
            } else if (p instanceof String[] strings) {
                ps.setArray(i + 1, c.createArrayOf("text", strings));
            } else {
                ps.setObject(i + 1, p);
            }
        }
        return ps;
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    /** A failed statement; unchecked so that it rolls the surrounding transaction back. */
    public static final class SqlFailure extends RuntimeException {
        public SqlFailure(String sql, SQLException cause) {
            super("SQL failed (" + cause.getSQLState() + "): " + cause.getMessage() + " in: " + sql, cause);
        }
    }
}

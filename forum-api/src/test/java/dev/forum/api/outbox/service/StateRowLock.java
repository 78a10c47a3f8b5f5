package dev.forum.api.outbox.service;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Another transaction holding shards' state rows of an epoch, as a numbering step holds them: a busy shard. */
final class StateRowLock implements AutoCloseable {

    private final AgroalDataSource dataSource;
    private final Connection connection;
    private final int pid;

    private StateRowLock(AgroalDataSource dataSource, Connection connection, int pid) {
        this.dataSource = dataSource;
        this.connection = connection;
        this.pid = pid;
    }

    /** Locks the state rows of {@code shards} in {@code epoch} until closed. */
    static StateRowLock lock(AgroalDataSource dataSource, int epoch, int... shards) throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement("SELECT count(*), pg_backend_pid() FROM (SELECT shard"
                + " FROM outbox_shard_state WHERE shard_epoch = ? AND shard = ANY(?) ORDER BY shard FOR UPDATE) s")) {
            st.setInt(1, epoch);
            st.setArray(2, c.createArrayOf("integer", Arrays.stream(shards).boxed().toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(shards.length);
                return new StateRowLock(dataSource, c, rs.getInt(2));
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Some session waits for one of these rows (a numbering step). */
    boolean isWaitedFor() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ?::int = ANY(pg_blocking_pids(pid))")) {
            st.setInt(1, pid);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } finally {
            connection.close();
        }
    }
}

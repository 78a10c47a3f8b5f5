package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes published outbox rows older than {@code forum.outbox.retention}; the feed then reports resync_required.
 * Per stream (each shard of each epoch, and the legacy global stream) it deletes a contiguous prefix of seqs (up to
 * the first row that is too young, and never past the stream's {@code published_seq}) and records its end as the
 * stream's {@code purged_seq}, which the feed reports as its oldest seq: nothing ever scans the purged (possibly not
 * yet vacuumed) left end of a seq index again. One short transaction per stream, holding that stream's state row.
 */
@ApplicationScoped
public class OutboxPurger {

    /** How one kind of stream keeps its state and its rows; every statement takes the stream's key first. */
    private record Kind(String bounds, String firstYoung, String delete, String markPurged) {
    }

    private static final Kind LEGACY = new Kind(
            "SELECT purged_seq, published_seq FROM outbox_relay_state WHERE id = 1 FOR UPDATE",
            "SELECT seq - 1 FROM outbox_event WHERE shard_epoch IS NULL AND seq > ? AND seq <= ?"
                    + " AND committed_at >= now() - make_interval(secs => ?) ORDER BY seq LIMIT 1",
            "DELETE FROM outbox_event WHERE shard_epoch IS NULL AND seq > ? AND seq <= ?",
            "UPDATE outbox_relay_state SET purged_seq = ? WHERE id = 1");
    private static final Kind SHARD = new Kind(
            "SELECT purged_seq, published_seq FROM outbox_shard_state WHERE shard_epoch = ? AND shard = ? FOR UPDATE",
            "SELECT seq - 1 FROM outbox_event WHERE shard_epoch = ? AND shard = ? AND seq > ? AND seq <= ?"
                    + " AND committed_at >= now() - make_interval(secs => ?) ORDER BY seq LIMIT 1",
            "DELETE FROM outbox_event WHERE shard_epoch = ? AND shard = ? AND seq > ? AND seq <= ?",
            "UPDATE outbox_shard_state SET purged_seq = ? WHERE shard_epoch = ? AND shard = ?");

    private final AgroalDataSource dataSource;
    private final ForumConfig config;

    public OutboxPurger(AgroalDataSource dataSource, ForumConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(every = "${forum.outbox.purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        purgePublishedBefore(config.outbox().retention().toSeconds());
    }

    /** Deletes published rows committed more than {@code ageSeconds} ago (a seq prefix per stream); how many. */
    public int purgePublishedBefore(long ageSeconds) {
        try {
            int deleted = purge(LEGACY, ageSeconds);
            for (int[] stream : streamsWithPublishedRows()) {
                deleted += purge(SHARD, ageSeconds, stream[0], stream[1]);
            }
            return deleted;
        } catch (SQLException e) {
            Log.warnf("Outbox purge failed: %s", e.getMessage());
            return 0;
        }
    }

    private List<int[]> streamsWithPublishedRows() throws SQLException {
        List<int[]> streams = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT shard_epoch, shard FROM outbox_shard_state WHERE published_seq > purged_seq");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                streams.add(new int[] {rs.getInt(1), rs.getInt(2)});
            }
        }
        return streams;
    }

    /** One stream's purge in one transaction; {@code key}: the stream's (epoch, shard), none for the legacy one. */
    private int purge(Kind kind, long ageSeconds, int... key) throws SQLException {
        return Transactions.inTransaction(dataSource, c -> {
            long purged;
            long published;
            try (PreparedStatement st = bind(c, kind.bounds(), key); ResultSet rs = st.executeQuery()) {
                rs.next();
                purged = rs.getLong(1);
                published = rs.getLong(2);
            }
            long upTo = published;
            try (PreparedStatement st = bind(c, kind.firstYoung(), key)) {
                st.setLong(key.length + 1, purged);
                st.setLong(key.length + 2, published);
                st.setDouble(key.length + 3, ageSeconds);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        upTo = rs.getLong(1);
                    }
                }
            }
            if (upTo <= purged) {
                return 0;
            }
            int deleted;
            try (PreparedStatement st = bind(c, kind.delete(), key)) {
                st.setLong(key.length + 1, purged);
                st.setLong(key.length + 2, upTo);
                deleted = st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement(kind.markPurged())) {
                st.setLong(1, upTo);
                for (int i = 0; i < key.length; i++) {
                    st.setInt(i + 2, key[i]);
                }
                st.executeUpdate();
            }
            if (deleted > 0) {
                Log.infof("Purged %d published outbox events (stream %s, up to seq %d)", deleted,
                        key.length == 0 ? "legacy" : key[0] + "/" + key[1], upTo);
            }
            return deleted;
        });
    }

    private static PreparedStatement bind(Connection c, String sql, int... key) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        for (int i = 0; i < key.length; i++) {
            st.setInt(i + 1, key[i]);
        }
        return st;
    }
}

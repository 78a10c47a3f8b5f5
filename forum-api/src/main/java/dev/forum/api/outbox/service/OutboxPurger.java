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

/**
 * Deletes published outbox rows older than {@code forum.outbox.retention}; the feed then reports resync_required.
 * It deletes a contiguous prefix of seqs (up to the first row that is too young, and never past
 * {@code published_seq}) and records its end as {@code purged_seq}, which the feed reports as its oldest seq: nothing
 * ever scans the purged (possibly not yet vacuumed) left end of the seq index again.
 */
@ApplicationScoped
public class OutboxPurger {

    private static final String BOUNDS =
            "SELECT purged_seq, published_seq FROM outbox_relay_state WHERE id = 1 FOR UPDATE";
    /** The last seq to purge: before the first kept row that is too young; parameters: purged, published, age. */
    private static final String PURGE_UP_TO = """
            SELECT coalesce((SELECT seq - 1 FROM outbox_event
                             WHERE seq > ? AND seq <= ? AND committed_at >= now() - make_interval(secs => ?)
                             ORDER BY seq LIMIT 1), ?)""";

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

    /** Deletes published rows committed more than {@code ageSeconds} ago (a seq prefix); returns how many. */
    public int purgePublishedBefore(long ageSeconds) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long purged;
                long published;
                try (PreparedStatement st = c.prepareStatement(BOUNDS); ResultSet rs = st.executeQuery()) {
                    rs.next();
                    purged = rs.getLong(1);
                    published = rs.getLong(2);
                }
                long upTo;
                try (PreparedStatement st = c.prepareStatement(PURGE_UP_TO)) {
                    st.setLong(1, purged);
                    st.setLong(2, published);
                    st.setDouble(3, ageSeconds);
                    st.setLong(4, published);
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        upTo = rs.getLong(1);
                    }
                }
                int deleted = 0;
                if (upTo > purged) {
                    try (PreparedStatement st = c.prepareStatement(
                            "DELETE FROM outbox_event WHERE seq > ? AND seq <= ?")) {
                        st.setLong(1, purged);
                        st.setLong(2, upTo);
                        deleted = st.executeUpdate();
                    }
                    try (PreparedStatement st = c.prepareStatement(
                            "UPDATE outbox_relay_state SET purged_seq = ? WHERE id = 1")) {
                        st.setLong(1, upTo);
                        st.executeUpdate();
                    }
                }
                c.commit();
                if (deleted > 0) {
                    Log.infof("Purged %d published outbox events (up to seq %d)", deleted, upTo);
                }
                return deleted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            Log.warnf("Outbox purge failed: %s", e.getMessage());
            return 0;
        }
    }
}

package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Deletes published outbox rows older than {@code forum.outbox.retention}; the feed then reports resync_required. */
@ApplicationScoped
public class OutboxPurger {

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

    /** Deletes published rows committed more than {@code ageSeconds} ago; returns how many. */
    public int purgePublishedBefore(long ageSeconds) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM outbox_event WHERE seq IS NOT NULL"
                     + " AND published_at IS NOT NULL AND committed_at < now() - make_interval(secs => ?)")) {
            st.setDouble(1, ageSeconds);
            int deleted = st.executeUpdate();
            if (deleted > 0) {
                Log.infof("Purged %d published outbox events", deleted);
            }
            return deleted;
        } catch (SQLException e) {
            Log.warnf("Outbox purge failed: %s", e.getMessage());
            return 0;
        }
    }
}

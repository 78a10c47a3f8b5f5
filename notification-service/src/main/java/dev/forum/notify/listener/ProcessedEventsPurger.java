package dev.forum.notify.listener;

import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;

/**
 * Purges processed_events rows older than {@code notify.processed-events.retention} (14 days, twice
 * forum-api's feed retention: an event that old can no longer be redelivered).
 */
@ApplicationScoped
public class ProcessedEventsPurger {

    private final Sql sql;
    private final NotifyConfig config;

    public ProcessedEventsPurger(Sql sql, NotifyConfig config) {
        this.sql = sql;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void purge() {
        int purged = sql.update("DELETE FROM processed_events WHERE processed_at < ?",
                Instant.now().minus(config.processedEvents().retention()));
        Log.debugf("purged %d processed_events rows", purged);
    }
}

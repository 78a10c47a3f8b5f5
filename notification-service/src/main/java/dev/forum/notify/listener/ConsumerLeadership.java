package dev.forum.notify.listener;

import dev.forum.common.leader.LeaderLock;
import dev.forum.notify.config.NotifyConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One active feed consumer across replicas. The replica that holds the {@link LeaderLock} of the consumer id (a
 * session-level advisory lock on a dedicated JDBC connection, outside the pool) is the leader and consumes; the
 * others try again every {@code notify.consumer.leader-retry} (1 s). When the leader dies its session ends,
 * PostgreSQL releases the lock and a stand-by takes over at its next try. The leader checks its session at the same
 * pace and steps down as soon as it is gone. The cursor row lock ({@link CursorStore#lock}) stays as the second
 * line: during a fail-over two drains never apply one event twice.
 */
@ApplicationScoped
public class ConsumerLeadership {

    private final FeedConsumer consumer;
    private final NotifyConfig config;
    private final LeaderLock lock;
    private volatile boolean stopped;

    public ConsumerLeadership(FeedConsumer consumer, NotifyConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.consumer = consumer;
        this.config = config;
        this.lock = LeaderLock.overJdbc("feed consumer", lockKey(config.consumer().id()), jdbcUrl, jdbcUser,
                jdbcPassword.orElse(null));
    }

    /** The advisory lock key of a consumer id (advisory locks are per database). */
    public static long lockKey(String consumerId) {
        CRC32 crc = new CRC32();
        crc.update(("notify-consumer:" + consumerId).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    public boolean isLeader() {
        return lock.isLeader();
    }

    void onStart(@Observes StartupEvent event) {
        check();
    }

    /** After the consumer's own shutdown observer has finished its page. */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent event) {
        stopped = true;
        release();
    }

    /** Stand-by: try to take the lock. Leader: make sure the session holding it is still alive. */
    @Scheduled(every = "${notify.consumer.leader-retry}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!config.consumer().enabled() || stopped) {
            return;
        }
        if (lock.isLeader()) {
            if (!lock.isAlive(2)) {
                Log.warn("feed consumer lost its leader session, standing by");
            }
            return;
        }
        boolean tookOver;
        try {
            tookOver = lock.tryAcquire();
        } catch (SQLException e) {
            Log.debugf("leader election failed (retrying): %s", e.getMessage());
            return;
        }
        if (tookOver) {
            Log.infof("this replica is the feed consumer leader (consumer %s)", config.consumer().id());
            consumer.tookOver();
        }
    }

    /** Ends the session that holds the lock: PostgreSQL releases it with the session. */
    void release() {
        lock.close();
    }
}

package dev.forum.notify.listener;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One active feed consumer across replicas. The replica whose dedicated JDBC connection (outside the
 * pool) holds the session-level advisory lock of the consumer id is the leader and consumes; the
 * others retry every {@code notify.consumer.leader-retry} (1 s). When the leader dies its session
 * ends, PostgreSQL releases the lock and a stand-by takes over at its next retry. The leader checks
 * its connection at the same pace and steps down as soon as it is gone. The cursor row lock
 * ({@link CursorStore#lock}) stays as the second line: during a fail-over two drains never apply
 * one event twice.
 */
@ApplicationScoped
public class ConsumerLeadership {

    private final FeedConsumer consumer;
    private final NotifyConfig config;
    private final long lockKey;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;
    private volatile boolean leader;
    private volatile boolean stopped;
    private Connection connection; // guarded by this

    public ConsumerLeadership(FeedConsumer consumer, NotifyConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.consumer = consumer;
        this.config = config;
        this.lockKey = lockKey(config.consumer().id());
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    /** The advisory lock key of a consumer id (advisory locks are per database). */
    public static long lockKey(String consumerId) {
        CRC32 crc = new CRC32();
        crc.update(("notify-consumer:" + consumerId).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    public boolean isLeader() {
        return leader;
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
        boolean tookOver = false;
        synchronized (this) {
            try {
                if (leader) {
                    if (!connection.isValid(2)) {
                        throw new SQLException("leader connection is no longer valid");
                    }
                    return;
                }
                if (connection == null || connection.isClosed()) {
                    connection = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword.orElse(""));
                    connection.setAutoCommit(true);
                }
                tookOver = tryLock();
                leader = tookOver;
            } catch (SQLException e) {
                if (leader) {
                    Log.warnf("feed consumer lost its leader session, standing by: %s", e.getMessage());
                } else {
                    Log.debugf("leader election failed (retrying): %s", e.getMessage());
                }
                leader = false;
                closeQuietly();
            }
        }
        if (tookOver) {
            Log.infof("this replica is the feed consumer leader (consumer %s)", config.consumer().id());
            consumer.tookOver();
        }
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            st.setLong(1, lockKey);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Ends the session that holds the lock: PostgreSQL releases it with the session. */
    synchronized void release() {
        leader = false;
        closeQuietly();
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                Log.debugf("closing the leader connection: %s", e.getMessage());
            }
            connection = null;
        }
    }
}

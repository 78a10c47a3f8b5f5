package dev.forum.notify;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A private {@code redis-server} that tests may stop and start, and a database that already holds a
 * push left pending by "the previous run" of the service (the schema as Flyway makes it, plus one
 * push_outbox row) before this boot starts. The relay's sweep is left to the tests ({@code 1h}).
 */
public class PrivateRedis implements QuarkusTestProfile {

    /** The pending push of the previous run: {@code forum_notification_count} for this user. */
    public static final UUID PENDING_EVENT_ID = UUID.randomUUID();
    public static final long PENDING_USER_ID = Events.nextId();

    public static volatile RedisServerProcess redis;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("notify.push.sweep-interval", "1h");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            redis = RedisServerProcess.onFreePort();
            redis.start();
            String url = NotifyTestResource.jdbcUrl(NotifyTestResource.database);
            Flyway.configure().dataSource(url, NotifyTestResource.USER, "").locations("classpath:db/migration")
                    .load().migrate();
            try (Connection c = DriverManager.getConnection(url, NotifyTestResource.USER, "");
                 PreparedStatement st = c.prepareStatement("""
                         INSERT INTO push_outbox (event_id, type, audience, aggregate_type, aggregate_id, user_id,
                                                  payload)
                         VALUES (?, 'forum_notification_count', 'user', 'user', ?, ?, '{"count": 3}')""")) {
                st.setObject(1, PENDING_EVENT_ID);
                st.setString(2, Long.toString(PENDING_USER_ID));
                st.setLong(3, PENDING_USER_ID);
                st.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("quarkus.redis.hosts", redis.url());
        }

        @Override
        public int order() {
            return 10; // after NotifyTestResource, which creates the database
        }

        @Override
        public void stop() {
            if (redis != null) {
                redis.stop();
            }
        }
    }
}

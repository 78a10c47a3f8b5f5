package dev.forum.api;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database per test run (per Quarkus boot) and a fresh Redis namespace, so parallel runs sharing
 * the machine's PostgreSQL and Redis never see each other. Drops only the database it created.
 */
public class ForumTestDatabase implements QuarkusTestResourceLifecycleManager {

    private static final String HOST = System.getenv().getOrDefault("FORUM_TEST_PG_HOST", "127.0.0.1:5432");
    private static final String ADMIN_URL = "jdbc:postgresql://" + HOST + "/postgres";
    private static final String USER = System.getenv().getOrDefault("FORUM_TEST_PG_USER", "postgres");
    /** Whose databases these are, for a shared server (a run killed before it dropped its database leaves it). */
    private static final String PREFIX = System.getenv().getOrDefault("FORUM_TEST_DB_PREFIX", "forum_api_t_");

    private String database;

    @Override
    public Map<String, String> start() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        database = PREFIX + suffix;
        execute("CREATE DATABASE " + database);
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + HOST + "/" + database,
                "quarkus.datasource.username", USER,
                "forum.redis.namespace", "forum-test-" + suffix);
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }
}

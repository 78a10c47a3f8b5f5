package dev.forum.notify;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database ({@code forum_notify_t_<random>}) and a fresh Redis namespace per
 * test run, on the machine's real PostgreSQL and Redis. Drops only its own database.
 */
public class NotifyTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN_URL = System.getProperty("notifytest.pg-admin-url",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = System.getProperty("notifytest.pg-user", "postgres");

    /** This boot's Redis namespace, for resources started after this one (see {@link ForumApiProcess}). */
    static volatile String namespace;
    /** This boot's database, for resources started after this one (see {@link PrivateRedis}). */
    static volatile String database;

    @Override
    public Map<String, String> start() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        database = "forum_notify_t_" + suffix;
        namespace = "forum_t_" + suffix;
        execute("CREATE DATABASE " + database);
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl(database),
                "quarkus.datasource.username", USER,
                "notify.redis.namespace", namespace);
    }

    static String jdbcUrl(String db) {
        return "jdbc:postgresql://127.0.0.1:5432/" + db;
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    static void execute(String ddl) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, ""); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new IllegalStateException(ddl + " failed", e);
        }
    }
}

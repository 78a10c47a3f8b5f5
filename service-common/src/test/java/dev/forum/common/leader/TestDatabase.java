package dev.forum.common.leader;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of its own on the real PostgreSQL (127.0.0.1:5432) for a test class: a static
 * {@code @RegisterExtension} field creates it before the class's tests and drops it after them.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {

    private static final String HOST = System.getenv().getOrDefault("FORUM_TEST_PG_HOST", "127.0.0.1:5432");
    private static final String ADMIN_URL = "jdbc:postgresql://" + HOST + "/postgres";

    final String name = "service_common_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String url = "jdbc:postgresql://" + HOST + "/" + name;

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        admin("CREATE DATABASE " + name);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    /** Ends a session from outside, as a crash or a network cut would. */
    void terminate(Connection session) throws SQLException {
        int pid;
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        try (Connection admin = connect(); PreparedStatement st = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            st.setInt(1, pid);
            st.execute();
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

package dev.forum.api.user.service;

import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Resolved sessions are cached, and every revocation or user change reaches the cache of every replica. */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class SessionCacheTests {

    @Inject
    TestUsers users;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SessionCache cache;

    @Test
    void logoutRejectsTheTokenOnTheVeryNextRequest() {
        TestUsers.TestUser alice = users.member();
        alice.req().get("/api/auth/me").then().statusCode(200);
        alice.req().get("/api/auth/me").then().statusCode(200);

        alice.req().post("/api/auth/logout").then().statusCode(204);

        alice.req().get("/api/auth/me").then().statusCode(401).body("error.code", equalTo("unauthorized"));
    }

    @Test
    void roleChangeIsSeenOnTheVeryNextRequest() {
        TestUsers.TestUser bob = users.member();
        TestUsers.TestUser admin = users.admin();
        bob.req().get("/api/auth/me").then().statusCode(200).body("role", equalTo("member"));

        admin.req().contentType(ContentType.JSON).body(Map.of("role", "moderator", "tier_cents", 700))
                .patch("/api/admin/users/" + bob.id()).then().statusCode(200);

        bob.req().get("/api/auth/me").then().statusCode(200)
                .body("role", equalTo("moderator")).body("tier_cents", equalTo(700));
    }

    @Test
    void revocationByAnotherReplicaReachesThisReplicasCacheThroughNotify() throws SQLException {
        TestUsers.TestUser carol = users.member();
        await().atMost(Duration.ofSeconds(10)).until(cache::isListening);
        carol.req().get("/api/auth/me").then().statusCode(200);

        // What another replica's logout does in the database, without the NOTIFY: this replica still serves the
        // cached session (which shows that the cache is in use, and that the NOTIFY below is what evicts it).
        execute("UPDATE user_session SET revoked_at = now() WHERE user_id = ?", carol.id());
        carol.req().get("/api/auth/me").then().statusCode(200);

        execute("SELECT pg_notify('" + SessionCache.NOTIFY_CHANNEL + "', ?::text)", carol.id());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> carol.req().get("/api/auth/me").statusCode() == 401);
    }

    @Test
    void anotherUsersEvictionKeepsThisSessionValid() throws SQLException {
        TestUsers.TestUser dave = users.member();
        TestUsers.TestUser erin = users.member();
        dave.req().get("/api/auth/me").then().statusCode(200);
        erin.req().get("/api/auth/me").then().statusCode(200);

        erin.req().post("/api/auth/logout").then().statusCode(204);

        dave.req().get("/api/auth/me").then().statusCode(200).body("id", equalTo((int) dave.id()));
        assertThat(erin.req().get("/api/auth/me").statusCode()).isEqualTo(401);
    }

    private void execute(String sql, long userId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, userId);
            st.execute();
        }
    }
}

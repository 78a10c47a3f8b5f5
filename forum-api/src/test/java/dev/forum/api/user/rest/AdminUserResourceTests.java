package dev.forum.api.user.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Admin suspend and "end all sessions" (docs/security.md, 7). */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class AdminUserResourceTests {

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    private static void login(String username, int status) {
        given().contentType(ContentType.JSON).body(Map.of("username", username, "password", TestUsers.PASSWORD))
                .post("/api/auth/login").then().statusCode(status);
    }

    @Test
    void shouldNotLetASuspendedUserLogInOrUseExistingSessions() {
        TestUsers.TestUser admin = users.admin();
        TestUsers.TestUser troll = users.member();
        String secondSession = TestUsers.login(troll.username());

        admin.req().post("/api/admin/users/" + troll.id() + "/suspend").then().statusCode(200)
                .body("suspended", equalTo(true));

        troll.req().get("/api/auth/me").then().statusCode(401);
        given().header("Authorization", "Bearer " + secondSession).get("/api/forum/threads").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("username", troll.username(), "password", TestUsers.PASSWORD))
                .post("/api/auth/login").then().statusCode(403).body("error.code", equalTo("account_suspended"));
        login(troll.username() + "x", 401);
        JsonNode revoked = events.await("session_revoked", e -> e.path("user_id").asLong() == troll.id());
        assertThat(revoked.path("payload").path("all_sessions").asBoolean()).isTrue();
        assertThat(revoked.path("payload").path("reason").asText()).isEqualTo("suspended");
        events.await("user_updated", e -> e.path("payload").path("user").path("id").asLong() == troll.id()
                && e.path("payload").path("user").path("suspended").asBoolean());

        admin.req().post("/api/admin/users/" + troll.id() + "/unsuspend").then().statusCode(200)
                .body("suspended", equalTo(false));
        login(troll.username(), 200);
    }

    @Test
    void shouldEndAllSessionsOfAUser() {
        TestUsers.TestUser admin = users.admin();
        TestUsers.TestUser stolen = users.member();
        String other = TestUsers.login(stolen.username());

        admin.req().post("/api/admin/users/" + stolen.id() + "/end-sessions").then().statusCode(200)
                .body("user_id", equalTo((int) stolen.id())).body("ended_sessions", equalTo(2));

        stolen.req().get("/api/auth/me").then().statusCode(401);
        given().header("Authorization", "Bearer " + other).get("/api/auth/me").then().statusCode(401);
        JsonNode revoked = events.await("session_revoked", e -> e.path("user_id").asLong() == stolen.id());
        assertThat(revoked.path("payload").path("all_sessions").asBoolean()).isTrue();
        assertThat(revoked.path("payload").path("reason").asText()).isEqualTo("sessions_ended");
        login(stolen.username(), 200);
    }

    @Test
    void shouldNotLetAMemberSuspendOrEndSessions() {
        TestUsers.TestUser member = users.member();
        TestUsers.TestUser target = users.member();
        member.req().post("/api/admin/users/" + target.id() + "/suspend").then().statusCode(403);
        member.req().post("/api/admin/users/" + target.id() + "/end-sessions").then().statusCode(403);
        target.req().get("/api/auth/me").then().statusCode(200);
        TestUsers.TestUser admin = users.admin();
        admin.req().post("/api/admin/users/999999999/suspend").then().statusCode(404);
        admin.req().post("/api/admin/users/" + admin.id() + "/suspend").then().statusCode(400)
                .body("error.code", equalTo("cannot_suspend_self"));
    }
}

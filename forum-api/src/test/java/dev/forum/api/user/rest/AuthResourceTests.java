package dev.forum.api.user.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.contract.AuthContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class AuthResourceTests {

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Test
    void shouldRegisterAMemberAndAnnounceIt() {
        String username = "newbie" + System.nanoTime() % 1_000_000;
        int id = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "long-enough-pw", "display_name", "New Bie"))
                .post("/api/auth/register")
                .then().statusCode(201)
                .body("username", equalTo(username))
                .body("display_name", equalTo("New Bie"))
                .body("role", equalTo("member"))
                .body("tier_cents", equalTo(0))
                .extract().path("id");

        JsonNode event = events.await("user_registered", e -> e.path("payload").path("user").path("id").asInt() == id);
        assertThat(event.path("audience").asText()).isEqualTo("internal");
        assertThat(event.path("payload").path("user").path("username").asText()).isEqualTo(username);
    }

    @Test
    void shouldNotRegisterATakenUsername() {
        TestUsers.TestUser alice = users.member();
        given().contentType(ContentType.JSON)
                .body(Map.of("username", alice.username().toUpperCase(), "password", "long-enough-pw"))
                .post("/api/auth/register")
                .then().statusCode(409)
                .body("error.code", equalTo("username_taken"))
                .body("error.field", equalTo("username"));
    }

    @Test
    void shouldNotRegisterAShortPassword() {
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "shorty", "password", "short"))
                .post("/api/auth/register")
                .then().statusCode(400)
                .body("error.code", equalTo("validation_failed"))
                .body("error.field", equalTo("password"));
    }

    @Test
    void shouldRejectMalformedJsonWithTheErrorBody() {
        given().contentType(ContentType.JSON)
                .body("{\"username\": ")
                .post("/api/auth/register")
                .then().statusCode(400)
                .body("error.code", equalTo("malformed_json"))
                .body(org.hamcrest.Matchers.not(containsString("Exception")));
    }

    @Test
    void shouldNameTheFieldOfAWronglyTypedValue() {
        TestUsers.TestUser admin = users.admin();
        admin.req().body("{\"tier_cents\": \"lots\"}")
                .patch("/api/admin/users/" + admin.id())
                .then().statusCode(400)
                .body("error.code", equalTo("validation_failed"))
                .body("error.field", equalTo("tier_cents"));
        admin.req().body("{\"role\": \"emperor\"}")
                .patch("/api/admin/users/" + admin.id())
                .then().statusCode(400)
                .body("error.field", equalTo("role"));
    }

    @Test
    void shouldLogInWithAnHttpOnlyLaxCookieAndABearerToken() {
        TestUsers.TestUser bob = users.member();
        Response login = given().contentType(ContentType.JSON)
                .body(Map.of("username", bob.username(), "password", TestUsers.PASSWORD))
                .post("/api/auth/login");
        login.then().statusCode(200)
                .body("token", notNullValue())
                .body("user.username", equalTo(bob.username()));
        String setCookie = login.getHeader("Set-Cookie");
        assertThat(setCookie).contains("forum_session=").contains("HttpOnly").containsIgnoringCase("SameSite=Lax");

        given().cookie("forum_session", login.path("token").toString())
                .get("/api/auth/me")
                .then().statusCode(200).body("username", equalTo(bob.username()));
    }

    @Test
    void shouldNotLogInWithAWrongPassword() {
        TestUsers.TestUser carol = users.member();
        given().contentType(ContentType.JSON)
                .body(Map.of("username", carol.username(), "password", "wrong-password"))
                .post("/api/auth/login")
                .then().statusCode(401).body("error.code", equalTo("invalid_credentials"));
    }

    @Test
    void shouldDescribeTheCallerAsCurrentUser() {
        TestUsers.TestUser dave = users.member(500);
        String expires = dave.req().get("/api/auth/me").then().statusCode(200)
                .body("id", equalTo((int) dave.id()))
                .body("username", equalTo(dave.username()))
                .body("display_name", equalTo(dave.username()))
                .body("role", equalTo("member"))
                .body("tier_cents", equalTo(500))
                .extract().header(AuthContract.SESSION_EXPIRES_HEADER);
        assertThat(Instant.parse(expires)).isAfter(Instant.now().plus(Duration.ofDays(1)));
    }

    @Test
    void shouldNotServeAnEndpointWithoutAValidToken() {
        given().get("/api/auth/me").then().statusCode(401).body("error.code", equalTo("unauthorized"));
        given().header("Authorization", "Bearer forged-token").get("/api/forum/threads")
                .then().statusCode(401).body("error.code", equalTo("unauthorized"));
    }

    @Test
    void shouldServeStaticFilesAndTheHealthProbesAnonymously() {
        given().get("/static-probe.txt").then().statusCode(200).body(containsString("static ok"));
        given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready").then().statusCode(200);
        given().get(TestHTTPResourceManager.getManagementUri() + "/openapi").then().statusCode(200)
                .body(containsString("/api/forum/threads"));
    }

    /** Finding 9: the public port (the one the Ingress routes) serves no metrics, health or OpenAPI. */
    @Test
    void shouldNotExposeMetricsHealthOrOpenApiOnThePublicPort() {
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/openapi").then().statusCode(404);
        given().get(TestHTTPResourceManager.getManagementUri() + "/metrics").then().statusCode(200)
                .body(containsString("http_server_requests"));
    }

    @Test
    void shouldMakeTheTokenUselessAfterLogout() {
        TestUsers.TestUser erin = users.member();
        erin.req().post("/api/auth/logout").then().statusCode(204);

        erin.req().get("/api/auth/me").then().statusCode(401);
        JsonNode revoked = events.await("session_revoked", e -> e.path("user_id").asLong() == erin.id());
        assertThat(revoked.path("payload").path("user_id").asLong()).isEqualTo(erin.id());
        assertThat(revoked.path("payload").has("session_id")).isTrue();
    }

    @Test
    void shouldLetAnAdminChangeRoleAndTier() {
        TestUsers.TestUser admin = users.admin();
        TestUsers.TestUser frank = users.member();
        admin.req().body(Map.of("role", "moderator", "tier_cents", 1000))
                .patch("/api/admin/users/" + frank.id())
                .then().statusCode(200).body("role", equalTo("moderator")).body("tier_cents", equalTo(1000));

        frank.req().get("/api/auth/me").then().body("role", equalTo("moderator")).body("tier_cents", equalTo(1000));
        events.await("user_updated", e -> e.path("payload").path("user").path("id").asLong() == frank.id()
                && e.path("payload").path("user").path("tier_cents").asInt() == 1000);
    }

    @Test
    void shouldNotLetAMemberChangeRoles() {
        TestUsers.TestUser grace = users.member();
        grace.req().body(Map.of("role", "admin"))
                .patch("/api/admin/users/" + grace.id())
                .then().statusCode(403).body("error.code", equalTo("forbidden"));
    }

    @Test
    void shouldNotRegisterMentionKeywordsOrStaffNamesAsUsernames() {
        for (String reserved : new String[] {"team", "Everyone", "admin", "here"}) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("username", reserved, "password", "long-enough-password"))
                    .post("/api/auth/register")
                    .then().statusCode(409)
                    .body("error.code", equalTo("username_reserved"))
                    .body("error.field", equalTo("username"));
        }
    }

    @Test
    void shouldRefuseCrossSiteCookieWritesWithoutTheCsrfHeader() {
        TestUsers.TestUser victim = users.member();
        given().cookie("forum_session", victim.token()).contentType(ContentType.JSON)
                .body(Map.of("title", "forged", "content", "posted by another site"))
                .post("/api/forum/threads")
                .then().statusCode(403).body("error.code", equalTo("csrf_check_failed"));
        given().cookie("forum_session", victim.token()).post("/api/auth/logout")
                .then().statusCode(403).body("error.code", equalTo("csrf_check_failed"));
        victim.req().get("/api/auth/me").then().statusCode(200);

        given().cookie("forum_session", victim.token()).get("/api/forum/threads").then().statusCode(200);
        given().cookie("forum_session", victim.token()).header("X-Requested-With", "forum")
                .contentType(ContentType.JSON).body(Map.of("title", "from our client", "content", "ok"))
                .post("/api/forum/threads").then().statusCode(201);
        victim.req().body(Map.of("title", "bearer clients are unaffected", "content", "ok"))
                .post("/api/forum/threads").then().statusCode(201);
    }
}

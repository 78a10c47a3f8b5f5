package dev.forum.api.common.rest;

import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class NotFoundExceptionMapperTests {

    @Inject
    TestUsers users;

    @Test
    void shouldRejectANonNumericPathIdWith400NamingIt() {
        users.member().req().get("/api/forum/threads/abc")
                .then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"))
                .body("error.field", equalTo("id"));
    }

    @Test
    void shouldRejectANonNumericQueryParameterWith400NamingIt() {
        users.member().req().get("/api/forum/threads?limit=abc")
                .then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"))
                .body("error.field", equalTo("limit"));
    }

    @Test
    void shouldNameTheQueryParameterThatFailsWhenThePathIsFine() {
        TestUsers.TestUser alice = users.member();
        alice.req().get("/api/forum/threads/1/messages?after_message_id=1&limit=ten")
                .then().statusCode(400)
                .body("error.field", equalTo("limit"));
    }

    @Test
    void shouldRejectAMalformedEventIdWith400() {
        given().header("X-Internal-Token", "test-internal-token").get("/api/internal/events/not-a-uuid")
                .then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"))
                .body("error.field", equalTo("event_id"));
    }

    @Test
    void shouldStillAnswer404ForAnUnknownThread() {
        users.member().req().get("/api/forum/threads/999999999")
                .then().statusCode(404)
                .body("error.code", equalTo("not_found"));
    }
}

package dev.forum.api.common.rest;

import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class SecurityHeadersTests {

    private static final String DEFAULT_CSP = "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Inject
    TestUsers users;

    @Test
    void shouldSendTheSecurityHeadersWithTheBrowserClient() {
        assertSecurityHeaders(given().get("/").then().statusCode(200));
        assertSecurityHeaders(given().get("/js/app.js").then().statusCode(200));
    }

    @Test
    void shouldSendTheSecurityHeadersWithApiResponses() {
        assertSecurityHeaders(users.member().req().get("/api/auth/me").then().statusCode(200));
    }

    @Test
    void shouldSendTheSecurityHeadersWithErrors() {
        assertSecurityHeaders(given().get("/api/auth/me").then().statusCode(401));
    }

    private static void assertSecurityHeaders(ValidatableResponse response) {
        response.header("Content-Security-Policy", equalTo(DEFAULT_CSP))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Referrer-Policy", equalTo("same-origin"));
    }
}

package dev.forum.api.user.rest;

import dev.forum.api.ForumTestDatabase;
import dev.forum.api.LowLoginLimitProfile;
import dev.forum.api.TestUsers;
import dev.forum.api.user.service.AuthService;
import dev.forum.contract.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** Password guessing and mass registration are throttled (docs/security.md, 4). */
@QuarkusTest
@TestProfile(LowLoginLimitProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class LoginThrottleTests {

    @Inject
    AuthService auth;

    private String registered(String username) {
        QuarkusTransaction.requiringNew().run(() -> auth.registerUser(username, TestUsers.PASSWORD, null, Role.MEMBER, 0));
        return username;
    }

    private static ValidatableResponse login(String address, String username, String password) {
        return given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password)).post("/api/auth/login").then();
    }

    @Test
    void shouldThrottlePasswordGuessingPerAccount() {
        String victim = registered("victim" + System.nanoTime() % 100000);
        for (int i = 0; i < 3; i++) {
            login("198.51.100." + (10 + i), victim, "guess-" + i).statusCode(401);
        }

        login("198.51.100.20", victim, "guess-4").statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .header("Retry-After", Integer::parseInt, lessThanOrEqualTo(60))
                .body("error.code", equalTo("rate_limited"));
        login("198.51.100.21", victim, TestUsers.PASSWORD).statusCode(429);
    }

    @Test
    void shouldThrottlePasswordGuessingPerAddress() {
        String address = "203.0.113.7";
        for (int i = 0; i < 5; i++) {
            login(address, "nobody" + i + "_" + System.nanoTime() % 100000, "guess").statusCode(401);
        }

        login(address, "someone-else", "guess").statusCode(429).body("error.code", equalTo("rate_limited"));
        String other = registered("bystander" + System.nanoTime() % 100000);
        login("203.0.113.8", other, TestUsers.PASSWORD).statusCode(200);
    }

    @Test
    void shouldThrottleRegistrationsPerAddress() {
        String address = "192.0.2.44";
        for (int i = 0; i < 2; i++) {
            given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                    .body(Map.of("username", "mass" + i + "_" + System.nanoTime() % 100000, "password", "long-enough-pw"))
                    .post("/api/auth/register").then().statusCode(201);
        }

        given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(Map.of("username", "mass3_" + System.nanoTime() % 100000, "password", "long-enough-pw"))
                .post("/api/auth/register").then().statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .body("error.code", equalTo("rate_limited"));
    }
}

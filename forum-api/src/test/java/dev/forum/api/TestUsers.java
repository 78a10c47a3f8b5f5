package dev.forum.api;

import dev.forum.api.user.service.AuthService;
import dev.forum.contract.Role;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;

/** Creates users through the real AuthService and logs them in over HTTP. */
@ApplicationScoped
public class TestUsers {

    public static final String PASSWORD = "correct-horse-battery";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final AuthService auth;

    public TestUsers(AuthService auth) {
        this.auth = auth;
    }

    public record TestUser(long id, String username, String token) {

        /** A request authenticated with this user's bearer token, JSON body. */
        public RequestSpecification req() {
            return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
        }
    }

    public TestUser member() {
        return create(Role.MEMBER, 0);
    }

    public TestUser member(int tierCents) {
        return create(Role.MEMBER, tierCents);
    }

    public TestUser moderator() {
        return create(Role.MODERATOR, 0);
    }

    public TestUser admin() {
        return create(Role.ADMIN, 0);
    }

    public TestUser create(Role role, int tierCents) {
        String username = role.wireName() + COUNTER.incrementAndGet() + "_" + System.nanoTime() % 100000;
        long id = QuarkusTransaction.requiringNew()
                .call(() -> auth.registerUser(username, PASSWORD, null, role, tierCents).id);
        String token = login(username);
        return new TestUser(id, username, token);
    }

    public static String login(String username) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login")
                .then().statusCode(200)
                .extract().path("token");
    }
}

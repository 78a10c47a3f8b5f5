package dev.forum.api.demo;

import dev.forum.api.DemoDataProfile;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@TestProfile(DemoDataProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class DemoDataTests {

    private static final String WELCOME = "Welcome to the forum";
    private static final String GENERAL = "General chat";
    private static final String LOUNGE = "Supporters lounge";

    @Inject
    DemoData demoData;

    @Test
    void shouldLetEveryDemoUserSignInWithTheirRole() {
        Map.of("alice", "member", "bob", "member", "carol", "moderator", "admin", "admin").forEach((name, role) ->
                given().header("Authorization", "Bearer " + login(name)).get("/api/auth/me")
                        .then().statusCode(200).body("role", equalTo(role)));
    }

    @Test
    void shouldListTheDemoThreadsPinnedFirstAndTierGatedOnlyToSupporters() {
        given().header("Authorization", "Bearer " + login("alice")).get("/api/forum/threads")
                .then().statusCode(200)
                .body("threads.title", contains(WELCOME, GENERAL))
                .body("threads[0].is_pinned", equalTo(true));
        given().header("Authorization", "Bearer " + login("bob")).get("/api/forum/threads")
                .then().statusCode(200)
                .body("threads.title", contains(WELCOME, LOUNGE, GENERAL));
    }

    @Test
    void seedAddsNothingToADatabaseThatHasUsers() {
        long before = userCount();

        demoData.seed(null);

        assertThat(userCount()).isEqualTo(before);
    }

    private static long userCount() {
        return QuarkusTransaction.requiringNew().call(() -> User.count());
    }

    private static String login(String name) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", name + "-dev-pw"))
                .post("/api/auth/login")
                .then().statusCode(200)
                .extract().path("token");
    }
}

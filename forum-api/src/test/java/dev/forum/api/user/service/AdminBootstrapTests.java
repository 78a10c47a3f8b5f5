package dev.forum.api.user.service;

import dev.forum.api.BootstrapAdminProfile;
import dev.forum.api.EventFeed;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import dev.forum.api.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.forum.api.BootstrapAdminProfile.FOUNDER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@TestProfile(BootstrapAdminProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class AdminBootstrapTests {

    @Inject
    UserService userService;

    @Test
    void onStartPromotedTheConfiguredUserBecauseNoAdminExisted() {
        String token = TestUsers.login(FOUNDER);

        given().header("Authorization", "Bearer " + token).get("/api/auth/me")
                .then().statusCode(200).body("role", equalTo("admin"));
        JsonPath feed = EventFeed.forum(0);
        List<Map<String, Object>> updates = feed.getList("events.findAll { it.type == 'user_updated' }.payload.user");
        assertThat(updates).singleElement()
                .satisfies(user -> assertThat(user).containsEntry("username", FOUNDER).containsEntry("role", "admin"));
    }

    @Test
    void promoteToAdminIfNoAdminLeavesOthersMembersOnceAnAdminExists() {
        assertThat(userService.promoteToAdminIfNoAdmin("bystander")).isEmpty();

        String role = QuarkusTransaction.requiringNew().call(() -> User.findByUsername("bystander").orElseThrow().role);
        assertThat(role).isEqualTo("member");
    }

    @Test
    void promoteToAdminIfNoAdminIgnoresAnUnknownUsername() {
        assertThat(userService.promoteToAdminIfNoAdmin("nobody-by-that-name")).isEmpty();
    }
}

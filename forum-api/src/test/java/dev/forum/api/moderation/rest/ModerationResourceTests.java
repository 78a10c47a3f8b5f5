package dev.forum.api.moderation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class ModerationResourceTests {

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Test
    void shouldLetAnAdminDisableAndEnableEveryoneForAll() {
        TestUsers.TestUser admin = users.admin();
        admin.req().post("/api/forum/moderation/everyone/disable").then().statusCode(200)
                .body("enabled", equalTo(false)).body("changed_by", equalTo(admin.username()));
        users.member().req().get("/api/forum/moderation/everyone").then().statusCode(200)
                .body("enabled", equalTo(false)).body("changed_by", equalTo(admin.username()));
        JsonNode disabled = events.await("everyone_mention_disabled", e -> true);
        assertThat(disabled.path("audience").asText()).isEqualTo("all");
        assertThat(disabled.path("payload").path("message").asText()).contains("disabled");

        admin.req().post("/api/forum/moderation/everyone/enable").then().statusCode(200).body("enabled", equalTo(true));
        events.await("everyone_mention_enabled", e -> true);
    }

    @Test
    void shouldNotLetAModeratorFlipTheEmergencySwitch() {
        users.moderator().req().post("/api/forum/moderation/everyone/disable").then().statusCode(403)
                .body("error.code", equalTo("forbidden"));
    }

    @Test
    void shouldRestrictAndUnrestrictAUserAndTellOnlyThem() {
        TestUsers.TestUser mod = users.moderator();
        TestUsers.TestUser loud = users.member();
        String until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        mod.req().body(Map.of("reason", "spamming @everyone", "until", until))
                .put("/api/forum/moderation/users/" + loud.id() + "/everyone-restriction")
                .then().statusCode(200).body("reason", equalTo("spamming @everyone"))
                .body("restricted_by", equalTo(mod.username()));
        mod.req().get("/api/forum/moderation/restrictions").then().statusCode(200)
                .body("user_id", hasItem((int) loud.id()));

        JsonNode restricted = events.await("everyone_restricted", e -> e.path("user_id").asLong() == loud.id());
        assertThat(restricted.path("audience").asText()).isEqualTo("user");
        assertThat(restricted.path("payload").path("reason").asText()).isEqualTo("spamming @everyone");
        assertThat(restricted.path("payload").path("restricted_by").asText()).isEqualTo(mod.username());
        assertThat(Instant.parse(restricted.path("payload").path("until").asText())).isEqualTo(Instant.parse(until));

        mod.req().delete("/api/forum/moderation/users/" + loud.id() + "/everyone-restriction").then().statusCode(204);
        mod.req().get("/api/forum/moderation/restrictions").then().body("user_id", not(hasItem((int) loud.id())));
        JsonNode lifted = events.await("everyone_unrestricted", e -> e.path("user_id").asLong() == loud.id());
        assertThat(lifted.path("payload").path("unrestricted_by").asText()).isEqualTo(mod.username());
    }

    @Test
    void shouldNotLetAMemberRestrictAnyone() {
        TestUsers.TestUser member = users.member();
        member.req().body(Map.of("reason", "no"))
                .put("/api/forum/moderation/users/" + member.id() + "/everyone-restriction")
                .then().statusCode(403);
        member.req().get("/api/forum/moderation/restrictions").then().statusCode(403);
    }

    @Test
    void shouldRequireAReasonToRestrict() {
        TestUsers.TestUser mod = users.moderator();
        mod.req().body(Map.of("reason", ""))
                .put("/api/forum/moderation/users/" + mod.id() + "/everyone-restriction")
                .then().statusCode(400).body("error.field", equalTo("reason"));
    }
}

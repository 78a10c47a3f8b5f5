package dev.forum.api.user.rest;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import dev.forum.contract.Role;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class UserResourceTests {

    @Inject
    TestUsers users;

    private static List<String> candidates(TestUsers.TestUser caller, String prefix, Long threadId) {
        var req = caller.req().queryParam("prefix", prefix);
        if (threadId != null) {
            req = req.queryParam("thread_id", threadId);
        }
        return req.get("/api/forum/users").then().statusCode(200).extract().jsonPath().getList("users.username");
    }

    @Test
    void shouldOfferUsersByPrefixCaseInsensitivelyWithoutTheCaller() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        String prefix = bob.username().substring(0, bob.username().length() - 1).toUpperCase();

        assertThat(candidates(alice, prefix, null)).contains(bob.username());
        assertThat(candidates(alice, bob.username(), null)).containsExactly(bob.username());
        assertThat(candidates(bob, bob.username(), null)).isEmpty();
    }

    @Test
    void shouldOfferOnlyUsersWhoMayReadTheThread() {
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser free = users.member(0);
        TestUsers.TestUser mod = users.create(Role.MODERATOR, 0);
        long gated = ForumApi.createThread(supporter, "gated", 500);
        long open = ForumApi.createThread(supporter, "open");

        assertThat(candidates(supporter, free.username(), open)).containsExactly(free.username());
        assertThat(candidates(supporter, free.username(), gated)).isEmpty();
        assertThat(candidates(supporter, mod.username(), gated)).containsExactly(mod.username());
        free.req().queryParam("prefix", "a").queryParam("thread_id", gated).get("/api/forum/users")
                .then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void shouldTreatLikeWildcardsAsLetters() {
        TestUsers.TestUser alice = users.member();
        assertThat(candidates(alice, "_", null)).isEmpty();
    }

    @Test
    void shouldRefuseABadPrefix() {
        TestUsers.TestUser alice = users.member();
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of(), Map.of("prefix", ""),
                Map.of("prefix", "a b"), Map.of("prefix", "x".repeat(33)), Map.of("prefix", "%"))) {
            alice.req().queryParams(params).get("/api/forum/users").then().statusCode(400)
                    .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("prefix"));
        }
        given().queryParam("prefix", "a").get("/api/forum/users").then().statusCode(401);
    }

    @Test
    void shouldRenderMentionsOfExistingUsersAsLinksInContentHtml() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long thread = ForumApi.createThread(alice, "mentions");
        String html = alice.req().body(Map.of("content", "hi @" + bob.username().toUpperCase() + " and @nobody_here, @team"))
                .post("/api/forum/threads/" + thread + "/messages")
                .then().statusCode(201).extract().path("content_html");
        assertThat(html).contains("<a class=\"mention\" href=\"#/users/" + bob.username() + "\" data-username=\""
                        + bob.username() + "\" rel=\"nofollow\">&#64;" + bob.username() + "</a>")
                .contains("&#64;nobody_here").doesNotContain("#/users/nobody_here")
                .contains("<span class=\"mention mention-team\">&#64;team</span>");
    }

    @Test
    void shouldShowAProfileCardWithRecentPostsOnlyFromThreadsTheViewerMayRead() {
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser free = users.member(0);
        long open = ForumApi.createThread(supporter, "Open thread");
        long gated = ForumApi.createThread(supporter, "Gated thread", 500);
        long openPost = ForumApi.postMessage(supporter, open, "visible to all");
        long gatedPost = ForumApi.postMessage(supporter, gated, "supporters only");

        var seenByFree = free.req().get("/api/forum/users/" + supporter.username().toUpperCase()).then().statusCode(200)
                .body("username", equalTo(supporter.username()))
                .body("role", equalTo("member"))
                .extract().jsonPath();
        assertThat(seenByFree.getString("created_at")).isNotBlank();
        assertThat(seenByFree.getList("recent_posts.message_id", Long.class)).contains(openPost).doesNotContain(gatedPost);
        assertThat(seenByFree.getList("recent_posts.thread_title", String.class)).doesNotContain("Gated thread");
        assertThat(supporter.req().get("/api/forum/users/" + supporter.username()).then().statusCode(200)
                .extract().jsonPath().getList("recent_posts.message_id", Long.class)).startsWith(gatedPost, openPost);

        free.req().get("/api/forum/users/no_such_user_here").then().statusCode(404).body("error.code", equalTo("not_found"));
    }
}

package dev.forum.api.thread.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.forum.api.RedisEvents.thread;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class ThreadResourceTests {

    private static final String DEFAULT_TITLE = "A thread";
    private static final String UPDATED_TITLE = "A better title";

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Test
    void shouldCreateAThreadWithItsFirstMessageAndPublishIt() {
        TestUsers.TestUser alice = users.member();
        long id = ForumApi.createThread(alice, DEFAULT_TITLE);

        alice.req().get("/api/forum/threads/" + id).then().statusCode(200)
                .body("thread.title", equalTo(DEFAULT_TITLE))
                .body("thread.username", equalTo(alice.username()))
                .body("thread.message_count", equalTo(1))
                .body("is_following", equalTo(true))
                .body("messages", hasSize(1))
                .body("messages[0].content", equalTo("First message of " + DEFAULT_TITLE));

        JsonNode created = events.await("new_thread_created", thread(id));
        assertThat(created.path("audience").asText()).isEqualTo("readers");
        assertThat(created.path("payload").path("thread").path("title").asText()).isEqualTo(DEFAULT_TITLE);
        assertThat(created.path("payload").path("creator").path("username").asText()).isEqualTo(alice.username());
        assertThat(created.path("seq").asLong()).isPositive();
        events.await("new_message", thread(id));
    }

    @Test
    void shouldPageAThreadsMessagesAfterAMessageId() {
        TestUsers.TestUser alice = users.member();
        long id = ForumApi.createThread(alice, "paged");
        for (int i = 1; i <= 4; i++) {
            ForumApi.postMessage(alice, id, "m" + i);
        }

        var first = alice.req().get("/api/forum/threads/" + id + "?limit=3").then().statusCode(200)
                .body("has_more", equalTo(true)).body("messages", hasSize(3)).extract().jsonPath();
        long last = first.getList("messages.id", Long.class).get(2);
        alice.req().get("/api/forum/threads/" + id + "?limit=3&after_message_id=" + last).then().statusCode(200)
                .body("has_more", equalTo(false))
                .body("messages.content", org.hamcrest.Matchers.contains("m3", "m4"));
    }

    @Test
    void shouldNotCreateAThreadWithoutATitle() {
        users.member().req().body(Map.of("title", " ", "content", "x"))
                .post("/api/forum/threads")
                .then().statusCode(400)
                .body("error.code", equalTo("validation_failed"))
                .body("error.field", equalTo("title"));
    }

    @Test
    void shouldHideATierGatedThreadFromUsersBelowTheTier() {
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser free = users.member(0);
        long gated = ForumApi.createThread(supporter, "Supporters only " + System.nanoTime(), 500);

        free.req().get("/api/forum/threads/" + gated).then().statusCode(404).body("error.code", equalTo("not_found"));
        free.req().get("/api/forum/threads/" + gated + "/messages").then().statusCode(404);
        free.req().body(Map.of("content", "let me in")).post("/api/forum/threads/" + gated + "/messages")
                .then().statusCode(404);
        assertThat(allThreadIds(free)).doesNotContain(gated);

        assertThat(allThreadIds(supporter)).contains(gated);
        assertThat(allThreadIds(users.moderator())).contains(gated);
    }

    @Test
    void shouldListPinnedThreadsFirstThenByLastActivityAcrossPages() {
        TestUsers.TestUser mod = users.moderator();
        TestUsers.TestUser bob = users.member();
        long older = ForumApi.createThread(bob, "older");
        long pinned = ForumApi.createThread(bob, "pinned");
        long newer = ForumApi.createThread(bob, "newer");
        mod.req().body(Map.of("is_pinned", true)).patch("/api/forum/threads/" + pinned).then().statusCode(200);
        ForumApi.postMessage(bob, older, "bump");

        // The post moves its thread's activity once the relay has numbered its event (docs/http-api.md).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Long> ids = allThreadIds(bob);
            assertThat(ids.get(0)).isEqualTo(pinned);
            assertThat(ids).containsSubsequence(pinned, older, newer);
        });
    }

    @Test
    void shouldListSubThreadsOnlyWithTheirParentFilter() {
        TestUsers.TestUser bob = users.member();
        long parent = ForumApi.createThread(bob, "parent");
        long message = ForumApi.postMessage(bob, parent, "spawn here");
        long sub = bob.req().body(Map.of("title", "sub")).post("/api/forum/messages/" + message + "/threads")
                .then().statusCode(201).extract().jsonPath().getLong("id");

        assertThat(allThreadIds(bob)).contains(parent).doesNotContain(sub);
        bob.req().get("/api/forum/threads?parent_thread_id=" + parent).then().statusCode(200)
                .body("threads", hasSize(1)).body("threads[0].id", equalTo((int) sub));
    }

    @Test
    void shouldRejectAnInvalidCursor() {
        users.member().req().get("/api/forum/threads?cursor=bm9wZQ").then().statusCode(400)
                .body("error.field", equalTo("cursor"));
    }

    @Test
    void shouldRefusePostsToALockedThreadExceptFromModerators() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser mod = users.moderator();
        long id = ForumApi.createThread(alice, "to be locked");
        mod.req().body(Map.of("is_locked", true)).patch("/api/forum/threads/" + id)
                .then().statusCode(200).body("is_locked", equalTo(true));

        alice.req().body(Map.of("content", "still here?")).post("/api/forum/threads/" + id + "/messages")
                .then().statusCode(423).body("error.code", equalTo("thread_locked"));
        ForumApi.postMessage(mod, id, "moderators may still post");
        JsonNode updated = events.await("thread_updated", thread(id));
        assertThat(updated.path("payload").path("updates").path("is_locked").asBoolean()).isTrue();
    }

    @Test
    void shouldNotLetMembersEditOrLikeInALockedThread() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        TestUsers.TestUser mod = users.moderator();
        long id = ForumApi.createThread(alice, "locked edits");
        long messageId = ForumApi.postMessage(alice, id, "before the lock");
        mod.req().body(Map.of("is_locked", true)).patch("/api/forum/threads/" + id).then().statusCode(200);

        alice.req().body(Map.of("content", "rewritten after the lock")).patch("/api/forum/messages/" + messageId)
                .then().statusCode(423).body("error.code", equalTo("thread_locked"));
        bob.req().post("/api/forum/messages/" + messageId + "/like")
                .then().statusCode(423).body("error.code", equalTo("thread_locked"));
        mod.req().body(Map.of("content", "moderators may still edit")).patch("/api/forum/messages/" + messageId)
                .then().statusCode(200);
        mod.req().post("/api/forum/messages/" + messageId + "/like").then().statusCode(200);
    }

    @Test
    void shouldLetTheAuthorRenameButNotPin() {
        TestUsers.TestUser alice = users.member();
        long id = ForumApi.createThread(alice, DEFAULT_TITLE);
        alice.req().body(Map.of("title", UPDATED_TITLE)).patch("/api/forum/threads/" + id)
                .then().statusCode(200).body("title", equalTo(UPDATED_TITLE));
        alice.req().body(Map.of("is_pinned", true)).patch("/api/forum/threads/" + id)
                .then().statusCode(403).body("error.code", equalTo("forbidden"));
        users.member().req().body(Map.of("title", "hijack")).patch("/api/forum/threads/" + id)
                .then().statusCode(403);
    }

    @Test
    void shouldSoftDeleteAThreadForTheAuthorOnly() {
        TestUsers.TestUser alice = users.member();
        long id = ForumApi.createThread(alice, "short-lived");
        users.member().req().delete("/api/forum/threads/" + id).then().statusCode(403);

        alice.req().delete("/api/forum/threads/" + id).then().statusCode(204);

        alice.req().get("/api/forum/threads/" + id).then().statusCode(404);
        given().header("X-Internal-Token", "test-internal-token").get("/api/internal/threads/" + id)
                .then().statusCode(200).body("deleted", equalTo(true));
        events.await("thread_deleted", thread(id));
    }

    @Test
    void shouldFollowAndUnfollowIdempotently() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long id = ForumApi.createThread(alice, "followable");
        bob.req().get("/api/forum/threads/" + id).then().body("is_following", equalTo(false));

        bob.req().post("/api/forum/threads/" + id + "/follow").then().statusCode(200).body("is_following", equalTo(true));
        bob.req().post("/api/forum/threads/" + id + "/follow").then().statusCode(200);
        bob.req().get("/api/forum/threads/" + id).then().body("is_following", equalTo(true));
        bob.req().delete("/api/forum/threads/" + id + "/follow").then().statusCode(200).body("is_following", equalTo(false));
        bob.req().get("/api/forum/threads/" + id).then().body("is_following", equalTo(false));

        events.await("thread_unfollowed", e -> e.path("payload").path("user_id").asLong() == bob.id());
        assertThat(events.matching(e -> "thread_followed".equals(e.path("type").asText())
                && e.path("payload").path("user_id").asLong() == bob.id())).hasSize(1);
    }

    static List<Long> allThreadIds(TestUsers.TestUser user) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        do {
            var page = user.req().queryParam("limit", 2).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/forum/threads").then().statusCode(200).extract().jsonPath();
            ids.addAll(page.getList("threads.id", Long.class));
            cursor = page.getString("next_cursor");
        } while (cursor != null);
        return ids;
    }
}

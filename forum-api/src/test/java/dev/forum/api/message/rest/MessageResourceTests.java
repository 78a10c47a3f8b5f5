package dev.forum.api.message.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.forum.api.RedisEvents.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class MessageResourceTests {

    private static final String DEFAULT_CONTENT = "Hello **world**";
    private static final String UPDATED_CONTENT = "Hello _again_";

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Test
    void shouldPostAMessageRenderedToHtmlAndPublishIt() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long threadId = ForumApi.createThread(alice, "chat");

        long id = bob.req().body(Map.of("content", DEFAULT_CONTENT)).post("/api/forum/threads/" + threadId + "/messages")
                .then().statusCode(201)
                .body("content", equalTo(DEFAULT_CONTENT))
                .body("content_html", equalTo("<p>Hello <strong>world</strong></p>"))
                .body("username", equalTo(bob.username()))
                .body("is_edited", equalTo(false))
                .extract().jsonPath().getLong("id");

        JsonNode event = events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == id);
        assertThat(event.path("thread_id").asLong()).isEqualTo(threadId);
        assertThat(event.path("audience").asText()).isEqualTo("thread");
        assertThat(event.path("payload").path("message").path("content_html").asText())
                .isEqualTo("<p>Hello <strong>world</strong></p>");
        bob.req().get("/api/forum/threads/" + threadId).then().body("is_following", equalTo(true));
        alice.req().get("/api/forum/threads/" + threadId + "/messages").then().statusCode(200).body("", hasSize(2));
    }

    @Test
    void shouldFollowTheThreadOnceByPostingAndAgainAfterAnUnfollow() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long threadId = ForumApi.createThread(alice, "followed by posting");
        ForumApi.postMessage(bob, threadId, "first");
        ForumApi.postMessage(bob, threadId, "second, already following");
        bob.req().delete("/api/forum/threads/" + threadId + "/follow").then().statusCode(200);
        // Published after both posts' events (same thread, seq order): a second announcement would be here by now.
        events.await("thread_unfollowed", e -> e.path("payload").path("thread_id").asLong() == threadId);
        assertThat(followsAnnounced(threadId, bob)).isEqualTo(1);

        ForumApi.postMessage(bob, threadId, "third, after unfollowing");

        bob.req().get("/api/forum/threads/" + threadId).then().body("is_following", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> followsAnnounced(threadId, bob) == 2);
    }

    private long followsAnnounced(long threadId, TestUsers.TestUser user) {
        return events.matching(e -> "thread_followed".equals(e.path("type").asText())
                && e.path("payload").path("thread_id").asLong() == threadId
                && e.path("payload").path("user_id").asLong() == user.id()).size();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<script>alert('x')</script>",
            "[click](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "![img](javascript:alert(1))",
            "<a href=\"https://ok.example\" onclick=\"alert(1)\">raw</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "[x](JaVaScRiPt:alert(1))",
            "<svg onload=alert(1)>"})
    void shouldRenderXssPayloadsInert(String payload) {
        TestUsers.TestUser mallory = users.member();
        long threadId = ForumApi.createThread(mallory, "xss");
        String html = mallory.req().body(Map.of("content", payload)).post("/api/forum/threads/" + threadId + "/messages")
                .then().statusCode(201).extract().path("content_html");

        String lower = html.toLowerCase();
        assertThat(lower).doesNotContain("<script", "javascript:", "onerror=", "onclick=", "onload=", "<iframe", "<svg");
    }

    @Test
    void shouldLetOnlyTheAuthorOrAModeratorEdit() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "edits");
        long id = ForumApi.postMessage(alice, threadId, DEFAULT_CONTENT);

        users.member().req().body(Map.of("content", "not yours")).patch("/api/forum/messages/" + id)
                .then().statusCode(403).body("error.code", equalTo("forbidden"));
        alice.req().body(Map.of("content", UPDATED_CONTENT)).patch("/api/forum/messages/" + id)
                .then().statusCode(200)
                .body("content", equalTo(UPDATED_CONTENT))
                .body("content_html", equalTo("<p>Hello <em>again</em></p>"))
                .body("is_edited", equalTo(true))
                .body("edited_at", notNullValue());
        users.moderator().req().body(Map.of("content", "moderated")).patch("/api/forum/messages/" + id)
                .then().statusCode(200);

        JsonNode edited = events.await("message_edited", e -> e.path("payload").path("message").path("id").asLong() == id);
        assertThat(edited.path("payload").path("message").path("is_edited").asBoolean()).isTrue();
    }

    @Test
    void shouldDeleteAMessageWithAllItsRepliesAndListEveryId() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "tree");
        long root = ForumApi.postMessage(alice, threadId, "root");
        long reply = ForumApi.postMessage(alice, threadId, "reply", root);
        long replyToReply = ForumApi.postMessage(alice, threadId, "reply to reply", reply);
        long unrelated = ForumApi.postMessage(alice, threadId, "unrelated");

        users.member().req().delete("/api/forum/messages/" + root).then().statusCode(403);
        alice.req().delete("/api/forum/messages/" + root).then().statusCode(200)
                .body("deleted_count", equalTo(3));

        List<Long> left = alice.req().get("/api/forum/threads/" + threadId + "/messages")
                .then().extract().jsonPath().getList("id", Long.class);
        assertThat(left).contains(unrelated).doesNotContain(root, reply, replyToReply);
        JsonNode deleted = events.await("messages_deleted", thread(threadId));
        assertThat(deleted.path("payload").path("message_ids").toString())
                .isEqualTo("[" + root + "," + reply + "," + replyToReply + "]");
        assertThat(deleted.path("payload").path("deleted_count").asInt()).isEqualTo(3);
    }

    @Test
    void shouldNotReplyToAMessageOfAnotherThread() {
        TestUsers.TestUser alice = users.member();
        long other = ForumApi.postMessage(alice, ForumApi.createThread(alice, "one"), "elsewhere");
        long threadId = ForumApi.createThread(alice, "two");
        alice.req().body(Map.of("content", "x", "reply_to_id", other)).post("/api/forum/threads/" + threadId + "/messages")
                .then().statusCode(400).body("error.field", equalTo("reply_to_id"));
    }

    @Test
    void shouldLikeAndUnlikeIdempotently() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long threadId = ForumApi.createThread(alice, "likes");
        long id = ForumApi.postMessage(alice, threadId, "like me");

        bob.req().post("/api/forum/messages/" + id + "/like").then().statusCode(200).body("like_count", equalTo(1));
        bob.req().post("/api/forum/messages/" + id + "/like").then().statusCode(200).body("like_count", equalTo(1));
        alice.req().post("/api/forum/messages/" + id + "/like").then().statusCode(200).body("like_count", equalTo(2));
        bob.req().delete("/api/forum/messages/" + id + "/like").then().statusCode(200).body("like_count", equalTo(1));
        bob.req().delete("/api/forum/messages/" + id + "/like").then().statusCode(200).body("like_count", equalTo(1));
        alice.req().get("/api/forum/threads/" + threadId).then()
                .body("messages.find { it.id == " + id + " }.is_liked", equalTo(true));
        bob.req().get("/api/forum/threads/" + threadId + "/messages").then()
                .body("find { it.id == " + id + " }.is_liked", equalTo(false));

        JsonNode unliked = events.await("message_unliked", e -> e.path("payload").path("message_id").asLong() == id);
        assertThat(unliked.path("payload").path("unliked_by").path("username").asText()).isEqualTo(bob.username());
        assertThat(events.matching(e -> "message_liked".equals(e.path("type").asText())
                && e.path("payload").path("message_id").asLong() == id)).hasSize(2);
    }

    @Test
    void shouldSpawnASubThreadThatInheritsTheTierAndCountsOnTheMessage() {
        TestUsers.TestUser supporter = users.member(700);
        long parent = ForumApi.createThread(supporter, "gated parent", 700);
        long message = ForumApi.postMessage(supporter, parent, "spawn");

        long sub = supporter.req().body(Map.of("title", "side topic", "content", "details"))
                .post("/api/forum/messages/" + message + "/threads")
                .then().statusCode(201)
                .body("parent_thread_id", equalTo((int) parent))
                .body("parent_message_id", equalTo((int) message))
                .body("min_tier_cents", equalTo(700))
                .extract().jsonPath().getLong("id");

        supporter.req().get("/api/forum/threads/" + parent).then()
                .body("messages.find { it.id == " + message + " }.spawned_thread_count", equalTo(1));
        users.member(0).req().get("/api/forum/threads/" + sub).then().statusCode(404);
        JsonNode count = events.await("message_thread_count_updated", thread(parent));
        assertThat(count.path("payload").path("sub_thread_id").asLong()).isEqualTo(sub);
        assertThat(count.path("payload").path("spawned_thread_count").asInt()).isEqualTo(1);
        JsonNode created = events.await("new_sub_thread_created", thread(parent));
        assertThat(created.path("payload").path("thread").path("id").asLong()).isEqualTo(sub);
        assertThat(created.path("min_tier_cents").asInt()).isEqualTo(700);
    }
}

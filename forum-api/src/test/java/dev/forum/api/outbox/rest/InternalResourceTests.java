package dev.forum.api.outbox.rest;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.api.outbox.service.OutboxPurger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.forum.api.RedisEvents.thread;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class InternalResourceTests {

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    OutboxPurger purger;

    static RequestSpecification internal() {
        return given().header("X-Internal-Token", "test-internal-token");
    }

    @Test
    void shouldRefuseCallsWithoutTheInternalToken() {
        given().get("/api/internal/events").then().statusCode(401).body("error.code", equalTo("unauthorized"));
        given().header("X-Internal-Token", "wrong").get("/api/internal/threads/1").then().statusCode(401);
        TestUsers.TestUser member = users.member();
        member.req().get("/api/internal/events").then().statusCode(401);
    }

    @Test
    void shouldPageTheFeedInSeqOrderWithAHead() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "feed");
        for (int i = 0; i < 4; i++) {
            ForumApi.postMessage(alice, threadId, "m" + i);
        }
        events.await("new_message", e -> thread(threadId).test(e)
                && e.path("payload").path("message").path("content").asText().equals("m3"));

        JsonPath first = internal().queryParam("after_seq", 0).queryParam("limit", 3).queryParam("thread_id", threadId)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
        List<Long> seqs = first.getList("events.seq", Long.class);
        assertThat(seqs).hasSize(3).isSorted();
        assertThat(first.getList("events.thread_id", Long.class)).containsOnly(threadId);
        assertThat(first.getBoolean("resync_required")).isFalse();
        assertThat(first.getLong("head_seq")).isGreaterThanOrEqualTo(seqs.get(2));

        JsonPath rest = internal().queryParam("after_seq", seqs.get(2)).queryParam("thread_id", threadId)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
        List<String> types = rest.getList("events.type", String.class);
        assertThat(rest.getList("events.seq", Long.class)).allMatch(s -> s > seqs.get(2)).isSorted();
        assertThat(types.stream().filter("new_message"::equals).count()).isEqualTo(4);
    }

    @Test
    void shouldServeOneEventByIdAndNotFoundForUnknownIds() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "by id");
        String eventId = events.await("new_thread_created", thread(threadId)).path("event_id").asText();

        internal().get("/api/internal/events/" + eventId).then().statusCode(200)
                .body("event_id", equalTo(eventId)).body("type", equalTo("new_thread_created"))
                .body("thread_id", equalTo((int) threadId));
        internal().get("/api/internal/events/00000000-0000-0000-0000-000000000000").then().statusCode(404);
        internal().get("/api/internal/events/not-a-uuid").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter"));
    }

    @Test
    void shouldNotReplayDeletedTextThroughFeed() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser moderator = users.moderator();
        long threadId = ForumApi.createThread(alice, "withdrawn");
        long messageId = ForumApi.postMessage(alice, threadId, "my **secret** address");
        moderator.req().delete("/api/forum/messages/" + messageId).then().statusCode(200);
        String postedId = events.await("new_message", e -> thread(threadId).test(e)
                && e.path("payload").path("message").path("id").asLong() == messageId).path("event_id").asText();
        events.await("messages_deleted", thread(threadId));

        JsonPath page = internal().queryParam("thread_id", threadId).get("/api/internal/events")
                .then().statusCode(200).extract().jsonPath();
        List<String> types = page.getList("events.type", String.class);
        assertThat(types).containsSubsequence("new_message", "new_message", "messages_deleted");
        assertThat(page.getString("events.find { it.event_id == '" + postedId + "' }.payload.message.content")).isEmpty();
        assertThat(page.getString("events.find { it.event_id == '" + postedId + "' }.payload.message.content_html")).isEmpty();
        assertThat(page.getBoolean("events.find { it.event_id == '" + postedId + "' }.payload.message.is_deleted")).isTrue();
        assertThat(page.prettify()).doesNotContain("secret");

        internal().get("/api/internal/events/" + postedId).then().statusCode(200)
                .body("payload.message.id", equalTo((int) messageId))
                .body("payload.message.content", equalTo(""))
                .body("payload.message.content_html", equalTo(""));
    }

    @Test
    void shouldNotReplayReplacedTextThroughFeed() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "replaced");
        long messageId = ForumApi.postMessage(alice, threadId, "first draft with a typo");
        alice.req().body(java.util.Map.of("content", "second draft"))
                .patch("/api/forum/messages/" + messageId).then().statusCode(200);
        alice.req().body(java.util.Map.of("content", "final text"))
                .patch("/api/forum/messages/" + messageId).then().statusCode(200);
        events.await("message_edited", e -> thread(threadId).test(e)
                && e.path("payload").path("message").path("content").asText().equals("final text"));

        JsonPath page = internal().queryParam("thread_id", threadId).get("/api/internal/events")
                .then().statusCode(200).extract().jsonPath();
        List<String> texts = page.getList("events.findAll { it.payload.message?.id == " + messageId + " }.payload.message.content",
                String.class);
        assertThat(texts).containsExactly("final text", "final text", "final text");
        assertThat(page.getList("events.findAll { it.payload.message?.id == " + messageId + " }.type", String.class))
                .containsExactly("new_message", "message_edited", "message_edited");
        assertThat(page.prettify()).doesNotContain("draft");
    }

    @Test
    void shouldDescribeThreadAccess() {
        TestUsers.TestUser supporter = users.member(300);
        long threadId = ForumApi.createThread(supporter, "access", 300);
        internal().get("/api/internal/threads/" + threadId).then().statusCode(200)
                .body("thread_id", equalTo((int) threadId))
                .body("min_tier_cents", equalTo(300))
                .body("deleted", equalTo(false));
        internal().get("/api/internal/threads/999999999").then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void shouldRejectAnOutOfRangeLimit() {
        internal().queryParam("limit", 5000).get("/api/internal/events").then().statusCode(400)
                .body("error.field", equalTo("limit"));
    }

    @Test
    void shouldRequireAResyncOnceTheGapWasPurged() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "purged");
        events.await("new_thread_created", thread(threadId));

        // The relay records its progress (published_seq) shortly after publishing; only published rows are purged.
        await().atMost(Duration.ofSeconds(10)).until(() -> purger.purgePublishedBefore(0) > 0);

        JsonPath page = internal().queryParam("after_seq", 0).get("/api/internal/events").then().statusCode(200)
                .extract().jsonPath();
        long head = page.getLong("head_seq");
        assertThat(page.getLong("oldest_seq")).isGreaterThan(1);
        assertThat(page.getBoolean("resync_required")).isTrue();
        internal().queryParam("after_seq", head).get("/api/internal/events").then().statusCode(200)
                .body("resync_required", equalTo(false));
    }
}

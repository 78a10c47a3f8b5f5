package dev.forum.api.outbox.rest;

import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.api.outbox.service.OutboxPurger;
import dev.forum.contract.EventShards;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.forum.api.EventFeed.shardOf;
import static dev.forum.api.RedisEvents.thread;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

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

        JsonPath first = internal().queryParam("shard", shardOf(threadId)).queryParam("after_seq", 0)
                .queryParam("limit", 3).queryParam("thread_id", threadId)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
        List<Long> seqs = first.getList("events.seq", Long.class);
        assertThat(seqs).hasSize(3).isSorted();
        assertThat(first.getList("events.thread_id", Long.class)).containsOnly(threadId);
        assertThat(first.getBoolean("resync_required")).isFalse();
        assertThat(first.getLong("head_seq")).isGreaterThanOrEqualTo(seqs.get(2));
        assertThat(first.getInt("shard")).isEqualTo(shardOf(threadId));
        assertThat(first.getInt("shard_epoch")).isEqualTo(1);
        assertThat(first.getInt("shard_count")).isEqualTo(EventFeed.SHARDS);
        assertThat(first.getList("events.shard", Integer.class)).containsOnly(shardOf(threadId));

        JsonPath rest = internal().queryParam("shard", shardOf(threadId)).queryParam("after_seq", seqs.get(2))
                .queryParam("thread_id", threadId)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
        assertThat(rest.getList("events.seq", Long.class)).allMatch(s -> s > seqs.get(2)).isSorted();
        List<String> types = new ArrayList<>(first.getList("events.type", String.class));
        types.addAll(rest.getList("events.type", String.class));
        assertThat(types).as("the first message and four more; the new thread is in the forum shard")
                .containsExactly("new_message", "new_message", "new_message", "new_message", "new_message");
    }

    @Test
    void shouldServeOneEventByIdAndNotFoundForUnknownIds() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "by id");
        String eventId = events.await("new_thread_created", thread(threadId)).path("event_id").asText();

        internal().get("/api/internal/events/" + eventId).then().statusCode(200)
                .body("event_id", equalTo(eventId)).body("type", equalTo("new_thread_created"))
                .body("thread_id", equalTo((int) threadId))
                .body("shard", equalTo(EventShards.FORUM)).body("shard_epoch", equalTo(1))
                .body("seq", equalTo(events.await("new_thread_created", thread(threadId)).path("seq").asInt()));
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

        JsonPath page = EventFeed.thread(threadId, 0);
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

        JsonPath page = EventFeed.thread(threadId, 0);
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

        JsonPath page = EventFeed.forum(0);
        long head = page.getLong("head_seq");
        assertThat(page.getLong("oldest_seq")).isGreaterThan(1);
        assertThat(page.getBoolean("resync_required")).isTrue();
        assertThat(EventFeed.forum(head).getBoolean("resync_required")).isFalse();
    }

    @Test
    void shouldServeOnePagePerRequestedShardInOneRequest() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "positions");
        long messageId = ForumApi.postMessage(alice, threadId, "after the first");
        events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == messageId);
        int shard = shardOf(threadId);
        long forumHead = EventFeed.forum(0).getLong("head_seq");
        int otherShard = (shard + 1) % EventFeed.SHARDS;

        JsonPath answer = internal().contentType("application/json")
                .body(Map.of("shard_epoch", 1, "positions", Map.of(String.valueOf(shard), 0,
                        String.valueOf(EventShards.FORUM), forumHead, String.valueOf(otherShard), 0), "limit", 1000))
                .post("/api/internal/events/positions").then().statusCode(200).extract().jsonPath();

        assertThat(answer.getInt("shard_epoch")).isEqualTo(1);
        assertThat(answer.getInt("shard_count")).isEqualTo(EventFeed.SHARDS);
        assertThat(answer.getList("pages.shard", Integer.class))
                .containsExactlyElementsOf(List.of(EventShards.FORUM, shard, otherShard).stream().sorted().toList());
        assertThat(answer.getList("pages.find { it.shard == " + shard + " }.events.payload.message.id", Long.class))
                .contains(messageId);
        assertThat(answer.getList("pages.find { it.shard == -1 }.events", Object.class)).isEmpty();
        assertThat(answer.getLong("pages.find { it.shard == -1 }.head_seq")).isGreaterThanOrEqualTo(forumHead);
        JsonPath firsts = internal().contentType("application/json")
                .body(Map.of("positions", Map.of(String.valueOf(shard), 0, String.valueOf(EventShards.FORUM), 0),
                        "limit", 1))
                .post("/api/internal/events/positions").then().statusCode(200).extract().jsonPath();
        assertThat(firsts.getList("pages.collect { it.events.size() }", Integer.class)).as("the limit is per page")
                .containsExactly(1, 1);
    }

    @Test
    void shouldSumTheHeadsOfEveryShardOfTheEpoch() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "heads");
        long before = internal().get("/api/internal/events/heads").then().statusCode(200).extract().jsonPath()
                .getLong("head_sum");
        long messageId = ForumApi.postMessage(alice, threadId, "one more head");
        events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == messageId);

        JsonPath heads = internal().get("/api/internal/events/heads").then().statusCode(200).extract().jsonPath();
        Map<String, Integer> everyShard = new java.util.TreeMap<>();
        for (int shard = EventShards.FORUM; shard < EventFeed.SHARDS; shard++) {
            everyShard.put(String.valueOf(shard), 0);
        }
        JsonPath pages = internal().contentType("application/json").body(Map.of("positions", everyShard, "limit", 1))
                .post("/api/internal/events/positions").then().statusCode(200).extract().jsonPath();
        long after = internal().get("/api/internal/events/heads").then().statusCode(200).extract().jsonPath()
                .getLong("head_sum");

        assertThat(heads.getInt("shard_epoch")).isEqualTo(1);
        assertThat(heads.getInt("shard_count")).isEqualTo(EventFeed.SHARDS);
        assertThat(heads.getLong("head_sum")).isGreaterThan(before);
        // Other tests' events may be numbered meanwhile: the pages' heads lie between the two sums.
        long pageHeads = pages.getList("pages.head_seq", Long.class).stream().mapToLong(Long::longValue).sum();
        assertThat(pageHeads).isBetween(heads.getLong("head_sum"), after);
        given().get("/api/internal/events/heads").then().statusCode(401);
    }

    @Test
    void shouldRequireAResyncForAPositionOfAnotherEpoch() {
        internal().queryParam("shard", 0).queryParam("shard_epoch", 99).queryParam("after_seq", 0)
                .get("/api/internal/events").then().statusCode(200)
                .body("resync_required", equalTo(true)).body("events", hasSize(0)).body("shard_epoch", equalTo(1));
        internal().contentType("application/json").body(Map.of("shard_epoch", 99, "positions", Map.of("0", 0)))
                .post("/api/internal/events/positions").then().statusCode(200)
                .body("pages[0].resync_required", equalTo(true)).body("pages[0].events", hasSize(0));
    }

    @Test
    void shouldRejectAShardOutsideTheEpoch() {
        internal().queryParam("shard", EventFeed.SHARDS).get("/api/internal/events").then().statusCode(400)
                .body("error.field", equalTo("shard"));
        internal().contentType("application/json").body(Map.of("positions", Map.of("-2", 0)))
                .post("/api/internal/events/positions").then().statusCode(400).body("error.field", equalTo("positions"));
        internal().contentType("application/json").body(Map.of("positions", Map.of()))
                .post("/api/internal/events/positions").then().statusCode(400).body("error.field", equalTo("positions"));
    }

    @Test
    void shouldKeepTheLegacyStreamForEventsWrittenBeforeSharding() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "not legacy");
        events.await("new_thread_created", thread(threadId));

        internal().queryParam("after_seq", 0).get("/api/internal/events").then().statusCode(200)
                .body("events", hasSize(0)).body("head_seq", equalTo(0)).body("resync_required", equalTo(false))
                .body("$", not(hasKey("shard")));
    }
}

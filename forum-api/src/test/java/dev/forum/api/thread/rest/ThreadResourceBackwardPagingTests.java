package dev.forum.api.thread.rest;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** {@code GET /api/forum/threads/{id}} opened at its newest page and paged backwards with before_message_id. */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class ThreadResourceBackwardPagingTests {

    private static final int DEFAULT_MESSAGES = 7;

    @Inject
    TestUsers users;

    /** A thread whose first message is "First message of ..." followed by m1..m7; answers all ids, oldest first. */
    private static List<Long> threadWithMessages(TestUsers.TestUser author) {
        long id = ForumApi.createThread(author, "backwards " + System.nanoTime());
        List<Long> ids = new ArrayList<>();
        ids.add(id);
        for (int i = 1; i <= DEFAULT_MESSAGES; i++) {
            ids.add(ForumApi.postMessage(author, id, "m" + i));
        }
        return ids;
    }

    private static JsonPath page(TestUsers.TestUser user, long threadId, String query) {
        return user.req().get("/api/forum/threads/" + threadId + "?" + query).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void shouldAnswerTheNewestPageInAscendingOrderWithLatest() {
        TestUsers.TestUser alice = users.member();
        List<Long> ids = threadWithMessages(alice);
        long threadId = ids.get(0);

        alice.req().get("/api/forum/threads/" + threadId + "?latest=true&limit=3").then().statusCode(200)
                .body("messages.content", contains("m5", "m6", "m7"))
                .body("has_earlier", equalTo(true))
                .body("has_more", equalTo(false));
    }

    @Test
    void shouldPageBackwardsToTheFirstMessageWithoutOverlapOrGap() {
        TestUsers.TestUser alice = users.member();
        List<Long> ids = threadWithMessages(alice);
        long threadId = ids.get(0);

        JsonPath newest = page(alice, threadId, "latest=true&limit=3");
        List<Long> seen = new ArrayList<>(newest.getList("messages.id", Long.class));
        boolean earlier = newest.getBoolean("has_earlier");
        int pages = 1;
        while (earlier) {
            JsonPath before = page(alice, threadId, "limit=3&before_message_id=" + seen.get(0));
            List<Long> got = before.getList("messages.id", Long.class);
            assertThat(got).isSortedAccordingTo(Long::compare).isNotEmpty();
            assertThat(before.getBoolean("has_more")).isTrue();
            seen.addAll(0, got);
            earlier = before.getBoolean("has_earlier");
            pages++;
        }

        List<Long> all = page(alice, threadId, "limit=100").getList("messages.id", Long.class);
        assertThat(seen).containsExactlyElementsOf(all).hasSize(DEFAULT_MESSAGES + 1);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void shouldAnswerAnEmptyPageBeforeTheFirstMessage() {
        TestUsers.TestUser alice = users.member();
        long threadId = threadWithMessages(alice).get(0);
        long first = page(alice, threadId, "limit=1").getList("messages.id", Long.class).get(0);

        alice.req().get("/api/forum/threads/" + threadId + "?before_message_id=" + first).then().statusCode(200)
                .body("messages", hasSize(0))
                .body("has_earlier", equalTo(false))
                .body("has_more", equalTo(true));
    }

    @Test
    void shouldKeepForwardPagingAndSayWhetherEarlierMessagesExist() {
        TestUsers.TestUser alice = users.member();
        long threadId = threadWithMessages(alice).get(0);

        JsonPath first = page(alice, threadId, "limit=3");
        assertThat(first.getBoolean("has_more")).isTrue();
        assertThat(first.getBoolean("has_earlier")).isFalse();
        long last = first.getList("messages.id", Long.class).get(2);
        alice.req().get("/api/forum/threads/" + threadId + "?limit=3&after_message_id=" + last).then().statusCode(200)
                .body("messages.content", contains("m3", "m4", "m5"))
                .body("has_more", equalTo(true))
                .body("has_earlier", equalTo(true));
    }

    @Test
    void shouldNotShowTheNewestPageOfATierGatedThreadBelowTheTier() {
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser free = users.member(0);
        String title = "Supporters only " + System.nanoTime();
        long gated = ForumApi.createThread(supporter, title, 500);
        long message = ForumApi.postMessage(supporter, gated, "for supporters");

        free.req().get("/api/forum/threads/" + gated + "?latest=true").then().statusCode(404)
                .body("error.code", equalTo("not_found"));
        free.req().get("/api/forum/threads/" + gated + "?before_message_id=" + (message + 1)).then().statusCode(404)
                .body("error.code", equalTo("not_found"));
        supporter.req().get("/api/forum/threads/" + gated + "?latest=true").then().statusCode(200)
                .body("messages.content", contains("First message of " + title, "for supporters"));
    }

    @Test
    void shouldRejectMalformedBackwardPagingParameters() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "bad params " + System.nanoTime());
        String path = "/api/forum/threads/" + threadId;

        alice.req().get(path + "?before_message_id=abc").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("before_message_id"));
        alice.req().get(path + "?before_message_id=0").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("before_message_id"));
        alice.req().get(path + "?latest=maybe").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("latest"));
        alice.req().get(path + "?latest=true&after_message_id=1").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("after_message_id"));
        alice.req().get(path + "?latest=true&before_message_id=5").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("before_message_id"));
    }
}

package dev.forum.api.thread.rest;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class ThreadReadPositionTests {

    @Inject
    TestUsers users;

    private static void put(TestUsers.TestUser user, long thread, Object messageId, int status) {
        user.req().body(Map.of("last_read_message_id", messageId)).put("/api/forum/threads/" + thread + "/read-position")
                .then().statusCode(status);
    }

    @Test
    void shouldKeepTheReadPositionPerUserForwardOnlyAndShowItWithTheThread() {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long thread = ForumApi.createThread(alice, "read me");
        long second = ForumApi.postMessage(alice, thread, "two");
        long third = ForumApi.postMessage(alice, thread, "three");

        bob.req().get("/api/forum/threads/" + thread).then().statusCode(200).body("last_read_message_id", nullValue());
        bob.req().body(Map.of("last_read_message_id", third)).put("/api/forum/threads/" + thread + "/read-position")
                .then().statusCode(200).body("thread_id", equalTo((int) thread)).body("last_read_message_id", equalTo((int) third));
        put(bob, thread, second, 200);
        bob.req().get("/api/forum/threads/" + thread + "?latest=true").then().statusCode(200)
                .body("last_read_message_id", equalTo((int) third));
        alice.req().get("/api/forum/threads/" + thread).then().statusCode(200).body("last_read_message_id", nullValue());
    }

    @Test
    void shouldCapTheReadPositionAtTheThreadsNewestMessage() {
        TestUsers.TestUser alice = users.member();
        long thread = ForumApi.createThread(alice, "cap");
        long last = ForumApi.postMessage(alice, thread, "last");
        alice.req().body(Map.of("last_read_message_id", last + 1000)).put("/api/forum/threads/" + thread + "/read-position")
                .then().statusCode(200).body("last_read_message_id", equalTo((int) last));
    }

    @Test
    void shouldNotKeepAReadPositionInAThreadTheCallerMayNotRead() {
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser free = users.member(0);
        long gated = ForumApi.createThread(supporter, "gated", 500);
        put(free, gated, 1, 404);
        put(free, 99_999_999L, 1, 404);
    }

    @Test
    void shouldRefuseABadReadPosition() {
        TestUsers.TestUser alice = users.member();
        long thread = ForumApi.createThread(alice, "bad");
        put(alice, thread, 0, 400);
        alice.req().body(Map.of()).put("/api/forum/threads/" + thread + "/read-position").then().statusCode(400)
                .body("error.field", equalTo("last_read_message_id"));
    }
}

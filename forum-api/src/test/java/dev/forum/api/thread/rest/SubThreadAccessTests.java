package dev.forum.api.thread.rest;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.forum.api.RedisEvents.thread;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** A sub-thread is readable only while its whole parent chain is (docs/security.md, 3). */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class SubThreadAccessTests {

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    private static RequestSpecification internal() {
        return given().header("X-Internal-Token", "test-internal-token");
    }

    private static long spawn(TestUsers.TestUser user, long threadId, String title) {
        long messageId = ForumApi.postMessage(user, threadId, "spawn " + title);
        return user.req().body(Map.of("title", title, "content", "inside " + title))
                .post("/api/forum/messages/" + messageId + "/threads")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    @Test
    void shouldNotServeSubThreadAfterParentTierRaised() {
        TestUsers.TestUser member = users.member();
        TestUsers.TestUser supporter = users.member(500);
        TestUsers.TestUser mod = users.moderator();
        long parent = ForumApi.createThread(member, "open parent");
        long sub = spawn(member, parent, "sub");
        long subSub = spawn(member, sub, "sub of sub");
        member.req().get("/api/forum/threads/" + subSub).then().statusCode(200);

        mod.req().body(Map.of("min_tier_cents", 500)).patch("/api/forum/threads/" + parent).then().statusCode(200);

        for (long id : new long[] {parent, sub, subSub}) {
            member.req().get("/api/forum/threads/" + id).then().statusCode(404);
            member.req().get("/api/forum/threads/" + id + "/messages").then().statusCode(404);
            member.req().body(Map.of("content", "still here?")).post("/api/forum/threads/" + id + "/messages")
                    .then().statusCode(404);
            internal().get("/api/internal/threads/" + id).then().statusCode(200)
                    .body("min_tier_cents", equalTo(500)).body("deleted", equalTo(false));
            supporter.req().get("/api/forum/threads/" + id).then().statusCode(200);
        }
        member.req().get("/api/forum/threads?parent_thread_id=" + parent).then().statusCode(200)
                .body("threads", hasSize(0));
        member.req().get("/api/forum/threads?parent_thread_id=" + sub).then().statusCode(200)
                .body("threads", hasSize(0));
        assertThat(events.await("thread_updated", thread(subSub)).path("min_tier_cents").asInt()).isEqualTo(500);
        assertThat(events.await("thread_updated", thread(sub)).path("payload").path("updates")
                .path("min_tier_cents").asInt()).isEqualTo(500);
    }

    @Test
    void shouldNotServeSubThreadAfterParentDeleted() {
        TestUsers.TestUser member = users.member();
        TestUsers.TestUser mod = users.moderator();
        long parent = ForumApi.createThread(member, "doomed parent");
        long sub = spawn(member, parent, "orphan");

        mod.req().delete("/api/forum/threads/" + parent).then().statusCode(204);

        member.req().get("/api/forum/threads/" + sub).then().statusCode(404);
        mod.req().get("/api/forum/threads/" + sub).then().statusCode(404);
        internal().get("/api/internal/threads/" + sub).then().statusCode(200).body("deleted", equalTo(true));
        events.await("thread_deleted", thread(sub));
    }

    @Test
    void shouldNotLowerASubThreadBelowItsParentsTier() {
        TestUsers.TestUser supporter = users.member(300);
        TestUsers.TestUser member = users.member();
        TestUsers.TestUser mod = users.moderator();
        long parent = ForumApi.createThread(supporter, "gated parent", 300);
        long sub = spawn(supporter, parent, "gated sub");

        mod.req().body(Map.of("min_tier_cents", 0)).patch("/api/forum/threads/" + sub).then().statusCode(400)
                .body("error.code", equalTo("validation_failed")).body("error.field", equalTo("min_tier_cents"));
        member.req().get("/api/forum/threads/" + sub).then().statusCode(404);
        mod.req().body(Map.of("min_tier_cents", 800)).patch("/api/forum/threads/" + sub).then().statusCode(200)
                .body("min_tier_cents", equalTo(800));
    }
}

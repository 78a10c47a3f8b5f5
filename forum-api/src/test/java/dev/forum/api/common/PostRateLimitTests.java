package dev.forum.api.common;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.LowRateLimitProfile;
import dev.forum.api.TestImages;
import dev.forum.api.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

@QuarkusTest
@TestProfile(LowRateLimitProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class PostRateLimitTests {

    @Inject
    TestUsers users;

    @Test
    void shouldRefuseTheFourthPostInAWindowWithRetryAfter() {
        TestUsers.TestUser chatty = users.member();
        long threadId = ForumApi.createThread(chatty, "flood");
        ForumApi.postMessage(chatty, threadId, "two");
        ForumApi.postMessage(chatty, threadId, "three");

        chatty.req().body(Map.of("content", "four")).post("/api/forum/threads/" + threadId + "/messages")
                .then().statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .header("Retry-After", Integer::parseInt, lessThanOrEqualTo(60))
                .body("error.code", equalTo("rate_limited"));
        chatty.req().body(Map.of("title", "another", "content", "x")).post("/api/forum/threads")
                .then().statusCode(429);
    }

    @Test
    void shouldCountEachUserSeparately() {
        TestUsers.TestUser first = users.member();
        TestUsers.TestUser second = users.member();
        long threadId = ForumApi.createThread(first, "shared");
        ForumApi.postMessage(first, threadId, "a");
        ForumApi.postMessage(first, threadId, "b");

        ForumApi.postMessage(second, threadId, "not limited by someone else's posts");
    }

    @Test
    void shouldRefuseTheSixthNameLookupInAWindowWithoutCountingPosts() {
        TestUsers.TestUser typist = users.member();
        for (int i = 0; i < 5; i++) {
            typist.req().queryParam("prefix", "a").get("/api/forum/users").then().statusCode(200);
        }
        typist.req().queryParam("prefix", "a").get("/api/forum/users")
                .then().statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .body("error.code", equalTo("rate_limited"))
                .body("error.message", org.hamcrest.Matchers.startsWith("Too many name lookups"));
        ForumApi.createThread(typist, "posting is a separate budget");
    }

    @Test
    void shouldNotLetEditsSkipThePostLimit() {
        TestUsers.TestUser editor = users.member();
        long threadId = ForumApi.createThread(editor, "edit flood");
        long messageId = editor.req().get("/api/forum/threads/" + threadId).then().statusCode(200)
                .extract().jsonPath().getLong("messages[0].id");
        for (int i = 0; i < 2; i++) {
            editor.req().body(Map.of("content", "edit " + i)).patch("/api/forum/messages/" + messageId)
                    .then().statusCode(200);
        }

        editor.req().body(Map.of("content", "@everyone one more")).patch("/api/forum/messages/" + messageId)
                .then().statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .body("error.code", equalTo("rate_limited"));
    }

    @Test
    void shouldNotLetLikesAndFollowsSkipTheReactionLimit() {
        TestUsers.TestUser author = users.member();
        TestUsers.TestUser liker = users.member();
        long threadId = ForumApi.createThread(author, "like flood");
        long messageId = ForumApi.postMessage(author, threadId, "like me");
        liker.req().post("/api/forum/messages/" + messageId + "/like").then().statusCode(200);
        liker.req().delete("/api/forum/messages/" + messageId + "/like").then().statusCode(200);
        liker.req().post("/api/forum/threads/" + threadId + "/follow").then().statusCode(200);

        liker.req().delete("/api/forum/threads/" + threadId + "/follow").then().statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .body("error.code", equalTo("rate_limited"));
        liker.req().post("/api/forum/messages/" + messageId + "/like").then().statusCode(429);
    }

    @Test
    void shouldRefuseTheFourthUploadInAWindow() {
        TestUsers.TestUser uploader = users.member();
        byte[] png = TestImages.png(2, 2);
        for (int i = 0; i < 3; i++) {
            uploader.req().contentType("image/png").body(png).post("/api/forum/uploads").then().statusCode(201);
        }
        uploader.req().contentType("image/png").body(png).post("/api/forum/uploads")
                .then().statusCode(429)
                .header("Retry-After", Integer::parseInt, greaterThan(0))
                .body("error.code", equalTo("rate_limited"))
                .body("error.message", org.hamcrest.Matchers.startsWith("Too many uploads"));
        ForumApi.createThread(uploader, "posting is a separate budget from uploads");
    }
}

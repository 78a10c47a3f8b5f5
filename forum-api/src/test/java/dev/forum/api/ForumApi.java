package dev.forum.api;

import java.util.HashMap;
import java.util.Map;

/** Small HTTP steps shared by the resource tests. */
public final class ForumApi {

    private ForumApi() {
    }

    public static long createThread(TestUsers.TestUser user, String title, int minTierCents) {
        Map<String, Object> body = new HashMap<>();
        body.put("title", title);
        body.put("content", "First message of " + title);
        body.put("min_tier_cents", minTierCents);
        return user.req().body(body).post("/api/forum/threads")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createThread(TestUsers.TestUser user, String title) {
        return createThread(user, title, 0);
    }

    public static long postMessage(TestUsers.TestUser user, long threadId, String content, Long replyToId) {
        Map<String, Object> body = new HashMap<>();
        body.put("content", content);
        body.put("reply_to_id", replyToId);
        return user.req().body(body).post("/api/forum/threads/" + threadId + "/messages")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long postMessage(TestUsers.TestUser user, long threadId, String content) {
        return postMessage(user, threadId, content, null);
    }
}

package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.WsClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** What the scenarios share: endpoint paths, frame predicates, unique names, staff users. */
final class Wire {

    static final String V2 = "/api/forum/ws/v2";
    static final String GLOBAL = "/api/forum/ws/global";
    static final Duration WAIT = Duration.ofSeconds(20);
    /** The stack's event shard count (FORUM_EVENT_SHARDS, default): a thread's events go to thread_id mod this. */
    static final int EVENT_SHARDS = 16;

    private Wire() {
    }

    static String threadPath(long threadId) {
        return "/api/forum/ws/thread/" + threadId;
    }

    static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Predicate<JsonNode> type(String type) {
        return frame -> type.equals(frame.path("type").asText());
    }

    static Predicate<JsonNode> type(String type, long threadId) {
        return type(type).and(frame -> frame.path("thread_id").asLong() == threadId);
    }

    static Predicate<JsonNode> newMessage(long messageId) {
        return type("new_message").and(frame -> frame.path("message").path("id").asLong() == messageId);
    }

    /** Outbox events (they carry a seq) of one thread, in the order received. */
    static List<JsonNode> threadEvents(List<JsonNode> frames, long threadId) {
        return frames.stream().filter(frame -> frame.has("seq") && frame.path("thread_id").asLong() == threadId)
                .toList();
    }

    /** A v2 client subscribed to the given threads (waits for each {@code subscribed}). */
    static WsClient subscribedV2(java.net.URI uri, Session session, long... threadIds) {
        WsClient client = WsClient.connect(uri, session.token());
        client.awaitType("connected", WAIT);
        for (long threadId : threadIds) {
            client.subscribe(threadId);
            client.await(type("subscribed", threadId), WAIT);
        }
        return client;
    }

    /** A new user with a role (member, moderator, admin) and tier, logged in. */
    static Session user(ForumHttp http, String prefix, String role, int tierCents) {
        Session session = http.registerAndLogin(unique(prefix));
        if (!"member".equals(role) || tierCents != 0) {
            Session admin = http.admin();
            http.call("PATCH", "/api/admin/users/" + session.userId(), admin.token(),
                    Map.of("role", role, "tier_cents", tierCents));
        }
        return session;
    }

    /** The user's mention notifications, counted per message, over every page of notification-service's REST API. */
    static Map<Long, Integer> mentionsByMessage(ForumHttp notifications, Session user) {
        Map<Long, Integer> counts = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = notifications.call("GET", "/api/forum/notifications?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor), user.token(), null);
            for (JsonNode notification : page.path("notifications")) {
                if ("mention".equals(notification.path("type").asText())) {
                    counts.merge(notification.path("message_id").asLong(), 1, Integer::sum);
                }
            }
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        return counts;
    }
}

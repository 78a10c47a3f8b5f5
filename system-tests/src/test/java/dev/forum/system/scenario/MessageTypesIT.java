package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.forum.system.scenario.Wire.GLOBAL;
import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.newMessage;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1, the seeds' Phase 5 checklist: every message type, caused by a user whose socket is on
 * replica 1 (actions over HTTP, typing over that socket), received by another user on replica 2 on
 * each of the three endpoints: v2 (subscribed by frame), the legacy thread endpoint and the legacy
 * global endpoint. Thread events reach v2 and the thread endpoint, never the global one; forum-wide
 * and user events reach all three.
 */
@ExtendWith(SharedStack.class)
@Order(Order.DEFAULT + 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageTypesIT {

    private static final Duration QUIET = Duration.ofSeconds(1);

    private Stack stack;
    private ForumHttp http;
    private Session alice;
    private Session bob;
    private Session carol;
    private Session admin;
    private long threadId;
    private WsClient aliceV2;
    private Endpoints bobs;
    private Endpoints carols;

    /** One user's three sockets on replica 2, all watching the scenario's thread. */
    private record Endpoints(WsClient v2, WsClient thread, WsClient global) {

        static Endpoints open(Stack stack, Session user, long threadId) {
            WsClient v2 = Wire.subscribedV2(stack.gateway(1).wsUri(V2), user, threadId);
            WsClient thread = WsClient.connect(stack.gateway(1).wsUri(Wire.threadPath(threadId)), user.token());
            thread.await(type("subscribed", threadId), WAIT);
            WsClient global = WsClient.connect(stack.gateway(1).wsUri(GLOBAL), user.token());
            global.awaitType("connected", WAIT);
            return new Endpoints(v2, thread, global);
        }

        List<WsClient> all() {
            return List.of(v2, thread, global);
        }

        void close() {
            all().forEach(WsClient::close);
        }
    }

    @BeforeAll
    void createUsers(Stack stack) {
        this.stack = stack;
        http = stack.http();
        alice = Wire.user(http, "alice", "member", 0);
        bob = Wire.user(http, "bob", "member", 0);
        carol = Wire.user(http, "carol", "moderator", 0);
        admin = http.admin();
    }

    @BeforeEach
    void openSockets() {
        threadId = http.createThread(alice, Wire.unique("Checklist"), "first post", 0).path("id").asLong();
        aliceV2 = Wire.subscribedV2(stack.gateway(0).wsUri(V2), alice, threadId);
        bobs = Endpoints.open(stack, bob, threadId);
        carols = Endpoints.open(stack, carol, threadId);
    }

    @AfterEach
    void closeSockets() {
        aliceV2.close();
        bobs.close();
        carols.close();
    }

    @Test
    void newMessageReachesThreadSubscribersOnTheOtherReplica() {
        long messageId = post("hello from replica 1");
        assertThreadEvent("new_message", newMessage(messageId));
    }

    @Test
    void editedMessageReachesThreadSubscribers() {
        long messageId = post("before");
        http.editMessage(alice, messageId, "after");
        JsonNode edited = assertThreadEvent("message_edited", type("message_edited", threadId));
        assertThat(edited.path("message").path("content").asText()).isEqualTo("after");
    }

    @Test
    void deletedMessageReachesThreadSubscribers() {
        long messageId = post("to be deleted");
        http.deleteMessage(alice, messageId);
        JsonNode deleted = assertThreadEvent("messages_deleted", type("messages_deleted", threadId));
        assertThat(deleted.path("message_ids").toString()).contains(Long.toString(messageId));
    }

    @Test
    void likeAndUnlikeReachThreadSubscribers() {
        long messageId = post("like me");
        http.like(carol, messageId);
        JsonNode liked = assertThreadEvent("message_liked", type("message_liked", threadId));
        assertThat(liked.path("like_count").asInt()).isEqualTo(1);
        http.unlike(carol, messageId);
        JsonNode unliked = assertThreadEvent("message_unliked", type("message_unliked", threadId));
        assertThat(unliked.path("like_count").asInt()).isZero();
    }

    @Test
    void threadUpdateReachesThreadSubscribers() {
        http.patchThread(alice, threadId, Map.of("title", "Renamed checklist"));
        JsonNode updated = assertThreadEvent("thread_updated", type("thread_updated", threadId));
        assertThat(updated.path("updates").path("title").asText()).isEqualTo("Renamed checklist");
    }

    @Test
    void subThreadReachesParentThreadSubscribers() {
        long messageId = post("spawn from here");
        http.createSubThread(alice, messageId, "Side topic", "spawned");
        assertThreadEvent("new_sub_thread_created", type("new_sub_thread_created", threadId));
        JsonNode count = assertThreadEvent("message_thread_count_updated",
                type("message_thread_count_updated", threadId));
        assertThat(count.path("spawned_thread_count").asInt()).isEqualTo(1);
    }

    @Test
    void typingSentThroughOneReplicaReachesTheOther() {
        aliceV2.send(Map.of("type", "typing", "thread_id", threadId, "is_typing", true));
        JsonNode typing = assertThreadEvent("user_typing", type("user_typing", threadId));
        assertThat(typing.path("user_id").asLong()).isEqualTo(alice.userId());
    }

    @Test
    void newThreadReachesEveryEndpoint() {
        long created = http.createThread(alice, Wire.unique("Announced"), "to all readers", 0).path("id").asLong();
        assertEverywhere("new_thread_created", bobs, type("new_thread_created", created));
    }

    @Test
    void userNotificationReachesEveryEndpointOfThatUser() {
        long messageId = post("hey @" + bob.username() + " have a look");
        Predicate<JsonNode> mentionOfBob = type("forum_notification")
                .and(frame -> frame.path("notification").path("message_id").asLong() == messageId);
        JsonNode notification = assertEverywhere("forum_notification", bobs, mentionOfBob);
        assertThat(notification.path("notification").path("type").asText()).isEqualTo("mention");
        assertEverywhere("forum_notification_count", bobs, type("forum_notification_count"));
        assertNowhere(carols, mentionOfBob);

        // notification paths belong to notification-service (the front door routes them there)
        ForumHttp notifications = new ForumHttp(stack.notificationService().orElseThrow().httpUrl(),
                stack.internalToken());
        notifications.call("POST", "/api/forum/threads/" + threadId + "/notifications/read", bob.token(), null);
        assertEverywhere("unread_count_updated", bobs, type("unread_count_updated", threadId));
    }

    @Test
    void teamMentionReachesStaffOnly() {
        long messageId = post("calling @team about this");
        Predicate<JsonNode> teamMention = type("team_mention")
                .and(frame -> frame.path("message_id").asLong() == messageId);
        assertEverywhere("team_mention", carols, teamMention);
        assertNowhere(bobs, teamMention);
    }

    @Test
    void everyoneMentionReachesEveryReaderOnEveryEndpoint() {
        long messageId = post("attention @everyone");
        assertEverywhere("everyone_mention", bobs, type("everyone_mention")
                .and(frame -> frame.path("message_id").asLong() == messageId));
    }

    @Test
    void restrictionsReachTheRestrictedUserAndForumWideSwitchesReachEveryone() {
        http.call("PUT", "/api/forum/moderation/users/" + bob.userId() + "/everyone-restriction", admin.token(),
                Map.of("reason", "system test"));
        JsonNode restricted = assertEverywhere("everyone_restricted", bobs, type("everyone_restricted"));
        assertThat(restricted.path("reason").asText()).isEqualTo("system test");
        assertNowhere(carols, type("everyone_restricted"));
        http.call("DELETE", "/api/forum/moderation/users/" + bob.userId() + "/everyone-restriction", admin.token(),
                null);
        assertEverywhere("everyone_unrestricted", bobs, type("everyone_unrestricted"));

        try {
            http.call("POST", "/api/forum/moderation/everyone/disable", admin.token(), null);
            assertEverywhere("everyone_mention_disabled", bobs, type("everyone_mention_disabled"));
        } finally {
            http.call("POST", "/api/forum/moderation/everyone/enable", admin.token(), null);
        }
        assertEverywhere("everyone_mention_enabled", bobs, type("everyone_mention_enabled"));
    }

    private long post(String content) {
        long messageId = http.postMessage(alice, threadId, content).path("id").asLong();
        aliceV2.await(newMessage(messageId), WAIT);
        return messageId;
    }

    /** A thread event: on bob's v2 and thread sockets (replica 2), never on his global socket. */
    private JsonNode assertThreadEvent(String label, Predicate<JsonNode> matching) {
        JsonNode onV2 = bobs.v2().await(matching, WAIT);
        bobs.thread().await(matching, WAIT);
        quietPeriod();
        assertThat(bobs.global().frames()).as("thread events stay off the global endpoint").noneMatch(matching);
        report(label, bobs, matching);
        return onV2;
    }

    /** A user or forum-wide event: on all three of the user's sockets. */
    private JsonNode assertEverywhere(String label, Endpoints endpoints, Predicate<JsonNode> matching) {
        JsonNode first = null;
        for (WsClient client : endpoints.all()) {
            JsonNode frame = client.await(matching, WAIT);
            first = first == null ? frame : first;
        }
        report(label, endpoints, matching);
        return first;
    }

    private void assertNowhere(Endpoints endpoints, Predicate<JsonNode> matching) {
        quietPeriod();
        for (WsClient client : endpoints.all()) {
            assertThat(client.frames()).noneMatch(matching);
        }
    }

    private void report(String label, Endpoints endpoints, Predicate<JsonNode> matching) {
        long v2 = endpoints.v2().frames().stream().filter(matching).count();
        long thread = endpoints.thread().frames().stream().filter(matching).count();
        long global = endpoints.global().frames().stream().filter(matching).count();
        System.out.printf("[system] checklist %-30s replica2 v2=%d thread=%d global=%d%n", label, v2, thread, global);
        assertThat(v2).as("no duplicate on v2").isLessThanOrEqualTo(1);
        assertThat(thread).as("no duplicate on the thread endpoint").isLessThanOrEqualTo(1);
        assertThat(global).as("no duplicate on the global endpoint").isLessThanOrEqualTo(1);
    }

    private static void quietPeriod() {
        try {
            Thread.sleep(QUIET.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

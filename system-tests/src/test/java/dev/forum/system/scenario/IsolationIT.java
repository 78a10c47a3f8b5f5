package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.forum.system.scenario.Wire.GLOBAL;
import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.newMessage;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Scenario 5: a tier-gated thread's events and a user's private notifications never reach another
 * user, on any endpoint of either replica, whatever the client asks for. Every gated text carries a
 * secret marker; the attacker's sockets must never see it. A reader allowed in (the positive control)
 * receives it all, so the test can fail.
 */
@ExtendWith(SharedStack.class)
@Order(Order.DEFAULT + 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolationIT {

    private static final int GOLD_TIER = 1000;
    /** User events the attacker must never get: she is mentioned only where she cannot read. */
    private static final java.util.Set<String> PRIVATE = java.util.Set.of("forum_notification",
            "forum_notification_count", "unread_count_updated", "team_mention", "everyone_mention");

    private Stack stack;
    private ForumHttp http;
    private ForumHttp notifications;
    private Session admin;

    @BeforeAll
    void setUp(Stack stack) {
        this.stack = stack;
        http = stack.http();
        notifications = new ForumHttp(stack.notificationService().orElseThrow().httpUrl(), stack.internalToken());
        admin = http.admin();
    }

    @Test
    void gatedThreadEventsAndOtherUsersNotificationsNeverReachAnotherUser() throws Exception {
        String secret = "SECRET-" + UUID.randomUUID();
        Session gold = Wire.user(http, "gold", "member", GOLD_TIER);
        Session mallory = Wire.user(http, "mallory", "member", 0);
        Session alice = Wire.user(http, "alice", "member", 0);
        long gated = http.createThread(admin, "Gated " + secret, "gold only " + secret, GOLD_TIER).path("id").asLong();
        long open = http.createThread(alice, Wire.unique("Open"), "for all", 0).path("id").asLong();
        Ledger.Moment start = Ledger.nowIncluding(http, gated, open);

        List<WsClient> attacker = new ArrayList<>();
        List<WsClient> control = new ArrayList<>();
        try {
            for (int replica = 0; replica < 2; replica++) {
                attacker.add(Wire.subscribedV2(stack.gateway(replica).wsUri(V2), mallory, open));
                WsClient legacy = WsClient.connect(stack.gateway(replica).wsUri(Wire.threadPath(open)), mallory.token());
                legacy.await(type("subscribed", open), WAIT);
                attacker.add(legacy);
                attacker.add(connected(stack.gateway(replica).wsUri(GLOBAL), mallory));
                control.add(Wire.subscribedV2(stack.gateway(replica).wsUri(V2), gold, gated, open));
                control.add(connected(stack.gateway(replica).wsUri(GLOBAL), gold));
            }
            for (WsClient client : attacker.stream().filter(c -> c.frames().get(0).path("endpoint").asText()
                    .equals("v2")).toList()) {
                client.send(Map.of("type", "subscribe", "thread_id", gated));
                client.await(type("error").and(f -> "forbidden_thread".equals(f.path("code").asText())), WAIT);
            }

            long gatedMessage = http.postMessage(admin, gated, "hello @" + gold.username() + " and @"
                    + mallory.username() + " " + secret).path("id").asLong();
            http.editMessage(admin, gatedMessage, "edited " + secret);
            http.like(gold, gatedMessage);
            http.postMessage(admin, gated, "@everyone in the vault " + secret);
            http.createSubThread(admin, gatedMessage, "Sub " + secret, "nested " + secret);
            long otherGated = http.createThread(admin, "Another " + secret, secret, GOLD_TIER).path("id").asLong();
            long privateMention = http.postMessage(alice, open, "psst @" + gold.username())
                    .path("id").asLong();

            for (WsClient client : control) {
                client.await(type("forum_notification").and(f -> f.path("notification").path("message_id").asLong()
                        == privateMention), WAIT);
                client.await(type("new_thread_created", otherGated), WAIT);
                client.await(type("everyone_mention", gated), WAIT);
            }
            for (WsClient client : control.stream().filter(c -> "v2".equals(c.frames().get(0).path("endpoint")
                    .asText())).toList()) {
                client.await(type("new_sub_thread_created", gated), WAIT);
            }
            // barrier: a later open-thread message reached every attacker socket that watches it
            long barrier = http.postMessage(alice, open, "barrier").path("id").asLong();
            for (WsClient client : attacker) {
                if (!"global".equals(client.frames().get(0).path("endpoint").asText())) {
                    client.await(newMessage(barrier), WAIT);
                }
            }
            Thread.sleep(2000);

            long gatedEvents = Ledger.threadEvents(http, gated, start).size();
            long controlReceived = control.stream().flatMap(c -> c.frames().stream())
                    .filter(f -> f.toString().contains(secret) || f.path("notification").path("message_id").asLong()
                            == privateMention).count();
            List<JsonNode> leakedFrames = attacker.stream().flatMap(c -> c.frames().stream())
                    .filter(f -> f.toString().contains(secret) || f.path("thread_id").asLong() == gated
                            || f.path("thread_id").asLong() == otherGated || PRIVATE.contains(f.path("type").asText()))
                    .toList();
            long leaked = leakedFrames.size();
            JsonNode mallorysNotifications = notifications.call("GET", "/api/forum/notifications?limit=100",
                    mallory.token(), null);
            long leakedRest = mallorysNotifications.toString().contains(secret) ? 1 : 0;
            new Tally("isolation").sent(gatedEvents).received(controlReceived).leaked(leaked + leakedRest)
                    .note("attacker_sockets", attacker.size()).note("control_sockets", control.size()).print();
            assertThat(controlReceived).as("the allowed reader receives the gated events").isPositive();
            assertThat(leakedFrames).as("gated or private frames on the attacker's sockets").isEmpty();
            assertThat(leakedRest).as("attacker's notifications mention the gated thread").isZero();
            assertThatThrownBy(() -> http.call("GET", "/api/forum/threads/" + gated, mallory.token(), null))
                    .hasMessageMatching("(?s).*-> (403|404).*");
        } finally {
            attacker.forEach(WsClient::close);
            control.forEach(WsClient::close);
        }
    }

    @Test
    void craftedRequestsForAForbiddenThreadAreRefusedOnEveryEndpoint() {
        String secret = "SECRET-" + UUID.randomUUID();
        Session mallory = Wire.user(http, "mallory", "member", 0);
        long gated = http.createThread(admin, "Crafted " + secret, secret, GOLD_TIER).path("id").asLong();
        http.postMessage(admin, gated, "inside " + secret);
        String gatedEventId = Ledger.threadEvents(http, gated, 0).get(0).path("event_id").asText();
        int refused = 0;
        for (int replica = 0; replica < 2; replica++) {
            try (WsClient v2 = connected(stack.gateway(replica).wsUri(V2), mallory)) {
                List<Map<String, Object>> crafted = List.of(
                        Map.of("type", "subscribe", "thread_id", gated),
                        Map.of("type", "subscribe", "thread_id", gated, "last_event_id", gatedEventId),
                        Map.of("type", "subscribe", "thread_id", gated, "user_id", 1, "tier_cents", 1_000_000,
                                "role", "admin"));
                for (Map<String, Object> frame : crafted) {
                    v2.send(frame);
                }
                v2.sendRaw("{\"type\":\"subscribe\",\"thread_id\":\"" + gated + "\"}");
                List<JsonNode> errors = v2.awaitCount(type("error"), 4, WAIT);
                refused += errors.size();
                assertThat(errors).extracting(e -> e.path("code").asText())
                        .containsExactlyInAnyOrder("forbidden_thread", "forbidden_thread", "forbidden_thread",
                                "invalid_field");
                try (WsClient staff = Wire.subscribedV2(stack.gateway(replica).wsUri(V2), admin, gated)) {
                    long after = http.postMessage(admin, gated, "after the attempts " + secret).path("id").asLong();
                    staff.await(newMessage(after), WAIT); // this replica has routed it
                }
                assertThat(v2.frames()).noneMatch(f -> f.toString().contains(secret) || f.has("seq"));
            }
            for (String query : List.of("", "?last_event_id=" + gatedEventId)) {
                try (WsClient legacy = WsClient.connect(stack.gateway(replica).wsUri(Wire.threadPath(gated) + query),
                        mallory.token())) {
                    assertThat(legacy.awaitClose(WAIT)).isEqualTo(4503);
                    assertThat(legacy.frames()).noneMatch(f -> f.toString().contains(secret) || f.has("seq"));
                    refused++;
                }
            }
        }
        new Tally("isolation-crafted").sent(12).received(0).leaked(0).note("refused", refused).print();
        assertThat(refused).isEqualTo(12);
    }

    @Test
    void raisingAThreadsTierRevokesTheLiveSubscriptionsOfUsersBelowIt() {
        Session mallory = Wire.user(http, "mallory", "member", 0);
        long thread = http.createThread(admin, Wire.unique("Soon gated"), "open for now", 0).path("id").asLong();
        try (WsClient v2 = Wire.subscribedV2(stack.gateway(1).wsUri(V2), mallory, thread);
             WsClient legacy = WsClient.connect(stack.gateway(0).wsUri(Wire.threadPath(thread)), mallory.token());
             WsClient staff0 = Wire.subscribedV2(stack.gateway(0).wsUri(V2), admin, thread);
             WsClient staff1 = Wire.subscribedV2(stack.gateway(1).wsUri(V2), admin, thread)) {
            legacy.await(type("subscribed", thread), WAIT);
            http.patchThread(admin, thread, Map.of("min_tier_cents", GOLD_TIER));
            v2.await(type("subscription_revoked", thread), WAIT);
            legacy.await(type("subscription_revoked", thread), WAIT);
            long gatedMessage = http.postMessage(admin, thread, "now gated").path("id").asLong();
            staff0.await(newMessage(gatedMessage), WAIT); // both replicas have routed it
            staff1.await(newMessage(gatedMessage), WAIT);
            long after = v2.frames().stream().filter(type("new_message")).count()
                    + legacy.frames().stream().filter(type("new_message")).count();
            new Tally("isolation-tier-raised").sent(1).received(after).leaked(after).print();
            assertThat(after).isZero();
        }
    }

    private static WsClient connected(java.net.URI uri, Session session) {
        WsClient client = WsClient.connect(uri, session.token());
        client.awaitType("connected", WAIT);
        return client;
    }
}

package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/** Attacks of docs/security.md that cross services, against the real processes. */
class SecurityIT extends StackTestBase {

    @Test
    void shouldNotReplayDeletedTextOnResumeThroughAGateway() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        Session admin = http.admin();
        long threadId = http.createThread(alice, "Withdrawn", "start", 0).path("id").asLong();
        String lastEventId;
        try (WsClient first = WsClient.connectSubscribed(stack.gateway(0).wsUri(V2), bob.token(), threadId)) {
            long seen = http.postMessage(alice, threadId, "seen").path("id").asLong();
            lastEventId = first.await(newMessage(seen), WAIT).path("event_id").asText();
        }
        long secret = http.postMessage(alice, threadId, "my secret phone number").path("id").asLong();
        long edited = http.postMessage(alice, threadId, "a draft with a secret").path("id").asLong();
        http.editMessage(alice, edited, "the final text");
        http.deleteMessage(admin, secret);

        try (WsClient resumed = WsClient.connect(stack.gateway(1).wsUri(V2), bob.token())) {
            resumed.subscribe(threadId, lastEventId);
            assertThat(resumed.await(type("subscribed", threadId), WAIT).path("replayed").asInt()).isEqualTo(4);
            List<JsonNode> events = Frames.threadEvents(resumed, threadId);
            assertThat(Frames.types(events))
                    .containsExactly("new_message", "new_message", "message_edited", "messages_deleted");
            JsonNode deleted = events.get(0).path("message");
            assertThat(deleted.path("id").asLong()).isEqualTo(secret);
            assertThat(deleted.path("content").asText()).isEmpty();
            assertThat(deleted.path("content_html").asText()).isEmpty();
            assertThat(deleted.path("is_deleted").asBoolean()).isTrue();
            assertThat(events.get(1).path("message").path("content").asText()).isEqualTo("the final text");
            assertThat(resumed.frames().toString()).doesNotContain("secret");
            System.out.printf("[system] resume after delete/edit: %d events replayed, withdrawn text served 0 times%n",
                    events.size());
        }
    }

    @Test
    void shouldRefuseSubThreadSubscribeAfterParentTierRaised() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        Session admin = http.admin();
        long parent = http.createThread(alice, "Open parent", "start", 0).path("id").asLong();
        long spawnFrom = http.postMessage(alice, parent, "spawn here").path("id").asLong();
        long sub = http.createSubThread(alice, spawnFrom, "Sub", "inside").path("id").asLong();

        try (WsClient watcher = WsClient.connectSubscribed(stack.gateway(0).wsUri(V2), bob.token(), sub)) {
            http.patchThread(admin, parent, Map.of("min_tier_cents", 500));

            JsonNode revoked = watcher.await(type("subscription_revoked", sub), WAIT);
            assertThat(revoked.path("reason").asText()).isEqualTo("access_lost");
            http.postMessage(admin, sub, "staff only now");
            try (WsClient again = WsClient.connect(stack.gateway(1).wsUri(V2), bob.token())) {
                again.subscribe(sub);
                JsonNode refused = again.awaitType("error", WAIT);
                assertThat(refused.path("code").asText()).isEqualTo("forbidden_thread");
            }
            assertThat(watcher.frames().toString()).doesNotContain("staff only now");
            System.out.println("[system] sub-thread after parent tier raised: subscription revoked, resubscribe refused");
        }
    }
}

package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/** Resume with last_event_id: every missed event once, in order, then live; or an explicit resync_required. */
class ResumeIT extends StackTestBase {

    @Test
    void resumeAfterADroppedConnectionReplaysExactlyWhatWasMissed() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Resume", "start", 0).path("id").asLong();
        String lastEventId;
        List<Long> missed;
        try (WsClient watcher = WsClient.connect(stack.gateway(1).wsUri(V2), bob.token())) {
            watcher.subscribe(threadId);
            watcher.await(type("subscribed", threadId), WAIT);
            try (WsClient first = WsClient.connect(stack.gateway(0).wsUri(V2), alice.token())) {
                first.subscribe(threadId);
                first.await(type("subscribed", threadId), WAIT);
                long seen = http.postMessage(bob, threadId, "seen").path("id").asLong();
                lastEventId = first.await(newMessage(seen), WAIT).path("event_id").asText();
                first.abort();
            }
            missed = http.postMessages(bob, threadId, 5, "missed");
            // A post's 201 means committed, not yet numbered by the relay: once the watcher has the last one, all
            // five are in the feed, so the resume below replays them instead of receiving the last ones live.
            watcher.await(newMessage(missed.get(missed.size() - 1)), WAIT);
        }

        try (WsClient resumed = WsClient.connect(stack.gateway(1).wsUri(V2), alice.token())) {
            resumed.subscribe(threadId, lastEventId);
            JsonNode subscribed = resumed.await(type("subscribed", threadId), WAIT);
            assertThat(subscribed.path("replayed").asInt()).isEqualTo(5);
            long live = http.postMessage(bob, threadId, "live").path("id").asLong();
            resumed.await(newMessage(live), WAIT);

            List<JsonNode> events = Frames.threadEvents(resumed, threadId);
            List<Long> expected = new ArrayList<>(missed);
            expected.add(live);
            assertThat(Frames.newMessageIds(events)).containsExactlyElementsOf(expected);
            assertThat(Frames.seqs(events)).isSorted().doesNotHaveDuplicates();
            assertThat(Frames.types(resumed.frames())).containsSubsequence("new_message", "subscribed", "new_message");
        }
    }

    @Test
    void resumeOnTheOtherReplicaAfterSigkillLosesNothing() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Killed gateway", "start", 0).path("id").asLong();
        ServiceProcess doomed = stack.gateway(0);
        try (WsClient onDoomed = WsClient.connect(doomed.wsUri(V2), alice.token());
             WsClient watcher = WsClient.connect(stack.gateway(1).wsUri(V2), bob.token())) {
            onDoomed.subscribe(threadId);
            watcher.subscribe(threadId);
            onDoomed.await(type("subscribed", threadId), WAIT);
            watcher.await(type("subscribed", threadId), WAIT);
            long seen = http.postMessage(bob, threadId, "before the crash").path("id").asLong();
            String lastEventId = onDoomed.await(newMessage(seen), WAIT).path("event_id").asText();

            doomed.kill();
            assertThat(onDoomed.awaitClose(WAIT)).isEqualTo(WsClient.ABNORMAL);
            List<Long> missed = http.postMessages(bob, threadId, 4, "while down");

            try (WsClient resumed = WsClient.connect(stack.gateway(1).wsUri(V2), alice.token())) {
                resumed.subscribe(threadId, lastEventId);
                assertThat(resumed.await(type("subscribed", threadId), WAIT).path("replayed").asInt()).isEqualTo(4);
                assertThat(Frames.newMessageIds(Frames.threadEvents(resumed, threadId))).containsExactlyElementsOf(missed);
            }
            watcher.awaitCount(type("new_message", threadId), 5, WAIT);
        } finally {
            doomed.start().awaitReady(Stack.READY_TIMEOUT);
        }
    }

    @Test
    void unknownLastEventIdGetsResyncRequired() {
        Session alice = http.registerAndLogin(unique("alice"));
        long threadId = http.createThread(alice, "Resync", "start", 0).path("id").asLong();
        try (WsClient client = WsClient.connect(stack.gateway(1).wsUri(V2), alice.token())) {
            client.subscribe(threadId, UUID.randomUUID().toString());
            client.await(type("resync_required", threadId), WAIT);
            assertThat(client.await(type("subscribed", threadId), WAIT).path("replayed").asInt()).isZero();
            long live = http.postMessage(alice, threadId, "after resync").path("id").asLong();
            client.await(newMessage(live), WAIT);
        }
    }

    @Test
    void legacyThreadEndpointResumesFromQueryParameter() {
        Session alice = http.registerAndLogin(unique("alice"));
        long threadId = http.createThread(alice, "Legacy resume", "start", 0).path("id").asLong();
        long seen = http.postMessage(alice, threadId, "seen").path("id").asLong();
        String lastEventId = findEventId(threadId, seen);
        List<Long> missed = http.postMessages(alice, threadId, 3, "missed");
        try (WsClient client = WsClient.connect(
                stack.gateway(0).wsUri("/api/forum/ws/thread/" + threadId + "?last_event_id=" + lastEventId),
                alice.token())) {
            assertThat(client.await(type("subscribed", threadId), WAIT).path("replayed").asInt()).isEqualTo(3);
            assertThat(Frames.newMessageIds(Frames.threadEvents(client, threadId))).containsExactlyElementsOf(missed);
        }
    }

    @Test
    void gracefulShutdownClosesClientsWithServiceRestart() {
        Session alice = http.registerAndLogin(unique("alice"));
        ServiceProcess gateway = stack.gateway(1);
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            client.awaitType("connected", WAIT);
            gateway.stop();
            assertThat(client.awaitClose(WAIT)).isEqualTo(1012);
        } finally {
            gateway.start().awaitReady(Stack.READY_TIMEOUT);
        }
    }


    /** The event id of a message's new_message, once the relay has published it to the feed. */
    private String findEventId(long threadId, long messageId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode event : http.threadEvents(threadId, 0).path("events")) {
                if ("new_message".equals(event.path("type").asText())
                        && event.path("payload").path("message").path("id").asLong() == messageId) {
                    return event.path("event_id").asText();
                }
            }
            ServiceProcess.sleep(100);
        }
        throw new AssertionError("no new_message event for message " + messageId);
    }
}

package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static dev.forum.system.Frames.ofThread;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway replicas: users on different replicas see each other's activity in real time. */
class CrossReplicaDeliveryIT extends StackTestBase {

    @Test
    void usersOnDifferentReplicasReceiveEveryThreadEventOfTheOtherInOrder() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Cross replica", "first post", 0).path("id").asLong();
        try (WsClient a = WsClient.connectSubscribed(stack.gateway(0).wsUri(V2), alice.token(), threadId);
             WsClient b = WsClient.connectSubscribed(stack.gateway(1).wsUri(V2), bob.token(), threadId)) {
            exchangeEveryThreadEvent(alice, bob, threadId, a, b, threadId);
        }
    }

    @Test
    void legacyThreadAndGlobalEndpointsReceiveAcrossReplicas() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Legacy", "first post", 0).path("id").asLong();
        try (WsClient aThread = WsClient.connect(stack.gateway(0).wsUri("/api/forum/ws/thread/" + threadId),
                alice.token());
             WsClient bThread = WsClient.connectWithCookie(
                     stack.gateway(1).wsUri("/api/forum/ws/thread/" + threadId), bob.token());
             WsClient bGlobal = WsClient.connect(stack.gateway(1).wsUri("/api/forum/ws/global"), bob.token())) {
            aThread.await(type("subscribed", threadId), WAIT);
            bThread.await(type("subscribed", threadId), WAIT);
            bGlobal.awaitType("connected", WAIT);

            exchangeEveryThreadEvent(alice, bob, threadId, aThread, bThread, null);

            long newThread = http.createThread(alice, "Announced", "to everyone", 0).path("id").asLong();
            JsonNode announced = bGlobal.await(type("new_thread_created", newThread), WAIT);
            assertThat(announced.path("thread").path("title").asText()).isEqualTo("Announced");
            assertThat(bGlobal.frames()).as("global is not subscribed to threads").noneMatch(ofThread(threadId));
        }
    }

    @Test
    void handshakeWithoutValidSessionIsRefusedBeforeUpgrade() {
        Session carol = http.registerAndLogin(unique("carol"));
        assertThat(WsClient.handshakeStatus(stack.gateway(0).wsUri(V2), null)).isEqualTo(401);
        assertThat(WsClient.handshakeStatus(stack.gateway(0).wsUri(V2), "forged-" + UUID.randomUUID()))
                .isEqualTo(401);
        assertThat(WsClient.handshakeStatus(stack.gateway(1).wsUri(V2), carol.token())).isEqualTo(101);
        http.logout(carol);
        assertThat(WsClient.handshakeStatus(stack.gateway(1).wsUri(V2), carol.token())).isEqualTo(401);
    }

    @Test
    void logoutClosesTheSocketsOfThatSession() {
        Session dave = http.registerAndLogin(unique("dave"));
        try (WsClient socket = WsClient.connect(stack.gateway(1).wsUri(V2), dave.token())) {
            socket.awaitType("connected", WAIT);
            http.logout(dave);
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4501);
        }
    }

    /**
     * Alice (socket a) and Bob (socket b) act on a thread in turn; each action's event must reach the
     * other side. Both must end up with the same outbox events, in seq order. {@code typingThreadId}
     * is null on the legacy thread endpoint (the path names the thread).
     */
    private void exchangeEveryThreadEvent(Session alice, Session bob, long threadId, WsClient a, WsClient b,
            Long typingThreadId) {
        long fromBob = http.postMessage(bob, threadId, "hello from replica 2").path("id").asLong();
        long firstSeq = a.await(newMessage(fromBob), WAIT).path("seq").asLong();
        long fromAlice = http.postMessage(alice, threadId, "hello from replica 1").path("id").asLong();
        b.await(newMessage(fromAlice), WAIT);
        http.editMessage(alice, fromAlice, "edited");
        b.await(type("message_edited", threadId), WAIT);
        http.like(bob, fromAlice);
        a.await(type("message_liked", threadId), WAIT);
        http.unlike(bob, fromAlice);
        a.await(type("message_unliked", threadId), WAIT);
        http.patchThread(alice, threadId, Map.of("title", "Renamed " + threadId));
        b.await(type("thread_updated", threadId), WAIT);
        http.createSubThread(bob, fromAlice, "Side topic", "spawned");
        a.await(type("message_thread_count_updated", threadId), WAIT);
        http.deleteMessage(alice, fromAlice);
        b.await(type("messages_deleted", threadId), WAIT);

        Map<String, Object> typingFrame = typingThreadId == null
                ? Map.of("type", "typing", "is_typing", true)
                : Map.of("type", "typing", "thread_id", typingThreadId, "is_typing", true);
        a.send(typingFrame);
        JsonNode typing = b.await(type("user_typing", threadId), WAIT);
        assertThat(typing.path("user_id").asLong()).isEqualTo(alice.userId());
        assertThat(typing.path("is_typing").asBoolean()).isTrue();

        a.await(type("messages_deleted", threadId), WAIT);
        // From the first action on: the thread's creation broadcast may reach one socket and not the other.
        List<JsonNode> eventsA = Frames.threadEvents(a, threadId).stream()
                .filter(event -> event.path("seq").asLong() >= firstSeq).toList();
        List<JsonNode> eventsB = Frames.threadEvents(b, threadId).stream()
                .filter(event -> event.path("seq").asLong() >= firstSeq).toList();
        assertThat(Frames.types(eventsA)).containsSubsequence("new_message", "new_message", "message_edited",
                "message_liked", "message_unliked", "thread_updated", "message_thread_count_updated",
                "messages_deleted");
        assertThat(Frames.seqs(eventsA)).isSorted().doesNotHaveDuplicates();
        assertThat(Frames.seqs(eventsB)).isEqualTo(Frames.seqs(eventsA));
        assertThat(a.framesOfType("user_typing")).as("no echo of one's own typing").isEmpty();
    }
}

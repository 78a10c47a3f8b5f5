package dev.forum.gateway.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.contract.payload.UserTyping;
import dev.forum.gateway.internal.TokenBucket;
import dev.forum.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the hub reads from payloads (only what it routes on) and what it passes through (everything else). */
class HubPayloadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID EVENT_ID = UUID.fromString("7f6d0c1e-4d0b-4c53-9a43-2f1a1f0f6a11");

    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final Hub hub = new Hub(registry, new ServerFrames(JSON), null,
            new GatewayMetrics(new SimpleMeterRegistry()), JSON);
    private final RecordingSink aliceSink = new RecordingSink();
    private final RecordingSink bobSink = new RecordingSink();

    @Test
    void typingReachesTheThreadsOtherSubscribersNotItsAuthor() {
        subscribeAliceAndBobTo(10);

        hub.route(threadEvent(null, EventPayloads.tree(JSON, new UserTyping(1, "u1", true))));

        assertThat(aliceSink.sent).isEmpty();
        assertThat(bobSink.sent).containsExactly("{\"type\":\"user_typing\",\"event_id\":\"" + EVENT_ID
                + "\",\"thread_id\":10,\"user_id\":1,\"username\":\"u1\",\"is_typing\":true}");
    }

    @Test
    void payloadReachesClientsAsItCameWithFieldsNoRecordKnows() {
        subscribeAliceAndBobTo(10);
        ObjectNode payload = JSON.createObjectNode().put("bench_ns", 42);
        payload.putObject("message").put("id", 88).put("content", "hi").put("added_later", true);

        hub.route(threadEvent(EventType.NEW_MESSAGE, payload));

        assertThat(bobSink.sent).containsExactly("{\"type\":\"new_message\",\"event_id\":\"" + EVENT_ID
                + "\",\"seq\":7,\"thread_id\":10,\"bench_ns\":42,"
                + "\"message\":{\"id\":88,\"content\":\"hi\",\"added_later\":true}}");
    }

    @Test
    void typingWhosePayloadDoesNotReadIsRoutedAsBefore() {
        subscribeAliceAndBobTo(10);
        ObjectNode payload = JSON.createObjectNode().put("username", "u1");

        hub.route(threadEvent(null, payload));

        assertThat(aliceSink.sent).hasSize(1);
        assertThat(bobSink.sent).hasSize(1);
    }

    private void subscribeAliceAndBobTo(long threadId) {
        ClientSession alice = session("c1", 1, aliceSink);
        ClientSession bob = session("c2", 2, bobSink);
        registry.addSession(alice);
        registry.addSession(bob);
        registry.subscribe(alice, threadId, false);
        registry.subscribe(bob, threadId, false);
    }

    /** A thread-10 event: {@code type} null means user_typing (no seq). */
    private static EventEnvelope threadEvent(EventType type, ObjectNode payload) {
        boolean typing = type == null;
        return new EventEnvelope(EVENT_ID, typing ? null : 7L, typing ? EventType.USER_TYPING : type, "thread", "10",
                Audience.THREAD, 10L, null, 0, Instant.now(), payload);
    }

    private static ClientSession session(String id, long userId, RecordingSink sink) {
        return new ClientSession(id, EndpointKind.V2, new CurrentUser(userId, "u" + userId, "U", Role.MEMBER, 0), "t",
                new OutboundWriter(10_000, sink, DeliveryListener.NONE), new TokenBucket(10, 10, System::nanoTime));
    }
}

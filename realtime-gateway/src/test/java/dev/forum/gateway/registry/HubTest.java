package dev.forum.gateway.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.gateway.endpoint.DisconnectCode;
import dev.forum.gateway.internal.TokenBucket;
import dev.forum.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class HubTest {

    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** None of these paths may call forum-api, so the hub gets none. */
    private final Hub hub = new Hub(registry, new ServerFrames(JSON), null, new GatewayMetrics(meters), JSON);

    @Test
    void resyncThreadsTellsEachSubscriptionOfThoseThreadsAndNoOneElse() {
        RecordingSink aliceSink = new RecordingSink();
        RecordingSink bobSink = new RecordingSink();
        RecordingSink carolSink = new RecordingSink();
        ClientSession alice = session("c1", 1, aliceSink);
        ClientSession bob = session("c2", 2, bobSink);
        ClientSession carol = session("c3", 3, carolSink);
        List.of(alice, bob, carol).forEach(registry::addSession);
        registry.subscribe(alice, 10, false);
        registry.subscribe(alice, 11, false);
        registry.subscribe(bob, 10, false);
        registry.subscribe(carol, 11, false);

        hub.resyncThreads(threadId -> threadId == 10);

        assertThat(aliceSink.sent).containsExactly(resync(10));
        assertThat(bobSink.sent).containsExactly(resync(10));
        assertThat(carolSink.sent).isEmpty();
        assertThat(meters.counter("gateway.resyncs").count()).isEqualTo(2);
    }

    @Test
    void resyncThreadsReachesAReplayingSubscriptionAfterItsReplay() {
        RecordingSink sink = new RecordingSink();
        ClientSession alice = session("c1", 1, sink);
        registry.addSession(alice);
        ThreadSubscription replaying = registry.subscribe(alice, 10, true);

        hub.resyncThreads(threadId -> true);
        assertThat(sink.sent).isEmpty();
        replaying.finishReplay(List.of(OutboundWriterTest.frame("subscribed", false)));

        assertThat(sink.sent).containsExactly("subscribed", resync(10));
    }

    /** Suspension / "end all sessions": every socket of the user closes with 4501 without asking forum-api (it may be down). */
    @Test
    void allSessionsRevokedClosesEverySocketOfTheUserWithoutAskingForumApi() {
        RecordingSink aliceTab1 = new RecordingSink();
        RecordingSink aliceTab2 = new RecordingSink();
        RecordingSink bobSink = new RecordingSink();
        List.of(session("c1", 1, aliceTab1), session("c2", 1, aliceTab2), session("c3", 2, bobSink))
                .forEach(registry::addSession);
        ObjectNode payload = JSON.createObjectNode().put("user_id", 1).put("all_sessions", true).put("reason", "suspended");

        hub.route(new EventEnvelope(UUID.randomUUID(), 9L, EventType.SESSION_REVOKED, "user", "1", Audience.INTERNAL,
                null, null, null, Instant.now(), payload));

        assertThat(aliceTab1.closeCode).isEqualTo(DisconnectCode.SESSION_REVOKED.code());
        assertThat(aliceTab2.closeCode).isEqualTo(DisconnectCode.SESSION_REVOKED.code());
        assertThat(bobSink.closeCode).isNull();
    }

    private static String resync(long threadId) {
        return "{\"type\":\"resync_required\",\"thread_id\":" + threadId + "}";
    }

    private static ClientSession session(String id, long userId, RecordingSink sink) {
        return new ClientSession(id, EndpointKind.V2, new CurrentUser(userId, "u" + userId, "U", Role.MEMBER, 0), "t",
                new OutboundWriter(10_000, sink, DeliveryListener.NONE), new TokenBucket(10, 10, System::nanoTime));
    }
}

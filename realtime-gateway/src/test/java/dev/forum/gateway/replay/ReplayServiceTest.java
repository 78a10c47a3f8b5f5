package dev.forum.gateway.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Audience;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.gateway.client.FakeForumApiClient;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.internal.TokenBucket;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.DeliveryListener;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.FrameSink;
import dev.forum.gateway.registry.Hub;
import dev.forum.gateway.registry.OutboundWriter;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.TestClients;
import dev.forum.gateway.registry.ThreadSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resume replays against a forum-api stand-in that holds the event look-up back, so the single replay
 * worker stays busy for as long as the test needs: the bounded queue and cancellation, without timing.
 */
class ReplayServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID LAST_EVENT_ID = UUID.randomUUID();

    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final ServerFrames frames = new ServerFrames(JSON);
    private final ReplayService replays = new ReplayService(
            new ForumApi(TestGatewayConfig.of(Map.of("forumApi.timeout", Duration.ofSeconds(5), "forumApi.internalToken", "internal",
                    "access.cacheTtl", Duration.ofSeconds(1), "auth.negativeCacheTtl", Duration.ofSeconds(30))),
                    forumApiClient, new SessionLookup(forumApiClient, Duration.ofSeconds(5))),
            frames, new Hub(registry, frames, null, new GatewayMetrics(meters), JSON), new GatewayMetrics(meters),
            TestGatewayConfig.of(Map.of("feed.pageSize", 100, "replay.threads", 1, "replay.queueCapacity", 1,
                    "events.shardCount", TestClients.SHARDS)));

    @AfterEach
    void stopWorkers() {
        replays.onStop(null);
    }

    @Test
    void whenTheReplayQueueIsFullTheClientGetsResyncRequiredAtOnce() {
        // Threads of one shard: the one look-up answer is a position in each one's stream.
        Client running = client("c1", 10);
        Client queued = client("c2", 26);
        Client refused = client("c3", 42);

        running.resume();
        await().until(() -> forumApiClient.eventCalls.get() == 1);
        queued.resume();
        refused.resume();

        assertThat(refused.sent).containsExactly(resync(42), subscribed(42));
        assertThat(running.sent).isEmpty();
        assertThat(queued.sent).isEmpty();
        assertThat(meters.counter("gateway.drops", "reason", "replay_queue_full").count()).isEqualTo(1);

        forumApiClient.eventAnswer.complete(event(5, 10));
        await().until(() -> running.sent.equals(List.of(subscribed(10))) && queued.sent.equals(List.of(subscribed(26))));
    }

    @Test
    void aReplayStopsWhenItsSubscriptionEndsByUnsubscribeOrDisconnect() {
        Client unsubscribing = client("c1", 10);
        Client disconnecting = client("c2", 26);

        unsubscribing.resume();
        await().until(() -> forumApiClient.eventCalls.get() == 1);
        disconnecting.resume();
        registry.unsubscribe(unsubscribing.session, 10);
        disconnecting.session.writer().discard();
        registry.removeSession(disconnecting.session);
        forumApiClient.eventAnswer.complete(event(5, 10));

        await().until(() -> meters.counter("gateway.drops", "reason", "replay_cancelled").count() == 2);
        assertThat(forumApiClient.eventCalls.get()).as("the queued replay never asked forum-api").isEqualTo(1);
        assertThat(forumApiClient.eventsCalls.get()).as("no feed page fetched for ended subscriptions").isZero();
        assertThat(unsubscribing.sent).isEmpty();
        assertThat(disconnecting.sent).isEmpty();
    }

    private Client client(String connectionId, long threadId) {
        Client client = new Client(threadId);
        client.session = new ClientSession(connectionId, EndpointKind.V2, new CurrentUser(1, "u1", "U", Role.MEMBER, 0),
                "t", new OutboundWriter(10_000, client, DeliveryListener.NONE), new TokenBucket(10, 10, System::nanoTime));
        registry.addSession(client.session);
        client.subscription = registry.subscribe(client.session, threadId, true);
        return client;
    }

    private final class Client implements FrameSink {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final long threadId;
        ClientSession session;
        ThreadSubscription subscription;

        Client(long threadId) {
            this.threadId = threadId;
        }

        void resume() {
            replays.resume(session, subscription, LAST_EVENT_ID);
        }

        @Override
        public boolean write(byte[] utf8) {
            sent.add(new String(utf8, StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void drainHandler(Runnable drained) {
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    private static EventEnvelope event(long seq, long threadId) {
        return new EventEnvelope(LAST_EVENT_ID, TestClients.EPOCH, TestClients.shardOf(threadId), seq,
                EventType.NEW_MESSAGE, null, "message", "1", Audience.THREAD, threadId, 1L, 0, Instant.now(),
                JSON.createObjectNode());
    }

    private static String resync(long threadId) {
        return "{\"type\":\"resync_required\",\"thread_id\":" + threadId + "}";
    }

    private String subscribed(long threadId) {
        return new String(frames.subscribed(threadId, 0).utf8(), StandardCharsets.UTF_8);
    }
}

package dev.forum.gateway.replay;

import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.gateway.client.FakeForumApiClient;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.Hub;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.TestClients;
import dev.forum.gateway.registry.TestClients.Client;
import dev.forum.gateway.registry.ThreadSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.ws.rs.WebApplicationException;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resume: the live subscription is registered first (live events are held), the missed events are replayed from
 * forum-api's feed (an in-memory stand-in), and the held live events the replay already covered are dropped: the
 * client gets every event once, in order, whichever way it came.
 */
class ResumeReplayTest {

    private static final long THREAD = 10;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final GatewayConfig config = TestGatewayConfig.of(Map.of("forumApi.timeout", Duration.ofSeconds(5),
            "forumApi.internalToken", "internal", "access.cacheTtl", Duration.ofSeconds(1),
            "auth.negativeCacheTtl", Duration.ofSeconds(1), "feed.pageSize", 2, "replay.threads", 1,
            "replay.queueCapacity", 10, "events.shardCount", TestClients.SHARDS));
    private final ForumApi forumApi = new ForumApi(config, forumApiClient,
            new SessionLookup(forumApiClient, Duration.ofSeconds(5)));
    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final ServerFrames frames = new ServerFrames(JSON);
    private final GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
    private final Hub hub = new Hub(registry, frames, forumApi, metrics, JSON);
    private final ReplayService replays = new ReplayService(forumApi, frames, hub, metrics, config);
    private final Client client = connect(registry, "c1", 1, Role.MEMBER, 0);

    @AfterEach
    void stopWorkers() {
        replays.onStop(null);
    }

    @Test
    void resumeReplaysWhatWasMissedThenReleasesOnlyTheLiveEventsBeyondIt() {
        EventEnvelope last = published(4);
        published(5);
        published(6);
        published(7);
        forumApiClient.feed.remove(last); // the look-up of the last event waits until the test answers it
        ThreadSubscription subscription = registry.subscribe(client.session(), THREAD, true);
        replays.resume(client.session(), subscription, last.eventId());
        await().atMost(WAIT).until(() -> forumApiClient.eventCalls.get() == 1);

        hub.route(forumApiClient.feed.get(1)); // 6, live while replaying: held
        hub.route(forumApiClient.feed.get(2)); // 7
        EventEnvelope eight = published(8);
        hub.route(eight);
        assertThat(client.sent()).as("nothing before the replay").isEmpty();
        forumApiClient.feed.remove(eight); // the replay's pages end at 7: 8 comes only live
        forumApiClient.eventAnswer.complete(last);

        await().atMost(WAIT).until(() -> !subscription.isReplaying());
        assertThat(client.seqs()).containsExactly(5L, 6L, 7L, 8L);
        assertThat(client.types()).containsExactly("new_message", "new_message", "new_message", "subscribed",
                "new_message");
        hub.route(published(9));
        assertThat(client.seqs()).containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void resumeFromAnEventTheFeedNoLongerKnowsIsResyncRequired() {
        ThreadSubscription subscription = registry.subscribe(client.session(), THREAD, true);
        hub.route(published(5));
        forumApiClient.eventAnswer.completeExceptionally(new WebApplicationException(404));

        replays.resume(client.session(), subscription, UUID.randomUUID());

        await().atMost(WAIT).until(() -> !subscription.isReplaying());
        assertThat(client.types()).containsExactly("resync_required", "subscribed", "new_message");
    }

    @Test
    void resumeFromAnEventOfTheLegacyGlobalStreamIsResyncRequired() {
        published(5);
        EventEnvelope legacy = new EventEnvelope(UUID.randomUUID(), 4L, EventType.NEW_MESSAGE, "thread",
                Long.toString(THREAD), Audience.THREAD, THREAD, null, 0, Instant.now(), JSON.createObjectNode());
        forumApiClient.feed.add(legacy);

        assertResumeFrom(legacy).containsExactly("resync_required", "subscribed");
        assertThat(forumApiClient.eventsCalls.get()).as("no page of any stream read").isZero();
    }

    @Test
    void resumeFromAnEventOfAnotherShardEpochIsResyncRequired() {
        EventEnvelope before = published(4);
        published(5);
        forumApiClient.shardEpoch = 2; // forum-api changed the shard count: it still serves epoch 1 to its end

        assertResumeFrom(before).containsExactly("resync_required", "subscribed");
        assertThat(forumApiClient.eventsCalls.get()).as("the old epoch's page was read, then refused").isEqualTo(1);
    }

    @Test
    void resumeFromAnEventOfAnotherShardIsResyncRequired() {
        published(5);
        EventEnvelope otherShard = newMessage(4, THREAD + 1, 0);
        forumApiClient.feed.add(otherShard);

        assertResumeFrom(otherShard).containsExactly("resync_required", "subscribed");
        assertThat(forumApiClient.eventsCalls.get()).isZero();
    }

    @Test
    void resumeFromAPurgedPositionIsResyncRequired() {
        EventEnvelope before = published(4);
        published(5);
        forumApiClient.feedPurged = true;

        assertResumeFrom(before).containsExactly("resync_required", "subscribed");
    }

    private ListAssert<String> assertResumeFrom(EventEnvelope last) {
        ThreadSubscription subscription = registry.subscribe(client.session(), THREAD, true);
        replays.resume(client.session(), subscription, last.eventId());
        await().atMost(WAIT).until(() -> !subscription.isReplaying());
        return assertThat(client.types());
    }

    private EventEnvelope published(long seq) {
        EventEnvelope event = newMessage(seq, THREAD, 0);
        forumApiClient.feed.add(event);
        return event;
    }
}

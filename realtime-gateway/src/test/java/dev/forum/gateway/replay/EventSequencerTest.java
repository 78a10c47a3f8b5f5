package dev.forum.gateway.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventShards;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.gateway.client.FakeForumApiClient;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.EventSource;
import dev.forum.gateway.registry.Hub;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.TestClients;
import dev.forum.gateway.registry.TestClients.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static dev.forum.gateway.registry.TestClients.shardOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sequencer between Redis and the hub, per shard stream: events reach a subscriber once each, in seq order
 * within their shard, whether they came from pub/sub or from forum-api's feed (an in-memory stand-in holding the
 * published events of every shard); a gap is filled from the feed before the newer event, or announced with
 * {@code resync_required} to that shard's threads when the feed lost it; a shard whose subscription is not live is
 * polled; a new shard epoch restarts every stream.
 */
class EventSequencerTest {

    /** Two threads in different shards. */
    private static final long THREAD = 10;
    private static final long OTHER_THREAD = 11;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final GatewayConfig config = TestGatewayConfig.of(Map.of("forumApi.timeout", Duration.ofSeconds(5),
            "forumApi.internalToken", "internal", "access.cacheTtl", Duration.ofSeconds(1),
            "auth.negativeCacheTtl", Duration.ofSeconds(1), "feed.pageSize", 2, "feed.handoffCapacity", 1000,
            "feed.pollInterval", Duration.ofMillis(50), "events.shardCount", TestClients.SHARDS));
    private final ForumApi forumApi = new ForumApi(config, forumApiClient,
            new SessionLookup(forumApiClient, Duration.ofSeconds(5)));
    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final GatewayMetrics metrics = new GatewayMetrics(meters);
    private final Hub hub = new Hub(registry, new ServerFrames(JSON), forumApi, metrics, JSON);
    private final Vertx vertx = Vertx.vertx();
    private final EventSequencer sequencer = new EventSequencer(hub, forumApi, JSON, metrics, vertx, config);
    private final Client reader = connect(registry, "c1", 1, Role.MEMBER, 0);
    private final Client otherReader = connect(registry, "c2", 2, Role.MEMBER, 0);

    @BeforeEach
    void startWithALiveForumShard() {
        sequencer.start();
        sequencer.shardLive(EventShards.FORUM);
    }

    @AfterEach
    void stop() {
        sequencer.stop();
        vertx.close();
    }

    @Test
    void submitDeliversEachShardsEventsInItsOwnSeqOrder() {
        watchLive(reader, THREAD, 4);
        watchLive(otherReader, OTHER_THREAD, 0);

        fromRedis(event(THREAD, 5), event(OTHER_THREAD, 1), event(THREAD, 6), event(OTHER_THREAD, 2),
                event(THREAD, 7));

        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 7
                && sequencer.lastSeq(shardOf(OTHER_THREAD)) == 2);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L);
        assertThat(otherReader.seqs()).containsExactly(1L, 2L);
        assertThat(meters.counter("gateway.seq.gap.events").count()).isZero();
        assertThat(meters.counter("gateway.events.received", "source", "pubsub").count()).isEqualTo(5);
    }

    @Test
    void submitDropsWhatWasAlreadyDeliveredInTheSameShardOnly() {
        watchLive(reader, THREAD, 4);
        watchLive(otherReader, OTHER_THREAD, 4);
        EventEnvelope five = event(THREAD, 5);

        fromRedis(five, five, event(THREAD, 6), five, event(THREAD, 4), event(OTHER_THREAD, 5));

        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(OTHER_THREAD)) == 5);
        assertThat(reader.seqs()).containsExactly(5L, 6L);
        assertThat(otherReader.seqs()).as("seq 5 of another shard is not a duplicate").containsExactly(5L);
    }

    @Test
    void submitFillsAGapFromThatShardsFeedBeforeTheNewerEvent() {
        watchLive(reader, THREAD, 4);
        watchLive(otherReader, OTHER_THREAD, 4);
        published(THREAD, 5, 6, 7, 8, 9);
        published(OTHER_THREAD, 5, 6);
        forumApiClient.shardsAsked.clear();

        fromRedis(event(THREAD, 5), event(THREAD, 9));

        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 9);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(otherReader.seqs()).as("the other shard had no gap: nothing of it fetched").isEmpty();
        assertThat(forumApiClient.shardsAsked).containsOnly(shardOf(THREAD));
        assertThat(meters.counter("gateway.seq.gap.events").count()).isEqualTo(3);
        assertThat(meters.counter("gateway.events.received", "source", "feed").count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aGapTheFeedLostSendsResyncRequiredToThatShardsThreadsOnlyThenGoesOn() {
        watchLive(reader, THREAD, 4);
        watchLive(otherReader, OTHER_THREAD, 4);
        forumApiClient.feedPurged = true;

        fromRedis(event(THREAD, 5), event(THREAD, 8), event(THREAD, 9), event(OTHER_THREAD, 5));

        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(OTHER_THREAD)) == 5);
        assertThat(reader.types()).containsExactly("new_message", "resync_required", "new_message", "new_message");
        assertThat(reader.seqs()).containsExactly(5L, 8L, 9L);
        assertThat(otherReader.types()).containsExactly("new_message");
        assertThat(meters.counter("gateway.drops", "reason", "gap_unfilled").count()).isEqualTo(1);
    }

    @Test
    void aShardWhoseSubscriptionIsNotLiveIsPolledAndPubSubTakesOverWithoutDuplicatesOrReordering() {
        watchLive(reader, THREAD, 4);
        sequencer.shardLost(shardOf(THREAD));
        published(THREAD, 5);
        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 5);
        assertThat(sequencer.polledShards()).isEqualTo(1);

        published(THREAD, 6);
        sequencer.shardLive(shardOf(THREAD)); // catches up from the feed: 6
        fromRedis(event(THREAD, 5), event(THREAD, 6));
        fromRedis(published(THREAD, 7));
        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 7);
        sequencer.brokerDown();
        published(THREAD, 8, 9);
        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 9);
        fromRedis(event(THREAD, 9), published(THREAD, 10));
        sequencer.shardLive(shardOf(THREAD));

        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 10);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(meters.counter("gateway.feed.polled.events").count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyPolledShardIsReadInOneFeedRequest() {
        watchLive(reader, THREAD, 4);
        watchLive(otherReader, OTHER_THREAD, 7);
        sequencer.brokerDown();
        await().atMost(WAIT).until(() -> sequencer.polledShards() == 3);
        int before = forumApiClient.positionRequests.size();

        published(THREAD, 5);
        published(OTHER_THREAD, 8);

        await().atMost(WAIT).until(() -> reader.seqs().equals(List.of(5L)) && otherReader.seqs().equals(List.of(8L)));
        List<Set<Integer>> polls = forumApiClient.positionRequests.subList(before,
                forumApiClient.positionRequests.size());
        assertThat(polls).isNotEmpty().allMatch(
                shards -> shards.equals(Set.of(EventShards.FORUM, shardOf(THREAD), shardOf(OTHER_THREAD))));
    }

    @Test
    void whenTrackedRunsOnceTheStreamStartsAtTheFeedsHeadSoNothingCommittedLaterIsSkipped() {
        forumApiClient.heads.put(shardOf(THREAD), 4L);
        AtomicLong positionWhenReady = new AtomicLong(-2);
        registry.subscribe(reader.session(), THREAD, false);
        sequencer.track(shardOf(THREAD));
        sequencer.whenTracked(shardOf(THREAD), () -> positionWhenReady.set(sequencer.lastSeq(shardOf(THREAD))));
        await().atMost(WAIT).until(() -> positionWhenReady.get() == 4);

        // Committed after the subscription was ready, published before the shard's subscription is confirmed.
        published(THREAD, 5);
        sequencer.shardLive(shardOf(THREAD));
        fromRedis(published(THREAD, 6));

        await().atMost(WAIT).until(() -> reader.seqs().size() == 2);
        assertThat(reader.seqs()).containsExactly(5L, 6L);
    }

    @Test
    void anUntrackedShardsEventsAreNotDelivered() {
        watchLive(reader, THREAD, 4);
        registry.subscribe(otherReader.session(), OTHER_THREAD, false); // subscribed, but its shard is not joined yet
        forumApiClient.heads.put(shardOf(OTHER_THREAD), 1L);

        fromRedis(event(OTHER_THREAD, 1), event(THREAD, 5));
        sequencer.untrack(shardOf(THREAD));
        fromRedis(event(THREAD, 6));
        sequencer.track(shardOf(OTHER_THREAD));
        fromRedis(event(OTHER_THREAD, 2));

        await().atMost(WAIT).until(() -> otherReader.seqs().size() == 1);
        assertThat(reader.seqs()).containsExactly(5L);
        assertThat(otherReader.seqs()).containsExactly(2L);
        assertThat(sequencer.lastSeq(shardOf(THREAD))).isEqualTo(-1);
    }

    @Test
    void aNewShardEpochRestartsEveryStreamAtItsHeadAndTellsEveryThreadSubscriptionResyncRequired() {
        watchLive(reader, THREAD, 4);
        watchLive(otherReader, OTHER_THREAD, 9);
        fromRedis(published(THREAD, 5));
        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 5);

        forumApiClient.shardEpoch = 2; // the shard count changed: epoch 2's streams start at 1
        forumApiClient.feed.clear();
        forumApiClient.heads.clear();
        fromRedis(published(2, THREAD, 1), newMessage(1, 6, THREAD, 0));
        await().atMost(WAIT).until(() -> meters.counter("gateway.drops", "reason", "stale_epoch").count() == 1);
        fromRedis(published(2, THREAD, 2), published(2, OTHER_THREAD, 1));

        await().atMost(WAIT).until(() -> otherReader.seqs().size() == 1 && reader.seqs().size() == 2);
        assertThat(sequencer.shardEpoch()).isEqualTo(2);
        assertThat(reader.types()).containsExactly("new_message", "resync_required", "new_message");
        assertThat(reader.seqs()).as("epoch 2 starts at its head (1); 6 of epoch 1 is stale").containsExactly(5L, 2L);
        assertThat(otherReader.types()).containsExactly("resync_required", "new_message");
    }

    @Test
    void aShardFirstTrackedAfterTheEpochChangedStartsAtTheNewEpochsHeadNotTheOldOnes() {
        watchLive(reader, THREAD, 4);
        published(1, OTHER_THREAD, 9); // epoch 1's head of the other shard, which forum-api still serves
        forumApiClient.shardEpoch = 2;

        registry.subscribe(otherReader.session(), OTHER_THREAD, false);
        sequencer.track(shardOf(OTHER_THREAD));
        sequencer.shardLive(shardOf(OTHER_THREAD));
        List<Boolean> ready = new CopyOnWriteArrayList<>();
        sequencer.whenTracked(shardOf(OTHER_THREAD), () -> ready.add(true));
        await().atMost(WAIT).until(() -> !ready.isEmpty());
        fromRedis(published(2, OTHER_THREAD, 1));

        await().atMost(WAIT).until(() -> otherReader.seqs().contains(1L));
        assertThat(sequencer.shardEpoch()).isEqualTo(2);
        assertThat(sequencer.lastSeq(shardOf(OTHER_THREAD))).isEqualTo(1);
    }

    @Test
    void submitDropsAnEventItsChannelMayNotCarry() {
        watchLive(reader, THREAD, 4);
        EventEnvelope legacy = new EventEnvelope(UUID.randomUUID(), 5L, EventType.NEW_MESSAGE, "thread", "10",
                Audience.THREAD, THREAD, null, 0, Instant.now(), JSON.createObjectNode());

        sequencer.submit(json(legacy), EventSource.OUTBOX, shardOf(THREAD));
        sequencer.submit(json(event(THREAD, 5)), EventSource.TYPING);
        sequencer.submit(json(event(THREAD, 5)), EventSource.OUTBOX, shardOf(OTHER_THREAD));
        fromRedis(event(THREAD, 5));

        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 5);
        assertThat(reader.seqs()).containsExactly(5L);
        assertThat(meters.counter("gateway.drops", "reason", "missing_shard").count()).isEqualTo(1);
        assertThat(meters.counter("gateway.drops", "reason", "not_allowed_on_channel").count()).isEqualTo(1);
        assertThat(meters.counter("gateway.drops", "reason", "wrong_shard").count()).isEqualTo(1);
    }

    /** The client subscribed to the thread; its shard is tracked from {@code head} and its subscription is live. */
    private void watchLive(Client client, long threadId, long head) {
        int shard = shardOf(threadId);
        forumApiClient.heads.put(shard, head);
        registry.subscribe(client.session(), threadId, false);
        sequencer.track(shard);
        sequencer.shardLive(shard);
        List<Boolean> ready = new CopyOnWriteArrayList<>();
        sequencer.whenTracked(shard, () -> ready.add(true));
        await().atMost(WAIT).until(() -> !ready.isEmpty() && sequencer.lastSeq(shard) == head);
    }

    private EventEnvelope published(long threadId, long... seqs) {
        EventEnvelope last = null;
        for (long seq : seqs) {
            last = event(threadId, seq);
            forumApiClient.feed.add(last);
        }
        return last;
    }

    private EventEnvelope published(int epoch, long threadId, long seq) {
        EventEnvelope event = newMessage(epoch, seq, threadId, 0);
        forumApiClient.feed.add(event);
        return event;
    }

    /** The published event of this thread's shard with this seq (the same id), or a new one. */
    private EventEnvelope event(long threadId, long seq) {
        return forumApiClient.feed.stream()
                .filter(e -> e.shard() == shardOf(threadId) && e.seq() == seq && e.shardEpoch() == TestClients.EPOCH)
                .findFirst().orElse(newMessage(seq, threadId, 0));
    }

    private void fromRedis(EventEnvelope... events) {
        for (EventEnvelope event : events) {
            sequencer.submit(json(event), EventSource.OUTBOX, event.shard());
        }
    }

    private static String json(EventEnvelope envelope) {
        try {
            return JSON.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

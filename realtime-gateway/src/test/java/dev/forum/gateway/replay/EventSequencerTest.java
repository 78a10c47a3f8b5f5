package dev.forum.gateway.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
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
import dev.forum.gateway.registry.TestClients.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sequencer between Redis and the hub: events reach a subscriber once each, in seq order, whether they came
 * from pub/sub or from forum-api's feed (an in-memory stand-in holding the published events), and a gap is filled
 * from the feed before the newer event, or announced with {@code resync_required} when the feed lost it.
 */
class EventSequencerTest {

    private static final long THREAD = 10;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final GatewayConfig config = TestGatewayConfig.of(Map.of("forumApi.timeout", Duration.ofSeconds(5),
            "forumApi.internalToken", "internal", "access.cacheTtl", Duration.ofSeconds(1),
            "auth.negativeCacheTtl", Duration.ofSeconds(1), "feed.pageSize", 2, "feed.handoffCapacity", 1000,
            "feed.pollInterval", Duration.ofMillis(50)));
    private final ForumApi forumApi = new ForumApi(config, forumApiClient,
            new SessionLookup(forumApiClient, Duration.ofSeconds(5)));
    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final GatewayMetrics metrics = new GatewayMetrics(meters);
    private final Hub hub = new Hub(registry, new ServerFrames(JSON), forumApi, metrics, JSON);
    private final Vertx vertx = Vertx.vertx();
    private final EventSequencer sequencer = new EventSequencer(hub, forumApi, JSON, metrics, vertx, config);
    private final Client reader = connect(registry, "c1", 1, Role.MEMBER, 0);

    @AfterEach
    void stop() {
        sequencer.onStop(null);
        vertx.close();
    }

    @Test
    void submitDeliversOutboxEventsInSeqOrder() {
        startAfterHead(4);

        fromRedis(5, 6, 7);

        await().atMost(WAIT).until(() -> reader.seqs().size() == 3);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L);
    }

    @Test
    void submitDropsWhatWasAlreadyDelivered() {
        startAfterHead(4);

        fromRedis(5, 5, 6, 5, 4, 7);

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 7);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L);
    }

    @Test
    void submitFillsAGapFromTheFeedBeforeTheNewerEvent() {
        startAfterHead(4);
        published(5, 6, 7, 8, 9);

        fromRedis(5, 9);

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 9);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(meters.counter("gateway.seq.gap.events").count()).isEqualTo(3);
    }

    @Test
    void everyOutboxEventHeardOnPubSubIsCountedDuplicatesIncluded() {
        startAfterHead(4);

        fromRedis(5, 5, 6);
        sequencer.submit(json(newMessage(7, THREAD, 0)), EventSource.TYPING);

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 6);
        assertThat(meters.counter("gateway.events.received", "source", "pubsub").count()).isEqualTo(3);
    }

    @Test
    void eventsReadFromTheFeedAreCountedApartFromPubSub() {
        startAfterHead(4);
        published(5, 6, 7, 8);

        fromRedis(5, 8);

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 8);
        assertThat(meters.counter("gateway.events.received", "source", "feed").count()).isEqualTo(2);
        assertThat(meters.counter("gateway.events.received", "source", "pubsub").count()).isEqualTo(2);
    }

    @Test
    void submitAfterAGapTheFeedLostSendsResyncRequiredThenGoesOn() {
        startAfterHead(4);
        forumApiClient.feedPurged = true;

        fromRedis(5, 8, 9);

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 9);
        assertThat(reader.types()).containsExactly("new_message", "resync_required", "new_message", "new_message");
        assertThat(reader.seqs()).containsExactly(5L, 8L, 9L);
    }

    @Test
    void whileRedisIsDownTheFeedDeliversAndPubSubTakesOverWithoutDuplicatesOrReordering() {
        published(1, 2, 3, 4);
        sequencer.onStart(null); // starts after the feed's head (4), polling: Redis is not up yet
        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 4);
        registry.subscribe(reader.session(), THREAD, false);

        published(5);
        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 5);
        published(6);
        sequencer.brokerUp(); // catches up from the feed: 6
        fromRedis(5, 6, 7);
        published(7);
        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 7);
        sequencer.brokerDown();
        published(8, 9);
        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 9);
        published(10);
        fromRedis(9, 10);
        sequencer.brokerUp();

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 10);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void submitDropsAnEventItsChannelMayNotCarry() {
        startAfterHead(4);
        EventEnvelope unnumbered = new EventEnvelope(UUID.randomUUID(), null, EventType.NEW_MESSAGE, "thread", "10",
                Audience.THREAD, THREAD, null, 0, Instant.now(), JSON.createObjectNode());

        sequencer.submit(json(unnumbered), EventSource.OUTBOX);
        sequencer.submit(json(newMessage(5, THREAD, 0)), EventSource.TYPING);
        fromRedis(5);

        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 5);
        assertThat(reader.seqs()).containsExactly(5L);
        assertThat(meters.counter("gateway.drops", "reason", "missing_seq").count()).isEqualTo(1);
        assertThat(meters.counter("gateway.drops", "reason", "not_allowed_on_channel").count()).isEqualTo(1);
    }

    /** The gateway learned the feed's head (it starts delivering after it); the reader subscribed to the thread. */
    private void startAfterHead(long head) {
        forumApiClient.eventsAnswer = new EventPage(List.of(), head, 1, false);
        sequencer.brokerUp();
        await().atMost(WAIT).until(() -> sequencer.lastSeq() == head);
        registry.subscribe(reader.session(), THREAD, false);
    }

    private void published(long... seqs) {
        for (long seq : seqs) {
            forumApiClient.feed.add(newMessage(seq, THREAD, 0));
        }
    }

    private void fromRedis(long... seqs) {
        for (long seq : seqs) {
            EventEnvelope published = forumApiClient.feed.stream().filter(e -> e.seq() == seq).findFirst()
                    .orElse(newMessage(seq, THREAD, 0));
            sequencer.submit(json(published), EventSource.OUTBOX);
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

package dev.forum.gateway.redis;

import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.Role;
import dev.forum.gateway.client.FakeForumApiClient;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.Hub;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.TestClients.Client;
import dev.forum.gateway.replay.EventSequencer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker on the real Redis (127.0.0.1:6379, a namespace of its own): events published on the shards reach the
 * sequencer, and when its subscriber connection is killed (CLIENT KILL of that one connection, by name) it goes
 * down, connects again, resubscribes and delivers again, the events published meanwhile caught up from the feed
 * (an in-memory stand-in for forum-api).
 */
class RedisBrokerTest {

    private static final long THREAD = 10;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String REDIS_URL = System.getenv().getOrDefault("GATEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final String namespace = "gw_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Channels channels = new Channels(namespace, 16);
    private final GatewayConfig config = TestGatewayConfig.of(Map.ofEntries(
            Map.entry("forumApi.timeout", Duration.ofSeconds(5)), Map.entry("forumApi.internalToken", "internal"),
            Map.entry("access.cacheTtl", Duration.ofSeconds(1)), Map.entry("auth.negativeCacheTtl", Duration.ofSeconds(1)),
            Map.entry("feed.pageSize", 100), Map.entry("feed.handoffCapacity", 1000),
            Map.entry("feed.pollInterval", Duration.ofMinutes(10)), Map.entry("redis.url", REDIS_URL),
            Map.entry("redis.pingInterval", Duration.ofSeconds(1)), Map.entry("redis.reconnectDelay", Duration.ofSeconds(1)),
            Map.entry("redis.heartbeatInterval", Duration.ofSeconds(1)),
            Map.entry("redis.heartbeatTimeout", Duration.ofSeconds(10))));
    private final Vertx vertx = Vertx.vertx();
    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final ForumApi forumApi = new ForumApi(config, forumApiClient,
            new SessionLookup(forumApiClient, Duration.ofSeconds(5)));
    private final SubscriptionRegistry registry = new SubscriptionRegistry(8);
    private final GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
    private final Hub hub = new Hub(registry, new ServerFrames(JSON), forumApi, metrics, JSON);
    private final EventSequencer sequencer = new EventSequencer(hub, forumApi, JSON, metrics, vertx, config);
    private final RedisBroker broker = new RedisBroker(vertx, channels, sequencer, metrics, config);
    private final Client reader = connect(registry, "c1", 1, Role.MEMBER, 0);
    private Redis redis;

    @BeforeEach
    void start() {
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(REDIS_URL));
        forumApiClient.eventsAnswer = new EventPage(List.of(), 4, 1, false);
        registry.subscribe(reader.session(), THREAD, false);
        broker.onStart(null);
        await().atMost(WAIT).until(() -> broker.isUp() && sequencer.lastSeq() == 4);
    }

    @AfterEach
    void stop() {
        broker.onStop(null);
        redis.close();
        vertx.close();
    }

    @Test
    void publishedOutboxEventsReachTheSubscribersInOrder() {
        publish(5);
        publish(6);

        await().atMost(WAIT).until(() -> reader.seqs().size() == 2);
        assertThat(reader.seqs()).containsExactly(5L, 6L);
    }

    @Test
    void aKilledSubscriberConnectionIsResubscribedAndWhatWasPublishedMeanwhileIsCaughtUp() {
        publish(5);
        await().atMost(WAIT).until(() -> reader.seqs().size() == 1);

        killSubscriberConnection();
        await().atMost(WAIT).until(() -> !broker.isUp());
        EventEnvelope missed = newMessage(6, THREAD, 0);
        forumApiClient.feed.add(newMessage(5, THREAD, 0));
        forumApiClient.feed.add(missed);
        publish(missed); // nobody subscribed: lost on pub/sub, kept in the feed

        await().atMost(WAIT).until(broker::isUp);
        publish(7);
        await().atMost(WAIT).until(() -> sequencer.lastSeq() == 7);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L);
    }

    private void publish(long seq) {
        publish(newMessage(seq, THREAD, 0));
    }

    private void publish(EventEnvelope event) {
        try {
            redis.send(Request.cmd(Command.PUBLISH).arg(channels.eventsChannelFor(event.threadId()))
                    .arg(JSON.writeValueAsString(event))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills only this broker's subscriber connection, found by its name; never anything else on the shared Redis. */
    private void killSubscriberConnection() {
        try {
            Object killed = redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("SKIPME").arg("yes")
                            .arg("TYPE").arg("pubsub").arg("ID").arg(subscriberId()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(killed.toString()).isEqualTo("1");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String subscriberId() throws Exception {
        String list = redis.send(Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
        for (String line : list.split("\n")) {
            if (line.contains(" name=" + broker.subscriberName() + " ")) {
                for (String field : line.split(" ")) {
                    if (field.startsWith("id=")) {
                        return field.substring(3);
                    }
                }
            }
        }
        throw new IllegalStateException("no subscriber connection named " + broker.subscriberName());
    }
}

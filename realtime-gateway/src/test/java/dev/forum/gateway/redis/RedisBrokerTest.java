package dev.forum.gateway.redis;

import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.Role;
import dev.forum.gateway.TestGateway;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.TestClients;
import dev.forum.gateway.registry.TestClients.Client;
import dev.forum.gateway.replay.EventSequencer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static dev.forum.gateway.registry.TestClients.shardOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker on the real Redis (127.0.0.1:6379, a namespace of its own), wired as in the gateway (registry, shard
 * lifecycle, sequencer, hub): a thread shard's channel is subscribed only while a local client watches one of its
 * threads, so nothing of another shard reaches this gateway (Redis counts no receiver, and neither does
 * {@code gateway_events_received_total}); it is left after the grace; and when its subscriber connection is killed
 * (CLIENT KILL of that one connection, by name) it goes down, connects again, resubscribes and delivers again, the
 * events published meanwhile caught up from the feed (an in-memory stand-in for forum-api).
 */
class RedisBrokerTest {

    /** Two threads in different shards. */
    private static final long THREAD = 10;
    private static final long OTHER_THREAD = 11;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration LEAVE_GRACE = Duration.ofMillis(300);
    private static final String REDIS_URL = System.getenv().getOrDefault("GATEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final String namespace = "gw_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Channels channels = new Channels(namespace, TestClients.SHARDS);
    private final GatewayConfig config = TestGatewayConfig.of(Map.ofEntries(
            Map.entry("forumApi.timeout", Duration.ofSeconds(5)), Map.entry("forumApi.internalToken", "internal"),
            Map.entry("access.cacheTtl", Duration.ofSeconds(1)), Map.entry("auth.negativeCacheTtl", Duration.ofSeconds(1)),
            Map.entry("feed.pageSize", 100), Map.entry("feed.handoffCapacity", 1000),
            Map.entry("feed.pollInterval", Duration.ofMinutes(10)), Map.entry("redis.url", REDIS_URL),
            Map.entry("redis.pingInterval", Duration.ofSeconds(1)), Map.entry("redis.reconnectDelay", Duration.ofSeconds(1)),
            Map.entry("redis.heartbeatInterval", Duration.ofSeconds(1)),
            Map.entry("redis.heartbeatTimeout", Duration.ofSeconds(10)),
            Map.entry("events.shardCount", TestClients.SHARDS)));
    private final Vertx vertx = Vertx.vertx();
    private final TestGateway gateway = new TestGateway(vertx, config, channels, LEAVE_GRACE, RedisBroker::new);
    private final RedisBroker broker = (RedisBroker) gateway.broker;
    private final EventSequencer sequencer = gateway.sequencer;
    private final SubscriptionRegistry registry = gateway.registry;
    private final SimpleMeterRegistry meters = gateway.meters;
    private final Client reader = connect(registry, "c1", 1, Role.MEMBER, 0);
    private Redis redis;

    @BeforeEach
    void start() {
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(REDIS_URL));
        gateway.forumApi.heads.put(shardOf(THREAD), 4L);
        gateway.start();
        registry.subscribe(reader.session(), THREAD, false);
        await().atMost(WAIT).until(() -> broker.isUp() && subscribers(channels.events(shardOf(THREAD))) == 1
                && sequencer.lastSeq(shardOf(THREAD)) == 4);
    }

    @AfterEach
    void stop() {
        gateway.close();
        redis.close();
        vertx.close();
    }

    @Test
    void publishedEventsOfAWatchedShardReachTheSubscribersInOrder() {
        publish(newMessage(5, THREAD, 0));
        publish(newMessage(6, THREAD, 0));

        await().atMost(WAIT).until(() -> reader.seqs().size() == 2);
        assertThat(reader.seqs()).containsExactly(5L, 6L);
    }

    @Test
    void nothingOfAShardNobodyHereWatchesReachesThisGateway() {
        assertThat(publish(newMessage(1, OTHER_THREAD, 0))).as("receivers of the unwatched shard's message").isZero();
        assertThat(publish(newMessage(5, THREAD, 0))).as("receivers of the watched shard's message").isEqualTo(1);

        await().atMost(WAIT).until(() -> reader.seqs().size() == 1);
        assertThat(meters.counter("gateway.events.received", "source", "pubsub").count()).isEqualTo(1);
        assertThat(meters.get("gateway.shard.subscriptions").gauge().value()).isEqualTo(1);
        assertThat(subscribers(channels.events(shardOf(OTHER_THREAD)))).isZero();
    }

    @Test
    void aShardIsLeftAfterTheGraceOnceItsLastSubscriberWentAndJoinedAgainByTheNextOne() {
        registry.unsubscribe(reader.session(), THREAD);
        await().atMost(WAIT).until(() -> subscribers(channels.events(shardOf(THREAD))) == 0);
        assertThat(meters.get("gateway.shard.subscriptions").gauge().value()).isZero();
        assertThat(subscribers(channels.events(-1))).as("the forum shard stays").isEqualTo(1);

        registry.subscribe(reader.session(), THREAD + TestClients.SHARDS, false); // another thread of that shard
        await().atMost(WAIT).until(() -> subscribers(channels.events(shardOf(THREAD))) == 1);
        publish(newMessage(5, THREAD + TestClients.SHARDS, 0));
        await().atMost(WAIT).until(() -> reader.seqs().size() == 1);
    }

    @Test
    void aKilledSubscriberConnectionIsResubscribedAndWhatWasPublishedMeanwhileIsCaughtUp() {
        publish(newMessage(5, THREAD, 0));
        await().atMost(WAIT).until(() -> reader.seqs().size() == 1);

        killSubscriberConnection();
        await().atMost(WAIT).until(() -> !broker.isUp());
        EventEnvelope missed = newMessage(6, THREAD, 0);
        gateway.forumApi.feed.add(newMessage(5, THREAD, 0));
        gateway.forumApi.feed.add(missed);
        publish(missed); // nobody subscribed: lost on pub/sub, kept in the feed

        await().atMost(WAIT).until(broker::isUp);
        publish(newMessage(7, THREAD, 0));
        await().atMost(WAIT).until(() -> sequencer.lastSeq(shardOf(THREAD)) == 7);
        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L);
    }

    /** Publishes as forum-api's relay does; returns how many subscribers Redis delivered it to. */
    private long publish(EventEnvelope event) {
        try {
            return send(Request.cmd(Command.PUBLISH).arg(channels.events(event.shard()))
                    .arg(JSON.writeValueAsString(event))).toLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long subscribers(String channel) {
        return send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(channel)).get(1).toLong();
    }

    private Response send(Request request) {
        try {
            return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills only this broker's subscriber connection, found by its name; never anything else on the shared Redis. */
    private void killSubscriberConnection() {
        Response killed = send(Request.cmd(Command.CLIENT).arg("KILL").arg("SKIPME").arg("yes")
                .arg("TYPE").arg("pubsub").arg("ID").arg(subscriberId()));
        assertThat(killed.toString()).isEqualTo("1");
    }

    private String subscriberId() {
        String list = send(Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub")).toString();
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

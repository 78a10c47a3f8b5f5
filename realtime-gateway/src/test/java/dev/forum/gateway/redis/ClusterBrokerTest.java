package dev.forum.gateway.redis;

import dev.forum.common.redis.ClusterTestBase;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.Role;
import dev.forum.gateway.TestGateway;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.config.TestGatewayConfig;
import dev.forum.gateway.registry.TestClients;
import dev.forum.gateway.registry.TestClients.Client;
import dev.forum.gateway.replay.EventSequencer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.forum.gateway.registry.TestClients.JSON;
import static dev.forum.gateway.registry.TestClients.connect;
import static dev.forum.gateway.registry.TestClients.newMessage;
import static dev.forum.gateway.registry.TestClients.shardOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster mode on a real 3-master, 3-replica Redis Cluster, wired as in the gateway (registry, shard lifecycle,
 * sequencer, {@link ClusterBroker}): a watched thread shard is {@code SSUBSCRIBE}d on the master owning its slot
 * and nothing else is, so another shard's {@code SPUBLISH} reaches nobody here; when that master is killed, the
 * shard is polled from the feed (an in-memory stand-in for forum-api) until its replica owns the slot and the
 * channel is subscribed again, then caught up: every event once, in order. The kill moves slots, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterBrokerTest extends ClusterTestBase {

    /** Two threads in different shards. */
    private static final long THREAD = 10;
    private static final long OTHER_THREAD = 11;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String namespace = "gw_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Channels channels = new Channels(namespace, TestClients.SHARDS);
    private TestGateway gateway;
    private EventSequencer sequencer;
    private Broker broker;
    private Client reader;

    @BeforeEach
    void startGateway() {
        GatewayConfig config = TestGatewayConfig.of(Map.ofEntries(
                Map.entry("forumApi.timeout", Duration.ofSeconds(5)), Map.entry("forumApi.internalToken", "internal"),
                Map.entry("access.cacheTtl", Duration.ofSeconds(1)),
                Map.entry("auth.negativeCacheTtl", Duration.ofSeconds(1)), Map.entry("feed.pageSize", 100),
                Map.entry("feed.handoffCapacity", 1000), Map.entry("feed.pollInterval", Duration.ofMillis(200)),
                Map.entry("redis.url", cluster.ports().stream().map(port -> "redis://127.0.0.1:" + port)
                        .collect(Collectors.joining(","))),
                Map.entry("redis.reconnectDelay", Duration.ofMillis(200)),
                Map.entry("redis.heartbeatInterval", Duration.ofMillis(500)),
                Map.entry("redis.heartbeatTimeout", Duration.ofSeconds(2)),
                Map.entry("events.shardCount", TestClients.SHARDS)));
        gateway = new TestGateway(vertx, config, channels, Duration.ofSeconds(30), ClusterBroker::new);
        sequencer = gateway.sequencer;
        broker = gateway.broker;
        reader = connect(gateway.registry, "c1", 1, Role.MEMBER, 0);
        gateway.forumApi.heads.put(shardOf(THREAD), 4L);
        gateway.start();
        gateway.registry.subscribe(reader.session(), THREAD, false);
        await().atMost(WAIT).until(() -> broker.isUp() && sequencer.polledShards() == 0
                && sequencer.lastSeq(shardOf(THREAD)) == 4);
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    @Order(1)
    void aWatchedShardIsHeardOnlyFromTheMasterOwningItsSlotAndNoOtherShardIsHeard() {
        String watched = channels.events(shardOf(THREAD));
        assertThat(cluster.ports().stream()
                .filter(port -> cluster.cli(port, "PUBSUB", "SHARDNUMSUB", watched).endsWith("\n1"))
                .map(port -> cluster.cli(port, "ROLE").lines().findFirst().orElse("")))
                .as("the nodes holding the subscription").containsExactly("master");

        assertThat(publish(newMessage(1, OTHER_THREAD, 0))).as("receivers of the unwatched shard's message").isZero();
        assertThat(publish(newMessage(5, THREAD, 0))).as("receivers of the watched shard's message").isEqualTo(1);

        await().atMost(WAIT).until(() -> reader.seqs().size() == 1);
        assertThat(reader.seqs()).containsExactly(5L);
        assertThat(gateway.meters.counter("gateway.events.received", "source", "pubsub").count()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void whenTheShardsMasterIsKilledItIsPolledUntilItsReplicaServesItThenEveryEventArrivesOnceInOrder()
            throws Exception {
        publish(published(5));
        await().atMost(WAIT).until(() -> reader.seqs().size() == 1);
        int owner = cluster.ports().stream()
                .filter(port -> cluster.cli(port, "PUBSUB", "SHARDNUMSUB", channels.events(shardOf(THREAD)))
                        .endsWith("\n1"))
                .findFirst().orElseThrow();

        cluster.kill(owner);
        await().atMost(WAIT).until(() -> sequencer.polledShards() > 0);
        published(6); // committed while the shard's master is down: only in the feed
        await().atMost(WAIT).until(() -> reader.seqs().size() == 2);
        published(7);
        await().atMost(WAIT).until(() -> sequencer.polledShards() == 0);
        // Live again: the publisher's slot map may still name the dead master for a moment.
        EventEnvelope eight = published(8);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> publish(eight) >= 0 && reader.seqs().contains(8L));

        assertThat(reader.seqs()).containsExactly(5L, 6L, 7L, 8L);
    }

    private EventEnvelope published(long seq) {
        EventEnvelope event = newMessage(seq, THREAD, 0);
        gateway.forumApi.feed.add(event);
        return event;
    }

    /** SPUBLISHes as forum-api's relay does in cluster mode; returns how many subscribers received it. */
    private long publish(EventEnvelope event) {
        try {
            return client.send(Request.cmd(Command.SPUBLISH).arg(channels.events(event.shard()))
                            .arg(JSON.writeValueAsString(event)))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

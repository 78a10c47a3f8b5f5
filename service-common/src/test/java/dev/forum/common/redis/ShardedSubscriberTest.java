package dev.forum.common.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ShardedSubscriber} against a real 3-master, 3-replica Redis Cluster, through the Vert.x cluster client
 * as a service would use it. The last two tests move slots (a failover, a killed master), so they run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedSubscriberTest extends ClusterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private ShardedSubscriber subscriber;

    @BeforeEach
    void startSubscriber() {
        subscriber = new ShardedSubscriber(vertx, cluster.options(),
                new ShardedSubscriber.Timing(Duration.ofMillis(200), Duration.ofMillis(250), Duration.ofSeconds(1)),
                new ShardedSubscriber.Listener() {
                    @Override
                    public void onMessage(String channel, String message) {
                        heard.add("message " + channel + " " + message);
                    }

                    @Override
                    public void onSubscribed(String channel) {
                        heard.add("subscribed " + channel);
                    }

                    @Override
                    public void onLost(String channel) {
                        heard.add("lost " + channel);
                    }
                });
        subscriber.start();
    }

    @AfterEach
    void stopSubscriber() {
        subscriber.stop();
    }

    @Test
    @Order(1)
    void eachSubscriptionSitsOnlyOnTheMasterThatOwnsItsSlot() {
        List<String> channels = IntStream.range(0, 6).mapToObj(i -> channel()).toList();
        channels.forEach(subscriber::subscribe);
        channels.forEach(this::awaitSubscribed);

        for (String channel : channels) {
            List<Integer> holders = cluster.ports().stream()
                    .filter(port -> cluster.cli(port, "PUBSUB", "SHARDNUMSUB", channel).endsWith("\n1")).toList();
            assertThat(holders).hasSize(1);
            assertThat(cluster.cli(holders.get(0), "ROLE")).startsWith("master");
            assertThat(cluster.cli(holders.get(0), "SPUBLISH", channel, "direct")).isEqualTo("1");
        }
    }

    @Test
    @Order(2)
    void receivesWhatTheClusterClientPublishesOnTheChannel() throws Exception {
        String channel = channel();
        subscriber.subscribe(channel);
        awaitSubscribed(channel);

        assertThat(publish(channel, "hello")).isEqualTo(1);
        await().atMost(WAIT).until(() -> heard.contains("message " + channel + " hello"));
    }

    @Test
    @Order(3)
    void unsubscribeLeavesTheChannelOnItsNodeWithoutReportingItLost() {
        String channel = channel();
        subscriber.subscribe(channel);
        awaitSubscribed(channel);
        int owner = ownerOf(channel);

        subscriber.unsubscribe(channel);
        await().atMost(WAIT).until(() -> cluster.cli(owner, "PUBSUB", "SHARDNUMSUB", channel).endsWith("\n0"));
        // Subscribing again on the same node connection: its confirmation comes after the sunsubscribe push.
        subscriber.subscribe(channel);
        await().atMost(WAIT).until(() -> heard.stream().filter(("subscribed " + channel)::equals).count() == 2);

        assertThat(heard).doesNotContain("lost " + channel);
    }

    @Test
    @Order(4)
    void aNodeConnectionThatGoesSilentIsReplacedAndItsChannelsReportedLostThenLive() {
        String channel = channel();
        String elsewhere = channelNotOn(channel);
        subscriber.subscribe(channel);
        subscriber.subscribe(elsewhere);
        awaitSubscribed(channel);
        awaitSubscribed(elsewhere);
        int owner = ownerOf(channel);
        int silentBefore = subscriber.silentConnections();

        // The node keeps every client connection open and answers none of them for 4 s (its cluster bus runs on:
        // no failover); no sunsubscribe, no FIN. Only the heartbeat can tell.
        assertThat(cluster.cli(owner, "CLIENT", "PAUSE", "4000", "ALL")).isEqualTo("OK");

        await().atMost(WAIT).until(() -> heard.contains("lost " + channel));
        assertThat(subscriber.silentConnections()).as("node connections found silent").isEqualTo(silentBefore + 1);
        await().atMost(WAIT).until(() -> heard.lastIndexOf("subscribed " + channel) > heard.indexOf("lost " + channel));
        publishUntilHeard(channel, "after silence");
        publishUntilHeard(elsewhere, "after silence");
    }

    @Test
    @Order(5)
    void subscribesAgainWhenAFailoverMovesTheSlotToTheReplica() {
        String channel = channel();
        subscriber.subscribe(channel);
        awaitSubscribed(channel);
        int replica = cluster.replicaOf(ownerOf(channel));

        assertThat(cluster.cli(replica, "CLUSTER", "FAILOVER")).isEqualTo("OK");

        await().atMost(WAIT).until(() -> heard.indexOf("lost " + channel) >= 0
                && heard.lastIndexOf("subscribed " + channel) > heard.indexOf("lost " + channel));
        publishUntilHeard(channel, "after failover");
    }

    @Test
    @Order(6)
    void reconnectsAndSubscribesAgainWhenTheMasterIsKilled() throws Exception {
        String channel = channel();
        subscriber.subscribe(channel);
        awaitSubscribed(channel);

        cluster.kill(ownerOf(channel));

        await().atMost(WAIT).until(() -> heard.indexOf("lost " + channel) >= 0
                && heard.lastIndexOf("subscribed " + channel) > heard.indexOf("lost " + channel));
        publishUntilHeard(channel, "after kill");
    }

    /** A channel whose slot another master owns. */
    private String channelNotOn(String channel) {
        int slot = Integer.parseInt(cluster.cli(cluster.ports().get(0), "CLUSTER", "KEYSLOT", channel));
        while (true) {
            String other = channel();
            int otherSlot = Integer.parseInt(cluster.cli(cluster.ports().get(0), "CLUSTER", "KEYSLOT", other));
            if (Math.abs(otherSlot - slot) > 16384 / 2) {
                return other; // 3 masters of about 5,461 slots each: that far apart, never the same one
            }
        }
    }

    private void awaitSubscribed(String channel) {
        await().atMost(WAIT).until(() -> heard.contains("subscribed " + channel));
    }

    /** The node holding our subscription: the slot's master (see the first test). */
    private int ownerOf(String channel) {
        return cluster.ports().stream()
                .filter(port -> cluster.cli(port, "PUBSUB", "SHARDNUMSUB", channel).endsWith("\n1"))
                .findFirst().orElseThrow();
    }

    /** The publisher's slot map may still name the old owner for a second: publish until it arrives. */
    private void publishUntilHeard(String channel, String message) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            publish(channel, message);
            return heard.contains("message " + channel + " " + message);
        });
    }

    @Test
    @Order(7)
    void stopsWithoutAnErrorWhileAMasterIsDown() throws Exception {
        String channel = channel();
        subscriber.subscribe(channel);
        awaitSubscribed(channel);

        cluster.kill(ownerOf(channel));
        // Its connection ended: the subscriber reconnects, and connect() fails while the dead node is in the slot map.
        await().atMost(WAIT).until(() -> subscriber.failedConnects() > 0);

        subscriber.stop();
    }

    private long publish(String channel, String message) throws Exception {
        return client.send(Request.cmd(Command.SPUBLISH).arg(channel).arg(message))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).toLong();
    }

    private static String channel() {
        return "subscriber-test:events:" + UUID.randomUUID();
    }
}

package dev.forum.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis Cluster harness itself, and what issue 14 builds on: a sharded channel lives on the master that
 * owns its hash slot; when that master dies its replica takes the slot over, the subscription on the dead node
 * is gone, and a subscriber that subscribes again on the new owner receives again. 3 masters + 3 replicas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        Path root = Path.of(System.getProperty("forum.root", ".."));
        cluster = RedisCluster.start(3, 1,
                root.resolve("system-tests/target/system-logs/redis-cluster-" + UUID.randomUUID()), false);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void shardedMessageReachesTheSubscriberOnTheSlotOwner() {
        String channel = channel();
        RedisServer owner = cluster.masterOf(channel);
        try (ShardSubscriberCli subscriber = ShardSubscriberCli.subscribe(owner, channel, WAIT)) {
            assertThat(owner.integer("SPUBLISH", channel, "hello")).isEqualTo(1);
            assertThat(subscriber.next("smessage", WAIT).value()).isEqualTo("hello");
        }
    }

    @Test
    @Order(2)
    void shardedPublishOnAnotherShardsMasterIsRedirectedToTheOwner() {
        String channel = channel();
        RedisServer owner = cluster.masterOf(channel);
        String elsewhere = channel();
        while (cluster.masterOf(elsewhere) == owner) {
            elsewhere = channel();
        }
        assertThat(cluster.masterOf(elsewhere).command("SPUBLISH", channel, "hello"))
                .isEqualTo("MOVED " + cluster.slotOf(channel) + " 127.0.0.1:" + owner.port());
    }

    @Test
    @Order(3)
    void afterItsMasterIsKilledTheReplicaOwnsTheChannelAndAResubscribedSubscriberReceives() {
        String channel = channel();
        RedisServer owner = cluster.masterOf(channel);
        RedisServer replica = cluster.replicaOf(owner);
        try (ShardSubscriberCli before = ShardSubscriberCli.subscribe(owner, channel, WAIT)) {
            RedisServer newOwner = cluster.killMasterOf(channel);

            before.next("closed", WAIT);
            assertThat(newOwner).isSameAs(replica);
            try (ShardSubscriberCli after = ShardSubscriberCli.subscribe(newOwner, channel, WAIT)) {
                assertThat(newOwner.integer("SPUBLISH", channel, "again")).isEqualTo(1);
                assertThat(after.next("smessage", WAIT).value()).isEqualTo("again");
            }
        }
    }

    private static String channel() {
        return "cluster-it:events:" + UUID.randomUUID();
    }
}

package dev.forum.notify.listener;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.common.redis.LocalRedisCluster;
import dev.forum.common.redis.ShardedSubscriber;
import dev.forum.contract.Audience;
import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import dev.forum.notify.ForumApiProcess;
import dev.forum.notify.ForumApiUsers.Session;
import dev.forum.notify.WithForumApi;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.forum.notify.ForumApiUsers.createThread;
import static dev.forum.notify.ForumApiUsers.messageIds;
import static dev.forum.notify.ForumApiUsers.postMessage;
import static dev.forum.notify.ForumApiUsers.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code notify.redis.mode=cluster} on a real 3-master, 3-replica Redis Cluster, with forum-api publishing
 * there in cluster mode too ({@code SPUBLISH}): events come in through {@code SSUBSCRIBE} of the shard channels,
 * pushes go out through {@code SPUBLISH} on {@code <ns>:notify} (heard here with {@code SSUBSCRIBE}, as a gateway
 * does), and consumption goes on when the master of a shard's channel dies and its replica takes over. The
 * failover test runs last.
 */
@QuarkusTest
@TestProfile(RedisClusterModeTests.OnRedisCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf(value = "dev.forum.notify.ForumApiProcess#jarAvailable",
        disabledReason = "forum-api is not packaged (the full build packages it before this module)")
class RedisClusterModeTests {

    private static final Duration CONSUMED = Duration.ofSeconds(30);

    /** forum-api and this service on one Redis Cluster, both in cluster mode. */
    public static class OnRedisCluster extends WithForumApi {

        static volatile LocalRedisCluster cluster;

        public static class ForumApiOnCluster extends ForumApiProcess {
            @Override
            protected String startRedis() {
                cluster = new LocalRedisCluster();
                return cluster.urls();
            }

            @Override
            protected Map<String, String> environment() {
                return Map.of("FORUM_REDIS_MODE", "cluster");
            }

            @Override
            protected void stopRedis() {
                if (cluster != null) {
                    cluster.close();
                }
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("notify.consumer.enabled", "true", "notify.redis.mode", "cluster",
                    "notify.consumer.poll-interval", "1s", "notify.consumer.idle-poll-interval", "1h");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ForumApiOnCluster.class));
        }
    }

    @Inject
    FeedConsumer consumer;
    @Inject
    MeterRegistry registry;
    @Inject
    NotifyConfig config;
    @Inject
    ObjectMapper mapper;
    @Inject
    Vertx vertx;

    private final List<JsonNode> pushes = new CopyOnWriteArrayList<>();
    private ShardedSubscriber pushListener;

    @BeforeEach
    void listenToPushesAsAGatewayDoes() {
        String channel = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT).notifications();
        List<String> live = new CopyOnWriteArrayList<>();
        pushListener = new ShardedSubscriber(vertx, OnRedisCluster.cluster.options(),
                ShardedSubscriber.Timing.retryingEvery(Duration.ofMillis(200)),
                new ShardedSubscriber.Listener() {
                    @Override
                    public void onMessage(String ch, String message) {
                        try {
                            pushes.add(mapper.readTree(message));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public void onSubscribed(String ch) {
                        live.add(ch);
                    }

                    @Override
                    public void onLost(String ch) {
                        live.remove(ch);
                    }
                });
        pushListener.start();
        pushListener.subscribe(channel);
        await().atMost(CONSUMED).until(() -> live.contains(channel));
    }

    @AfterEach
    void stopListening() {
        pushListener.stop();
    }

    @Test
    @Order(1)
    void consumeTakesEventsFromShardedPubSubAndPushesWithShardedPublish() {
        Session alice = register();
        long thread = createThread(alice, "Cluster");
        Session bob = register();
        awaitCaughtUp();
        double fromFeed = read("feed");
        double fromPubSub = read("pubsub");

        long message = postMessage(alice, thread, "@" + bob.username() + " over SSUBSCRIBE");

        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(message));
        assertThat(read("pubsub")).isGreaterThan(fromPubSub);
        assertThat(read("feed")).isEqualTo(fromFeed);
        await().atMost(CONSUMED).until(() -> pushes.stream().anyMatch(push ->
                "forum_notification".equals(push.path("type").asText()) && push.path("user_id").asLong() == bob.id()
                        && push.path("payload").path("notification").path("message_id").asLong() == message));
    }

    @Test
    @Order(2)
    void consumeMissesNothingWhenTheMasterOfAShardsChannelDies() throws InterruptedException {
        Session alice = register();
        long thread = createThread(alice, "Failover");
        Session bob = register();
        awaitCaughtUp();
        int master = masterOf(new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT)
                .events(EventShards.shardOf(Audience.THREAD, thread, consumer.shardCount())));
        List<Long> posted = new ArrayList<>();
        posted.add(postMessage(alice, thread, "@" + bob.username() + " before"));

        OnRedisCluster.cluster.kill(master);
        for (int i = 0; i < 5; i++) {
            posted.add(postMessage(alice, thread, "@" + bob.username() + " during failover " + i));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> messageIds(bob).containsAll(posted));
        posted.add(postMessage(alice, thread, "@" + bob.username() + " after"));
        await().atMost(CONSUMED).until(() -> messageIds(bob).containsAll(posted));
        assertThat(messageIds(bob)).filteredOn(posted::contains).hasSize(posted.size());
    }

    private void awaitCaughtUp() {
        await().atMost(CONSUMED).until(() -> consumer.leader() && consumer.legacyFinished()
                && consumer.shardEpoch() > 0 && consumer.lag() == 0);
    }

    /** The port of the master that owns the channel's slot (any node answers CLUSTER KEYSLOT and CLUSTER SHARDS). */
    private static int masterOf(String channel) {
        LocalRedisCluster cluster = OnRedisCluster.cluster;
        int any = cluster.ports().get(0);
        int slot = Integer.parseInt(cluster.cli(any, "CLUSTER", "KEYSLOT", channel).trim());
        for (int port : cluster.ports()) {
            String[] lines = cluster.cli(port, "CLUSTER", "NODES").split("\n");
            for (String line : lines) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 9 || !fields[2].contains("master")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        String address = fields[1];
                        return Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
                    }
                }
            }
        }
        throw new IllegalStateException("no master owns slot " + slot);
    }

    private double read(String source) {
        return registry.get("notify.consumer.events.read").tag("source", source).counter().count();
    }
}

package dev.forum.api.outbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.ClusterRedisProfile;
import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.TestUsers;
import dev.forum.common.redis.ShardedSubscriber;
import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.forum.api.EventFeed.shardOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay on a real Redis Cluster (FORUM_REDIS_MODE=cluster): events of every shard reach their shard's channel by
 * SPUBLISH, in seq order, although a pipeline may not span slots (one pipeline per shard, no CROSSSLOT).
 */
@QuarkusTest
@TestProfile(ClusterRedisProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class ClusterPublishTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TestUsers users;

    @Inject
    OutboxRelay relay;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    private final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private Vertx vertx;
    private ShardedSubscriber subscriber;

    @BeforeEach
    void subscribeEveryShard() {
        vertx = Vertx.vertx();
        subscriber = new ShardedSubscriber(vertx, ClusterRedisProfile.Cluster.options(),
                ShardedSubscriber.Timing.retryingEvery(Duration.ofMillis(200)),
                new ShardedSubscriber.Listener() {
                    @Override
                    public void onMessage(String channel, String message) {
                        try {
                            received.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(json.readTree(message));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public void onSubscribed(String channel) {
                        live.add(channel);
                    }

                    @Override
                    public void onLost(String channel) {
                        live.remove(channel);
                    }
                });
        subscriber.start();
        EventShards.all(EventFeed.SHARDS).forEach(shard -> subscriber.subscribe(relay.channels().events(shard)));
        await().atMost(WAIT).until(() -> live.size() == EventFeed.SHARDS + 1);
    }

    @AfterEach
    void unsubscribe() {
        subscriber.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void eventsOfEveryShardAreSpublishedOnTheirShardsChannelInSeqOrder() {
        TestUsers.TestUser alice = users.member();
        Map<Integer, Long> threadByShard = new TreeMap<>();
        while (threadByShard.size() < EventFeed.SHARDS) {
            long threadId = ForumApi.createThread(alice, "cluster " + threadByShard.size());
            threadByShard.putIfAbsent(shardOf(threadId), threadId);
        }
        List<Long> messageIds = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (long threadId : threadByShard.values()) {
                messageIds.add(ForumApi.postMessage(alice, threadId, "round " + round));
            }
        }

        await().atMost(WAIT).until(() -> received.values().stream().flatMap(List::stream)
                .map(e -> e.path("payload").path("message").path("id").asLong()).toList().containsAll(messageIds));
        Channels channels = relay.channels();
        for (int shard : EventShards.all(EventFeed.SHARDS).toArray()) {
            List<JsonNode> events = received.getOrDefault(channels.events(shard), List.of());
            assertThat(events).as("shard %d", shard).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.path("shard").asInt()).isEqualTo(shard));
            assertThat(events).extracting(e -> e.path("seq").asLong()).as("shard %d", shard).isSorted()
                    .doesNotHaveDuplicates();
        }
        assertThat(registry.find("forum.outbox.publish.failures").counter().count()).isZero();
        assertThat(relay.isLastPublishOk()).isTrue();
    }
}

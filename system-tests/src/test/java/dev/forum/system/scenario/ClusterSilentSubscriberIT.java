package dev.forum.system.scenario;

import dev.forum.system.Frames;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.RedisServer;
import dev.forum.system.Stack;
import dev.forum.system.StackTestBase;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SilentSubscriberIT} on a Redis Cluster (issue 14): every node sits behind a TCP proxy and announces the
 * proxy's port, so the gateways' (and notification-service's) node connections pass it. Mid-test the proxy of the
 * master that owns the watched thread's shard channel turns the {@code SSUBSCRIBE} connections through it silent
 * without closing them (no FIN, no RST, no {@code sunsubscribe}; the node itself, its bus and the publisher's
 * connections stay healthy, so no failover happens and forum-api's {@code SPUBLISH}es succeed). Each gateway's
 * {@code ShardedSubscriber} must notice within {@code gateway.redis.heartbeat-timeout} that this node connection
 * answers no heartbeat probe, take the missed events from the feed and subscribe again on new connections; every
 * client has every event once, in order. Without the heartbeat the events posted after the silence never arrive.
 */
class ClusterSilentSubscriberIT extends StackTestBase {

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.redisClusterBehindProxies().gateways(2)
                .gatewayProperty("gateway.redis.heartbeat-interval", "500ms")
                .gatewayProperty("gateway.redis.heartbeat-timeout", "2s");
    }

    @Test
    void everyClientHasEveryEventOnceInOrderWhenANodeConnectionGoesSilent() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Silent node", "start", 0).path("id").asLong();
        String channel = stack.namespace() + ":events:{" + http.shardOfThread(threadId) + "}";
        try (WsClient a = WsClient.connectSubscribed(stack.gateway(0).wsUri(V2), alice.token(), threadId);
             WsClient b = WsClient.connectSubscribed(stack.gateway(1).wsUri(V2), bob.token(), threadId)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> RedisLink.modes(stack).stream().allMatch("redis"::equals));
            List<Long> posted = new ArrayList<>(http.postMessages(alice, threadId, 3, "before"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            double silentBefore = RedisLink.metricOfAll(stack, "gateway_redis_silent_connections_total");
            double fromFeedBefore = RedisLink.eventsFromFeed(stack);

            RedisServer owner = stack.redisCluster().masterOf(channel);
            assertThat(stack.redisCluster().proxyOf(owner).silenceSubscribers())
                    .as("subscriber connections to the shard's master made silent (both gateways', at least)")
                    .isGreaterThanOrEqualTo(stack.gateways().size());
            posted.addAll(http.postMessages(bob, threadId, 5, "during"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);

            assertThat(RedisLink.metricOfAll(stack, "gateway_redis_silent_connections_total") - silentBefore)
                    .as("silent node connections each gateway noticed").isGreaterThanOrEqualTo(stack.gateways().size());
            assertThat(RedisLink.eventsFromFeed(stack) - fromFeedBefore)
                    .as("events missed on pub/sub and taken from the feed").isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> RedisLink.modes(stack).stream().allMatch("redis"::equals));
            posted.addAll(http.postMessages(alice, threadId, 3, "after"));
            for (WsClient client : List.of(a, b)) {
                Frames.assertEveryMessageOnceInOrder(client, threadId, posted);
            }
            assertThat(stack.redisCluster().masterOf(channel)).as("no failover: the node never stopped").isSameAs(owner);
        }
    }
}

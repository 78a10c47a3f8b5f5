package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.Frames;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import dev.forum.system.StackTestBase;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A half-open subscriber connection: the gateways reach Redis through a TCP proxy that, mid-test, turns
 * their pub/sub connections silent without closing them (no FIN, no RST; what Redis publishes is thrown
 * away, as a network partition or a NAT timeout leaves it). Redis and the gateways' command connections
 * stay healthy, so PING answers; only the heartbeat each gateway publishes to itself stops coming back.
 * Each gateway must notice within {@code gateway.redis.heartbeat-timeout}, take the missed events from
 * the feed, open a new subscriber connection and resubscribe; every client has every event once, in order.
 * Without the heartbeat the gateways stay in mode redis and the events posted after the silence never
 * arrive.
 */
class SilentSubscriberIT extends StackTestBase {

    /** Events a gateway took from the feed instead of pub/sub: polled while down (and caught up) or gap-filled. */
    private static final List<String> FEED_COUNTERS = List.of("gateway_feed_polled_events_total",
            "gateway_seq_gap_events_total");

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.gateways(2).gatewaysViaRedisProxy()
                .gatewayProperty("gateway.redis.heartbeat-interval", "500ms")
                .gatewayProperty("gateway.redis.heartbeat-timeout", "2s");
    }

    @Test
    void everyClientHasEveryEventOnceInOrderWhenTheSubscriberConnectionsGoSilent() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Silent", "start", 0).path("id").asLong();
        try (WsClient a = WsClient.connect(stack.gateway(0).wsUri(V2), alice.token());
             WsClient b = WsClient.connect(stack.gateway(1).wsUri(V2), bob.token())) {
            a.subscribe(threadId);
            b.subscribe(threadId);
            a.await(type("subscribed", threadId), WAIT);
            b.await(type("subscribed", threadId), WAIT);
            List<Long> posted = new ArrayList<>(http.postMessages(alice, threadId, 3, "before"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            Set<String> silenced = awaitBothGatewaysSubscribed();
            double fromFeedBefore = feedEvents();

            assertThat(stack.gatewayRedisProxy().silenceSubscribers())
                    .as("subscriber connections made silent").isEqualTo(stack.gateways().size());
            posted.addAll(http.postMessages(bob, threadId, 5, "during"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);

            Set<String> renewed = awaitBothGatewaysSubscribed();
            assertThat(renewed).as("new subscriber connections, the silent ones closed").doesNotContainAnyElementsOf(silenced);
            assertThat(feedEvents() - fromFeedBefore).as("events missed on pub/sub and taken from the feed")
                    .isPositive();
            posted.addAll(http.postMessages(alice, threadId, 3, "after"));
            for (WsClient client : List.of(a, b)) {
                client.await(newMessage(posted.get(posted.size() - 1)), WAIT);
                List<JsonNode> events = Frames.threadEvents(client, threadId);
                assertThat(Frames.newMessageIdsFrom(events, posted.get(0))).containsExactlyElementsOf(posted);
                assertThat(Frames.seqs(events)).isSorted().doesNotHaveDuplicates();
            }
            assertThat(RedisLink.modes(stack)).containsOnly("redis");
        }
    }

    /** Waits until Redis holds exactly both gateways' whole subscriptions and both report mode redis; their client ids. */
    private Set<String> awaitBothGatewaysSubscribed() {
        int gateways = stack.gateways().size();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> RedisLink.gatewaySubscriberConnections(stack) == gateways
                        && RedisLink.modes(stack).stream().allMatch("redis"::equals));
        return RedisLink.gatewaySubscriberIds(stack);
    }

    /** Events all gateways took from the feed so far. */
    private double feedEvents() {
        return FEED_COUNTERS.stream().mapToDouble(name -> RedisLink.metricOfAll(stack, name)).sum();
    }
}

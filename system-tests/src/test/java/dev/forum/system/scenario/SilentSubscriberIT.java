package dev.forum.system.scenario;

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
        try (WsClient a = WsClient.connectSubscribed(stack.gateway(0).wsUri(V2), alice.token(), threadId);
             WsClient b = WsClient.connectSubscribed(stack.gateway(1).wsUri(V2), bob.token(), threadId)) {
            List<Long> posted = new ArrayList<>(http.postMessages(alice, threadId, 3, "before"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            Set<String> silenced = awaitBothGatewaysSubscribed();
            double fromFeedBefore = RedisLink.eventsFromFeed(stack);

            assertThat(stack.gatewayRedisProxy().silenceSubscribers())
                    .as("subscriber connections made silent").isEqualTo(stack.gateways().size());
            posted.addAll(http.postMessages(bob, threadId, 5, "during"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);

            Set<String> renewed = awaitBothGatewaysSubscribed();
            assertThat(renewed).as("new subscriber connections, the silent ones closed").doesNotContainAnyElementsOf(silenced);
            assertThat(RedisLink.eventsFromFeed(stack) - fromFeedBefore).as("events missed on pub/sub and taken from the feed")
                    .isPositive();
            posted.addAll(http.postMessages(alice, threadId, 3, "after"));
            for (WsClient client : List.of(a, b)) {
                Frames.assertEveryMessageOnceInOrder(client, threadId, posted);
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
}

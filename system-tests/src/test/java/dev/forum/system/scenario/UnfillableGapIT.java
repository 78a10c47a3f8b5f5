package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import dev.forum.system.StackTestBase;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.newMessage;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The brief's "exactly what it missed, in order, or an explicit resync_required", for a gap the gateway
 * cannot fill: the gateway reads the feed from a second forum-api replica, which is SIGKILLed; then
 * Redis drops the gateway's subscriber connection ({@code CLIENT KILL TYPE pubsub}) while the first
 * replica (the relay leader) publishes messages in one thread. When the next event of that thread's shard arrives
 * over pub/sub the gateway sees the seq gap, cannot read the feed, and must tell every subscription of that shard's
 * threads {@code resync_required} before delivering that event; a thread of another shard missed nothing and gets
 * none; live delivery goes on afterwards.
 */
class UnfillableGapIT extends StackTestBase {

    /** Long enough that the missed messages are surely published before the gateway resubscribes. */
    private static final String RECONNECT_DELAY = "5s";

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.gateways(1).secondForumApiForGateways()
                .gatewayProperty("gateway.redis.reconnect-delay", RECONNECT_DELAY);
    }

    @Test
    void theShardsThreadSubscriptionsGetResyncRequiredWhenAGapCannotBeFilledFromTheFeed() {
        Session author = Wire.user(http, "author", "member", 0);
        Session reader = Wire.user(http, "reader", "member", 0);
        long first = http.createThread(author, Wire.unique("Gap A"), "a", 0).path("id").asLong();
        long second = http.createThread(author, Wire.unique("Gap B"), "b", 0).path("id").asLong();
        assertThat(second % Wire.EVENT_SHARDS).as("the two threads are in different shards")
                .isNotEqualTo(first % Wire.EVENT_SHARDS);

        try (WsClient client = Wire.subscribedV2(stack.gateway(0).wsUri(Wire.V2), reader, first, second)) {
            long seen = http.postMessage(author, first, "seen").path("id").asLong();
            client.await(newMessage(seen), WAIT);

            stack.gatewaysForumApi().kill();
            assertThat(stack.redis().integer("CLIENT", "KILL", "TYPE", "pubsub"))
                    .as("gateway subscriber connections Redis dropped").isEqualTo(1);
            List<Long> missed = http.postMessages(author, first, 3, "missed");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Ledger.threadEvents(http, first, 0).size() >= 4);
            assertThat(RedisLink.gatewaySubscriberConnections(stack))
                    .as("the missed messages were published while the gateway was not subscribed").isZero();

            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> RedisLink.gatewaySubscriberConnections(stack) == 1);
            long afterGap = http.postMessage(author, first, "after the gap").path("id").asLong();
            client.await(newMessage(afterGap), WAIT);
            long live = http.postMessage(author, second, "live again").path("id").asLong();
            client.await(newMessage(live), WAIT);

            List<JsonNode> frames = client.frames();
            assertThat(frames.stream().filter(type("resync_required")).map(f -> f.path("thread_id").asLong()))
                    .containsExactly(first);
            assertThat(indexOf(frames, type("resync_required", first)))
                    .isGreaterThan(indexOf(frames, newMessage(seen)))
                    .isLessThan(indexOf(frames, newMessage(afterGap)));
            assertThat(missed).allSatisfy(id -> assertThat(indexOf(frames, newMessage(id))).isNegative());
            assertThat(RedisLink.metric(stack.gateway(0), "gateway_resyncs_total")).isEqualTo(1);
        }
    }

    private static int indexOf(List<JsonNode> frames, Predicate<JsonNode> matching) {
        for (int i = 0; i < frames.size(); i++) {
            if (matching.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }
}

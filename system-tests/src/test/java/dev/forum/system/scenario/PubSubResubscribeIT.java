package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.StackTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 8, the brief's "a pub/sub client that reconnects must resubscribe": Redis stays up, but
 * while messages are posted it drops the gateways' subscriber connections ({@code CLIENT KILL TYPE
 * pubsub}), three times. Whatever the relay publishes while a gateway has no subscription is gone for
 * that gateway on pub/sub; it must come from forum-api's feed (polling while down, catch-up on
 * resubscribe, seq gap fill). Every client on both replicas ends with every event once, in order;
 * Redis shows both gateways subscribed again ({@code CLIENT LIST}, {@code PUBSUB NUMSUB}, readiness mode); and
 * after the last kill pub/sub alone delivers (the gateways' feed counters stand still while events
 * keep arriving), so a gateway that reconnected without resubscribing cannot pass.
 */
class PubSubResubscribeIT extends StackTestBase {

    private static final double RATE = 10;
    private static final int KILLS = 3;
    /** Posts per phase (2 s at RATE). */
    private static final long BETWEEN_KILLS_POSTS = 20;
    /** Posts per phase (3 s at RATE). */
    private static final long PHASE_POSTS = 30;

    private final HttpClient sockets = LoadClient.sharedHttpClient(2);

    @Test
    void everyClientHasEveryEventOnceInOrderWhenRedisKillsTheGatewaysSubscriberConnections() throws Exception {
        Session author = Wire.user(http, "author", "member", 0);
        Session reader = Wire.user(http, "reader", "member", 0);
        long first = http.createThread(author, Wire.unique("Resubscribe A"), "a", 0).path("id").asLong();
        long second = http.createThread(author, Wire.unique("Resubscribe B"), "b", 0).path("id").asLong();
        Ledger.Moment start = Ledger.nowIncluding(http, first, second);

        List<LoadClient> clients = LoadClient.subscribedOnEveryReplica(sockets, stack, reader.token(), 4, first,
                second);
        List<Supplier<List<JsonNode>>> frames = clients.stream().<Supplier<List<JsonNode>>>map(c -> c::frames).toList();

        Tally total = new Tally("pubsub-kill").latencyBasis("from POST sent");
        Tally recovered = new Tally("pubsub-kill:after").latencyBasis("from POST sent");
        long killed = 0;
        double fromFeedBefore = feedEvents();
        double fromFeedAtRecovery;
        Ledger.Moment afterRecovery;
        try (Poster poster = new Poster(http, List.of(author), first, second)) {
            poster.start(RATE);
            poster.awaitMorePosts(PHASE_POSTS);
            for (int kill = 1; kill <= KILLS; kill++) {
                awaitBothGatewaysSubscribed();
                long dropped = stack.redis().integer("CLIENT", "KILL", "TYPE", "pubsub");
                assertThat(dropped).as("subscriber connections Redis dropped at kill %d", kill)
                        .isEqualTo(stack.gateways().size());
                killed += dropped;
                poster.awaitMorePosts(BETWEEN_KILLS_POSTS);
            }
            awaitBothGatewaysSubscribed();
            fromFeedAtRecovery = awaitFeedEventsSettled();
            afterRecovery = Ledger.now(http);
            poster.awaitMorePosts(PHASE_POSTS);
            poster.stop();

            Map<Long, List<JsonNode>> all = Delivery.expected(http, start, first, second);
            Delivery.awaitComplete(all, frames, Duration.ofSeconds(30));
            Delivery.count(total.sent(poster.sent()).note("post_failures", poster.failed()), all, frames);
            Delivery.count(recovered, Ledger.slice(all, afterRecovery, Ledger.Moment.END), frames);
            poster.recordLatencies(clients, start, Ledger.Moment.END, total);
            poster.recordLatencies(clients, afterRecovery, Ledger.Moment.END, recovered);
        } finally {
            clients.forEach(LoadClient::close);
        }
        double fromFeedAtEnd = feedEvents();
        total.note("clients", clients.size()).note("kills", KILLS).note("connections_killed", killed)
                .note("gateway_events_from_feed", (long) (fromFeedAtRecovery - fromFeedBefore)).print();
        recovered.note("gateway_events_from_feed", (long) (fromFeedAtEnd - fromFeedAtRecovery)).print();

        assertThat(fromFeedAtRecovery - fromFeedBefore)
                .as("events the gateways missed on pub/sub while unsubscribed and took from the feed").isPositive();
        total.assertClean();
        recovered.assertClean();
        assertThat(fromFeedAtEnd).as("after the last kill, pub/sub alone delivers (no feed polling)")
                .isEqualTo(fromFeedAtRecovery);
        assertThat(RedisLink.modes(stack)).containsOnly("redis");
    }

    /**
     * Redis holds both gateways' subscriber connections and typing subscriptions, and both report mode redis (every
     * shard channel they listen to confirmed).
     */
    private void awaitBothGatewaysSubscribed() {
        int gateways = stack.gateways().size();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> RedisLink.gatewaySubscriberConnections(stack) == gateways
                        && RedisLink.typingSubscribers(stack) == gateways
                        && RedisLink.modes(stack).stream().allMatch("redis"::equals));
    }

    /** Events all gateways took from the feed so far. */
    private double feedEvents() {
        return RedisLink.eventsFromFeed(stack);
    }

    /** Waits until the catch-up that follows a resubscription is done (the feed counters stop moving). */
    private double awaitFeedEventsSettled() {
        double[] last = {feedEvents()};
        await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    double now = feedEvents();
                    boolean settled = now == last[0];
                    last[0] = now;
                    return settled;
                });
        return last[0];
    }
}

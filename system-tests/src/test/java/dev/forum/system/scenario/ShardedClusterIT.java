package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;
import dev.forum.system.StackTestBase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14 on a real Redis Cluster: 3 masters and 3 replicas on loopback, every service in cluster mode (forum-api
 * SPUBLISHes each shard's events on {@code <ns>:events:{k}}, gateways SSUBSCRIBE the shards their clients watch on
 * the slot's master). 24 threads over the 16 shards; gateway 0's clients watch the threads of even shards, gateway
 * 1's those of odd shards.
 * <ol>
 *   <li>A gateway with no subscriber of a shard receives none of its messages: while messages are posted only in
 *       odd shards, gateway 0's {@code gateway_events_received_total} grows by exactly the forum shard's events.</li>
 *   <li>Posts across every thread while the master owning a watched shard's slot is SIGKILLed and its replica takes
 *       over: every client ends with every event of its threads once, in order (0 lost, 0 duplicated, 0 out of
 *       order); what the gateways missed on pub/sub during the failover comes from the feed.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedClusterIT extends StackTestBase {

    private static final int THREADS = 24;
    private static final double RATE = 20;
    private static final int CLIENTS_PER_GATEWAY = 2;

    private final HttpClient sockets = LoadClient.sharedHttpClient(2);
    private Session author;
    private long[] evenShardThreads;
    private long[] oddShardThreads;
    private final List<LoadClient> evenClients = new ArrayList<>();
    private final List<LoadClient> oddClients = new ArrayList<>();

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.redisCluster().gateways(2);
    }

    @Test
    @Order(1)
    void aGatewayHearsNothingOfTheShardsNoneOfItsClientsWatch() throws Exception {
        author = Wire.user(http, "author", "member", 0);
        Session reader = Wire.user(http, "reader", "member", 0);
        List<Long> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            threads.add(http.createThread(author, Wire.unique("Shard " + i), "t" + i, 0).path("id").asLong());
        }
        evenShardThreads = threads.stream().filter(t -> http.shardOfThread(t) % 2 == 0).mapToLong(t -> t).toArray();
        oddShardThreads = threads.stream().filter(t -> http.shardOfThread(t) % 2 == 1).mapToLong(t -> t).toArray();
        Ledger.nowIncluding(http, threads.stream().mapToLong(t -> t).toArray());
        evenClients.addAll(LoadClient.subscribedOn(sockets, stack.gateway(0), reader.token(), CLIENTS_PER_GATEWAY,
                evenShardThreads));
        oddClients.addAll(LoadClient.subscribedOn(sockets, stack.gateway(1), reader.token(), CLIENTS_PER_GATEWAY,
                oddShardThreads));
        await().atMost(Duration.ofSeconds(30)).until(() -> RedisLink.modes(stack).stream().allMatch("redis"::equals));
        ServiceProcess evenGateway = stack.gateway(0);
        double heardBefore = RedisLink.metric(evenGateway, "gateway_events_received_total");
        Ledger.Moment before = Ledger.now(http);

        for (int i = 0; i < 20; i++) {
            http.postMessage(author, oddShardThreads[i % oddShardThreads.length], "odd-" + i);
        }
        Map<Long, List<JsonNode>> posted = Delivery.expected(http, before, oddShardThreads);
        assertThat(Delivery.awaitComplete(posted, frames(oddClients), Duration.ofSeconds(30)))
                .as("the odd shards' watchers on gateway 1 got the messages").isTrue();
        long forumShardEvents = Ledger.now(http).heads().get(-1) - before.heads().get(-1);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(RedisLink.metric(evenGateway, "gateway_events_received_total") - heardBefore)
                        .as("events gateway 0 received: only the forum shard's").isEqualTo(forumShardEvents));
        assertThat(RedisLink.metric(evenGateway, "gateway_shard_subscriptions"))
                .as("gateway 0's thread shards: the even ones of its clients' threads")
                .isEqualTo(LongStream.of(evenShardThreads).map(t -> http.shardOfThread(t)).distinct().count());
        Delivery.count(new Tally("cluster:isolation").sent(20), posted, frames(oddClients))
                .note("gateway0_heard", (long) (RedisLink.metric(evenGateway, "gateway_events_received_total")
                        - heardBefore))
                .note("forum_shard_events", forumShardEvents).print().assertClean();
    }

    @Test
    @Order(2)
    void everyClientGetsEveryEventOnceInOrderWhileAMasterFailsOver() {
        long[] all = LongStream.concat(LongStream.of(evenShardThreads), LongStream.of(oddShardThreads)).toArray();
        Ledger.Moment start = Ledger.now(http);
        String watchedChannel = stack.namespace() + ":events:{" + http.shardOfThread(evenShardThreads[0]) + "}";
        Tally total = new Tally("cluster:failover").latencyBasis("from POST sent");
        double fromFeedBefore = RedisLink.eventsFromFeed(stack);
        try (Poster poster = new Poster(http, List.of(author), all)) {
            poster.start(RATE);
            poster.awaitMorePosts(40);
            stack.redisCluster().killMasterOf(watchedChannel);
            poster.awaitMorePosts(60);
            poster.stop();

            Map<Long, List<JsonNode>> even = Delivery.expected(http, start, evenShardThreads);
            Map<Long, List<JsonNode>> odd = Delivery.expected(http, start, oddShardThreads);
            Delivery.awaitComplete(even, frames(evenClients), Duration.ofSeconds(60));
            Delivery.awaitComplete(odd, frames(oddClients), Duration.ofSeconds(60));
            total.sent(poster.sent()).note("post_failures", poster.failed());
            Delivery.count(total, even, frames(evenClients));
            Delivery.count(total, odd, frames(oddClients));
            List<LoadClient> clients = new ArrayList<>(evenClients);
            clients.addAll(oddClients);
            poster.recordLatencies(clients, start, Ledger.Moment.END, total);
        } finally {
            evenClients.forEach(LoadClient::close);
            oddClients.forEach(LoadClient::close);
        }
        total.note("clients", evenClients.size() + oddClients.size())
                .note("gateway_events_from_feed", (long) (RedisLink.eventsFromFeed(stack) - fromFeedBefore)).print();
        total.assertClean();
    }

    private static List<Supplier<List<JsonNode>>> frames(List<LoadClient> clients) {
        return clients.stream().<Supplier<List<JsonNode>>>map(c -> c::frames).toList();
    }
}

package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2, the seeds' step 5.2 made strict: Redis is stopped while messages are posted; clients on
 * both replicas keep receiving (the gateways deliver from forum-api's event feed); Redis comes back;
 * the gateways resubscribe and return to pub/sub. Nothing lost, nothing duplicated, order kept per
 * thread. Latency is printed per phase (from the POST request being sent to the frame's arrival).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisFailoverIT {

    private static final double RATE = 10;
    /** Posts per phase (4 s at RATE). */
    private static final long PHASE_POSTS = 40;

    private Stack stack;
    private ForumHttp http;
    private HttpClient sockets;

    @BeforeAll
    void startStack() {
        stack = Stack.builder().gateways(2).start();
        http = stack.http();
        sockets = LoadClient.sharedHttpClient(2);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void clientsOnBothReplicasKeepReceivingThroughARedisOutageAndPubSubResumes() throws Exception {
        Session author = Wire.user(http, "author", "member", 0);
        Session reader = Wire.user(http, "reader", "member", 0);
        long first = http.createThread(author, Wire.unique("Failover A"), "a", 0).path("id").asLong();
        long second = http.createThread(author, Wire.unique("Failover B"), "b", 0).path("id").asLong();
        Ledger.Moment start = Ledger.nowIncluding(http, first, second);

        List<LoadClient> clients = LoadClient.subscribedOnEveryReplica(sockets, stack, reader.token(), 4, first,
                second);
        List<Supplier<List<JsonNode>>> frames = clients.stream().<Supplier<List<JsonNode>>>map(c -> c::frames).toList();

        Tally pubsub = new Tally("redis:pubsub-before").latencyBasis("from POST sent");
        Tally degraded = new Tally("redis:down(feed)").latencyBasis("from POST sent");
        Tally recovered = new Tally("redis:pubsub-after").latencyBasis("from POST sent");
        Tally total = new Tally("redis-failover").latencyBasis("from POST sent");
        try (Poster poster = new Poster(http, List.of(author), first, second)) {
            poster.start(RATE);
            assertThat(RedisLink.modes(stack)).containsOnly("redis");
            poster.awaitMorePosts(PHASE_POSTS);

            Ledger.Moment beforeOutage = Ledger.now(http);
            stack.redis().stop();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> RedisLink.modes(stack).stream().allMatch("feed_polling"::equals));
            poster.awaitMorePosts(PHASE_POSTS);
            Ledger.Moment duringOutage = Ledger.now(http);
            Map<Long, List<JsonNode>> outageEvents = Delivery.expected(http, beforeOutage, first, second);
            assertThat(Delivery.awaitComplete(outageEvents, frames, Duration.ofSeconds(30)))
                    .as("clients on both replicas receive while Redis is down").isTrue();
            Delivery.count(degraded, Ledger.slice(outageEvents, beforeOutage, duringOutage), frames);

            stack.redis().start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> RedisLink.modes(stack).stream().allMatch("redis"::equals));
            await().atMost(Duration.ofSeconds(30)).until(() -> RedisLink.typingSubscribers(stack) == 2);
            Ledger.Moment afterRecovery = Ledger.now(http);
            poster.awaitMorePosts(PHASE_POSTS);
            poster.stop();

            Map<Long, List<JsonNode>> all = Delivery.expected(http, start, first, second);
            Delivery.awaitComplete(all, frames, Duration.ofSeconds(30));
            Delivery.count(total.sent(poster.sent()).note("post_failures", poster.failed()), all, frames);
            Delivery.count(pubsub, Ledger.slice(all, start, beforeOutage), frames);
            Delivery.count(recovered, Ledger.slice(all, afterRecovery, Ledger.Moment.END), frames);
            poster.recordLatencies(clients, start, beforeOutage, pubsub);
            poster.recordLatencies(clients, beforeOutage, duringOutage, degraded);
            poster.recordLatencies(clients, afterRecovery, Ledger.Moment.END, recovered);
            poster.recordLatencies(clients, start, Ledger.Moment.END, total);
        } finally {
            clients.forEach(LoadClient::close);
        }
        pubsub.print();
        degraded.print();
        recovered.print();
        total.note("clients", clients.size()).print();
        assertThat(recovered.expected()).as("events posted after Redis came back").isPositive();
        assertThat(degraded.expected()).as("events posted while Redis was down").isPositive();
        total.assertClean();
    }
}

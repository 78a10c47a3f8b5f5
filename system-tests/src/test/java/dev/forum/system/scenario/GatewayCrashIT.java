package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 3: a gateway replica is SIGKILLed, then both replicas are restarted one after the other
 * (a rolling deploy), while a steady stream of messages is posted. Clients reconnect to the surviving
 * replica and resume with their {@code last_event_id} ({@link ResumingClient}); every client ends with
 * every event of its threads, once, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayCrashIT {

    private static final int CLIENTS = 6;
    private static final double RATE = 10;
    /** Posts per phase (2 s at RATE). */
    private static final long STEADY_POSTS = 20;

    private Stack stack;
    private ForumHttp http;
    private Session author;
    private List<Session> readers;

    @BeforeAll
    void startStack() {
        stack = Stack.builder().gateways(2).start();
        http = stack.http();
        author = Wire.user(http, "author", "member", 0);
        readers = List.of(Wire.user(http, "reader", "member", 0), Wire.user(http, "reader", "member", 0),
                Wire.user(http, "reader", "member", 0));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void everyClientEndsWithEveryEventOnceInOrderAfterAReplicaIsKilled() throws Exception {
        Tally tally = streamThrough("gateway-sigkill", poster -> {
            stack.gateway(0).kill();
            poster.awaitMorePosts(STEADY_POSTS);
            stack.gateway(0).start().awaitReady(Stack.READY_TIMEOUT);
        });
        tally.assertClean();
    }

    @Test
    @Order(2)
    void everyClientEndsWithEveryEventOnceInOrderThroughARollingRestart() throws Exception {
        Tally tally = streamThrough("gateway-rolling-restart", poster -> {
            stack.gateway(0).restart(Stack.READY_TIMEOUT);
            poster.awaitMorePosts(STEADY_POSTS);
            stack.gateway(1).restart(Stack.READY_TIMEOUT);
        });
        tally.assertClean();
    }

    /** Clients on both replicas, a steady stream of posts, the disruption, then a count against the feed. */
    private Tally streamThrough(String label, Disruption disruption) throws Exception {
        long first = http.createThread(author, Wire.unique(label + " A"), "a", 0).path("id").asLong();
        long second = http.createThread(author, Wire.unique(label + " B"), "b", 0).path("id").asLong();
        Ledger.Moment start = Ledger.nowIncluding(http, first, second);
        List<ResumingClient> clients = new ArrayList<>();
        ScheduledExecutorService pumps = Executors.newScheduledThreadPool(CLIENTS);
        Tally tally = new Tally(label);
        try (Poster poster = new Poster(http, List.of(author), first, second)) {
            for (int i = 0; i < CLIENTS; i++) {
                ResumingClient client = new ResumingClient("client-" + i, stack.gateways(), i % 2,
                        readers.get(i % readers.size()), first, second);
                client.awaitSubscribed();
                clients.add(client);
                pumps.scheduleWithFixedDelay(client::pump, 50, 50, TimeUnit.MILLISECONDS);
            }
            poster.start(RATE);
            poster.awaitMorePosts(STEADY_POSTS);
            disruption.run(poster);
            await().atMost(Duration.ofSeconds(60)).until(() -> stack.gateways().stream().allMatch(g -> g.readiness() == 200));
            poster.awaitMorePosts(STEADY_POSTS);
            poster.stop();

            Map<Long, List<JsonNode>> expected = Delivery.expected(http, start, first, second);
            List<Supplier<List<JsonNode>>> received = clients.stream()
                    .<Supplier<List<JsonNode>>>map(c -> c::events).toList();
            Delivery.awaitComplete(expected, received, Duration.ofSeconds(45));
            Delivery.count(tally.sent(poster.sent()).note("post_failures", poster.failed()), expected, received);
            int connections = clients.stream().mapToInt(ResumingClient::connections).sum();
            List<String> anomalies = clients.stream().flatMap(c -> c.anomalies().stream()).toList();
            tally.note("clients", CLIENTS).note("reconnects", connections - CLIENTS)
                    .note("resync_or_error_frames", anomalies.size()).print();
            assertThat(connections).as("clients had to reconnect").isGreaterThan(CLIENTS);
            assertThat(anomalies).as("no resync_required, error or revocation").isEmpty();
        } finally {
            pumps.shutdownNow();
            clients.forEach(ResumingClient::close);
        }
        return tally;
    }

    @FunctionalInterface
    private interface Disruption {
        void run(Poster poster) throws Exception;
    }
}

package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 6: many WebSocket clients across the two replicas, each subscribed to one of several
 * threads, while messages are posted at a steady rate. Every client must receive every event of its
 * thread once and in order; the delivery latency (from the POST request being sent to the frame's
 * arrival at the client) is printed as p50/p99.
 *
 * <p>Knobs (system properties): {@code system.load.clients} (1000), {@code system.load.threads} (20),
 * {@code system.load.seconds} (20 on CI; 60 for the full minute), {@code system.load.rate} (posts per
 * second, 20).
 */
@ExtendWith(SharedStack.class)
@Order(Order.DEFAULT + 4)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadIT {

    private static final int CLIENTS = Integer.getInteger("system.load.clients", 1000);
    private static final int THREADS = Integer.getInteger("system.load.threads", 20);
    private static final int SECONDS = Integer.getInteger("system.load.seconds", 20);
    private static final double RATE = Double.parseDouble(System.getProperty("system.load.rate", "20"));
    private static final int CONNECTIONS_PER_USER = 5;

    private Stack stack;
    private ForumHttp http;

    @BeforeAll
    void setUp(Stack stack) {
        this.stack = stack;
        http = stack.http();
    }

    @Test
    void everyClientReceivesEveryEventOfItsThreadOnceInOrderUnderSteadyLoad() throws Exception {
        List<Session> authors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            authors.add(Wire.user(http, "poster", "member", 0));
        }
        long[] threads = new long[THREADS];
        for (int i = 0; i < THREADS; i++) {
            threads[i] = http.createThread(authors.get(i % authors.size()), Wire.unique("Load"), "load", 0)
                    .path("id").asLong();
        }
        List<Session> readers = new ArrayList<>();
        for (int i = 0; i < (CLIENTS + CONNECTIONS_PER_USER - 1) / CONNECTIONS_PER_USER; i++) {
            readers.add(http.registerAndLogin(Wire.unique("load")));
        }

        HttpClient sockets = LoadClient.sharedHttpClient(2);
        List<LoadClient> clients = new ArrayList<>();
        long connectStart = System.nanoTime();
        Semaphore inFlight = new Semaphore(50);
        List<CompletableFuture<LoadClient>> opening = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            inFlight.acquire();
            long threadId = threads[i % THREADS];
            CompletableFuture<LoadClient> open = LoadClient.open(sockets, stack.gateway(i % 2).wsUri(V2),
                    readers.get(i / CONNECTIONS_PER_USER).token())
                    .thenCompose(client -> client.subscribe(threadId).thenApply(ws -> client))
                    .whenComplete((client, failure) -> inFlight.release());
            opening.add(open);
        }
        for (int i = 0; i < CLIENTS; i++) {
            LoadClient client = opening.get(i).get(60, TimeUnit.SECONDS);
            assertThat(client.await(type("subscribed", threads[i % THREADS]), Duration.ofSeconds(60))).isTrue();
            clients.add(client);
        }
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;

        Ledger.Moment start = Ledger.nowIncluding(http, threads);
        Tally tally = new Tally("load").latencyBasis("from POST sent to frame arrival");
        try (Poster poster = new Poster(http, authors, threads)) {
            poster.start(RATE);
            Thread.sleep(SECONDS * 1000L);
            poster.stop();

            Map<Long, List<JsonNode>> all = Delivery.expected(http, start, threads);
            List<Supplier<List<JsonNode>>> perClient = new ArrayList<>();
            List<Map<Long, List<JsonNode>>> expectations = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                long threadId = threads[i % THREADS];
                perClient.add(clients.get(i)::frames);
                expectations.add(Map.of(threadId, all.get(threadId)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < CLIENTS; i++) {
                Delivery.awaitComplete(expectations.get(i), List.of(perClient.get(i)),
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                Ledger.compare(tally, expectations.get(i), perClient.get(i).get());
            }
            poster.recordLatencies(clients, start, Ledger.Moment.END, tally);
            long closed = clients.stream().filter(LoadClient::isClosed).count();
            tally.sent(poster.sent()).note("post_failures", poster.failed()).note("clients", CLIENTS)
                    .note("threads", THREADS).note("seconds", SECONDS).note("rate_per_s", RATE)
                    .note("connect_s", String.format(java.util.Locale.ROOT, "%.1f", connectSeconds))
                    .note("closed_clients", closed).print();
            assertThat(closed).as("clients disconnected during the run").isZero();
        } finally {
            clients.forEach(LoadClient::close);
        }
        tally.assertClean();
    }
}

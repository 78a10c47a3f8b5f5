package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.type;
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
    private static final Duration PHASE = Duration.ofSeconds(4);

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
        long startSeq = Ledger.headSeqIncluding(http, first, second);

        List<LoadClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LoadClient client = LoadClient.open(sockets, stack.gateway(i % 2).wsUri(V2), reader.token())
                    .get(30, TimeUnit.SECONDS);
            client.subscribe(first);
            client.subscribe(second);
            clients.add(client);
        }
        for (LoadClient client : clients) {
            assertThat(client.await(type("subscribed", first), WAIT) && client.await(type("subscribed", second), WAIT))
                    .isTrue();
        }
        List<Supplier<List<JsonNode>>> frames = clients.stream().<Supplier<List<JsonNode>>>map(c -> c::frames).toList();

        Tally pubsub = new Tally("redis:pubsub-before").latencyBasis("from POST sent");
        Tally degraded = new Tally("redis:down(feed)").latencyBasis("from POST sent");
        Tally recovered = new Tally("redis:pubsub-after").latencyBasis("from POST sent");
        Tally total = new Tally("redis-failover").latencyBasis("from POST sent");
        try (Poster poster = new Poster(http, List.of(author), first, second)) {
            poster.start(RATE);
            assertThat(modes()).containsOnly("redis");
            pause(PHASE);

            long beforeOutage = Ledger.headSeq(http);
            stack.redis().stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> modes().stream().allMatch("feed_polling"::equals));
            pause(PHASE);
            long duringOutage = Ledger.headSeq(http);
            Map<Long, List<JsonNode>> outageEvents = Delivery.expected(http, beforeOutage, first, second);
            assertThat(Delivery.awaitComplete(outageEvents, frames, Duration.ofSeconds(30)))
                    .as("clients on both replicas receive while Redis is down").isTrue();
            Delivery.count(degraded, sliceOf(outageEvents, duringOutage), frames);

            stack.redis().start();
            await().atMost(Duration.ofSeconds(60)).until(() -> modes().stream().allMatch("redis"::equals));
            await().atMost(Duration.ofSeconds(30)).until(() -> gatewaySubscribers() == 2);
            long afterRecovery = Ledger.headSeq(http);
            pause(PHASE);
            poster.stop();

            Map<Long, List<JsonNode>> all = Delivery.expected(http, startSeq, first, second);
            Delivery.awaitComplete(all, frames, Duration.ofSeconds(30));
            Delivery.count(total.sent(poster.sent()).note("post_failures", poster.failed()), all, frames);
            Delivery.count(pubsub, sliceBetween(all, startSeq, beforeOutage), frames);
            Delivery.count(recovered, sliceBetween(all, afterRecovery, Long.MAX_VALUE), frames);
            poster.recordLatencies(clients, startSeq, beforeOutage, pubsub);
            poster.recordLatencies(clients, beforeOutage, duringOutage, degraded);
            poster.recordLatencies(clients, afterRecovery, Long.MAX_VALUE, recovered);
            poster.recordLatencies(clients, startSeq, Long.MAX_VALUE, total);
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

    /** Each gateway's readiness mode: redis or feed_polling. */
    private List<String> modes() {
        List<String> modes = new ArrayList<>();
        for (ServiceProcess gateway : stack.gateways()) {
            try {
                JsonNode ready = ForumHttp.JSON.readTree(gateway.get("/q/health/ready"));
                String mode = "unknown";
                for (JsonNode check : ready.path("checks")) {
                    mode = check.path("data").has("mode") ? check.path("data").path("mode").asText() : mode;
                }
                modes.add(mode);
            } catch (IOException | RuntimeException e) {
                modes.add("unreachable");
            }
        }
        return modes;
    }

    /** PUBSUB NUMSUB of the typing channel on the stack's Redis: how many gateways are subscribed again. */
    private int gatewaySubscribers() {
        try {
            Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(stack.redis().port()), "PUBSUB",
                    "NUMSUB", stack.namespace() + ":typing").redirectErrorStream(true).start();
            cli.waitFor(5, TimeUnit.SECONDS);
            String[] lines = new String(cli.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim()
                    .split("\\s+");
            return Integer.parseInt(lines[lines.length - 1]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Map<Long, List<JsonNode>> sliceOf(Map<Long, List<JsonNode>> events, long maxSeq) {
        return sliceBetween(events, Long.MIN_VALUE, maxSeq);
    }

    /** The events with afterSeq < seq <= maxSeq. */
    private static Map<Long, List<JsonNode>> sliceBetween(Map<Long, List<JsonNode>> events, long afterSeq,
            long maxSeq) {
        Map<Long, List<JsonNode>> slice = new java.util.LinkedHashMap<>();
        events.forEach((thread, list) -> slice.put(thread, list.stream()
                .filter(e -> e.path("seq").asLong() > afterSeq && e.path("seq").asLong() <= maxSeq).toList()));
        return slice;
    }

    private static void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}

package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/** Slow clients, bad input, flooding, caps and heartbeats, against one gateway with small limits. */
class GatewayLimitsIT extends StackTestBase {

    private static final int MAX_SUBSCRIPTIONS = 3;
    private static final int MAX_POSTS = 800;

    private ServiceProcess gateway;

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.gateways(1)
                .gatewayProperty("gateway.queue.max-bytes", "65536")
                .gatewayProperty("gateway.subscriptions.max", Integer.toString(MAX_SUBSCRIPTIONS))
                .gatewayProperty("gateway.heartbeat.interval", "2s")
                .gatewayProperty("gateway.rate-limit.per-second", "5")
                .gatewayProperty("gateway.rate-limit.burst", "10")
                .gatewayProperty("gateway.rate-limit.close-after", "30");
    }

    @BeforeAll
    void prepare() {
        gateway = stack.gateway(0);
    }

    @Test
    void clientThatNeverReadsIsDisconnectedAsSlowWhileOthersGetEverything() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Firehose", "start", 0).path("id").asLong();
        String bulk = "x".repeat(15_000);
        try (WsClient slow = WsClient.connectNonReading(gateway.wsUri(V2), bob.token());
             WsClient fast = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            slow.subscribe(threadId);
            fast.subscribe(threadId);
            fast.await(type("subscribed", threadId), WAIT);
            List<Long> posted = new ArrayList<>();
            while (!slowDisconnected() && posted.size() < MAX_POSTS) {
                posted.add(http.postMessage(alice, threadId, bulk + posted.size()).path("id").asLong());
            }
            slow.startReading();
            assertThat(slow.awaitClose(WAIT)).isEqualTo(4001);
            long last = http.postMessage(alice, threadId, "after the slow one left").path("id").asLong();
            posted.add(last);
            fast.await(newMessage(last), WAIT);
            assertThat(Frames.newMessageIdsFrom(Frames.threadEvents(fast, threadId), posted.get(0)))
                    .containsExactlyElementsOf(posted);
        }
        assertThat(gateway.get("/q/metrics")).contains("gateway_drops_total{reason=\"slow_client\"}");
    }

    private boolean slowDisconnected() {
        return gateway.get("/q/metrics").contains("gateway_disconnects_total{reason=\"slow\"}");
    }

    @Test
    void badFramesGetErrorFramesAndTheConnectionStays() {
        Session alice = http.registerAndLogin(unique("alice"));
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            client.awaitType("connected", WAIT);
            client.sendRaw("{not json");
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("malformed_json");
            client.sendRaw("{\"type\":\"explode\"}");
            JsonNode unknown = client.await(type("error").and(f -> "unknown_type".equals(f.path("code").asText())), WAIT);
            assertThat(unknown.path("request").asText()).isEqualTo("explode");
            client.sendRaw("{\"type\":\"subscribe\"}");
            client.await(type("error").and(f -> "missing_field".equals(f.path("code").asText())), WAIT);
            client.send(Map.of("type", "ping"));
            client.awaitType("pong", WAIT);
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void oversizedFrameClosesWith1009() {
        Session alice = http.registerAndLogin(unique("alice"));
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            client.awaitType("connected", WAIT);
            client.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "y".repeat(40_000) + "\"}");
            assertThat(client.awaitClose(WAIT)).isEqualTo(1009);
        }
    }

    @Test
    void subscriptionsBeyondTheCapAreRefused() {
        Session alice = http.registerAndLogin(unique("alice"));
        List<Long> threads = new ArrayList<>();
        for (int i = 0; i <= MAX_SUBSCRIPTIONS; i++) {
            threads.add(http.createThread(alice, "Cap " + i, "x", 0).path("id").asLong());
        }
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
                client.subscribe(threads.get(i));
                client.await(type("subscribed", threads.get(i)), WAIT);
            }
            client.subscribe(threads.get(MAX_SUBSCRIPTIONS));
            assertThat(client.awaitType("error", WAIT).path("code").asText()).isEqualTo("too_many_subscriptions");
            client.send(Map.of("type", "unsubscribe", "thread_id", threads.get(0)));
            client.await(type("unsubscribed", threads.get(0)), WAIT);
            client.subscribe(threads.get(MAX_SUBSCRIPTIONS));
            client.await(type("subscribed", threads.get(MAX_SUBSCRIPTIONS)), WAIT);
        }
    }

    @Test
    void floodingGetsRateLimitedThenDisconnected() {
        Session alice = http.registerAndLogin(unique("alice"));
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            client.awaitType("connected", WAIT);
            // The gateway may close the connection between two sends: that ends the flood.
            int sent = 0;
            while (sent < 200 && client.trySendRaw("{\"type\":\"ping\"}")) {
                sent++;
            }
            JsonNode limited = client.await(type("error"), WAIT);
            assertThat(limited.path("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.path("temporary").asBoolean()).isTrue();
            assertThat(client.awaitClose(WAIT)).isEqualTo(4508);
        }
    }

    @Test
    void silentConnectionGetsHeartbeats() {
        Session alice = http.registerAndLogin(unique("alice"));
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            client.awaitType("connected", WAIT);
            client.awaitType("heartbeat", WAIT);
        }
    }

    @Test
    void metricsExposeConnectionsDeliveriesAndLatency() {
        Session alice = http.registerAndLogin(unique("alice"));
        long threadId = http.createThread(alice, "Metrics", "x", 0).path("id").asLong();
        try (WsClient client = WsClient.connect(gateway.wsUri(V2), alice.token())) {
            client.subscribe(threadId);
            client.await(type("subscribed", threadId), WAIT);
            long id = http.postMessage(alice, threadId, "measured").path("id").asLong();
            client.await(newMessage(id), WAIT);
            String metrics = gateway.get("/q/metrics");
            assertThat(metrics).contains("gateway_connections{endpoint=\"v2\"}")
                    .contains("gateway_deliveries_total{type=\"new_message\"}")
                    .contains("gateway_delivery_latency_seconds_bucket{le=\"0.01\"}")
                    .doesNotContain("quantile=")
                    .contains("gateway_sent_bytes_total")
                    .contains("gateway_redis_up 1.0");
        }
    }
}

package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 7: bad input over the wire (malformed and oversized frames, floods, forged tokens, bad HTTP
 * bodies, script in markdown) while well-behaved clients on both replicas watch a thread that receives
 * a steady stream of posts. Each attack gets a clear error or close code; every service stays up; the
 * well-behaved clients lose nothing (checked last).
 */
@ExtendWith(SharedStack.class)
@Order(Order.DEFAULT + 3)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final HttpClient RAW = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Stack stack;
    private ForumHttp http;
    private Session eve;
    private long threadId;
    private Ledger.Moment start;
    private Poster poster;
    private HttpClient sockets;
    private final List<LoadClient> bystanders = new ArrayList<>();
    private int attacks;

    @BeforeAll
    void startBystanders(Stack stack) throws Exception {
        this.stack = stack;
        http = stack.http();
        Session author = Wire.user(http, "author", "member", 0);
        Session reader = Wire.user(http, "reader", "member", 0);
        eve = Wire.user(http, "eve", "member", 0);
        threadId = http.createThread(author, Wire.unique("Under attack"), "calm", 0).path("id").asLong();
        sockets = LoadClient.sharedHttpClient(1);
        bystanders.addAll(LoadClient.subscribedOnEveryReplica(sockets, stack, reader.token(), 4, threadId));
        start = Ledger.nowIncluding(http, threadId);
        poster = new Poster(http, List.of(author), threadId).start(10);
    }

    @AfterAll
    void stopBystanders() {
        if (poster != null) {
            poster.close();
        }
        bystanders.forEach(LoadClient::close);
    }

    @Test
    @Order(1)
    void malformedFramesGetAClearErrorAndTheConnectionStaysUsable() {
        for (ServiceProcess gateway : stack.gateways()) {
            try (WsClient client = WsClient.connect(gateway.wsUri(V2), eve.token())) {
                client.awaitType("connected", WAIT);
                Map<String, String> expected = Map.of(
                        "{not json", "malformed_json",
                        "[1,2,3]", "malformed_json",
                        "{\"type\":\"hack_the_planet\"}", "unknown_type",
                        "{\"type\":\"subscribe\"}", "missing_field",
                        "{\"type\":\"subscribe\",\"thread_id\":-5}", "invalid_field",
                        "{\"type\":\"subscribe\",\"thread_id\":1,\"last_event_id\":\"'; DROP TABLE\"}", "invalid_field",
                        "{\"thread_id\":1}", "missing_field");
                for (Map.Entry<String, String> attack : expected.entrySet()) {
                    int before = client.framesOfType("error").size();
                    client.sendRaw(attack.getKey());
                    List<JsonNode> errors = client.awaitCount(type("error"), before + 1, WAIT);
                    JsonNode error = errors.get(before);
                    assertThat(error.path("code").asText()).as(attack.getKey()).isEqualTo(attack.getValue());
                    assertThat(error.path("message").asText()).isNotBlank();
                    attacks++;
                }
                client.send(Map.of("type", "ping"));
                client.awaitType("pong", WAIT);
                assertThat(client.isClosed()).isFalse();
            }
        }
    }

    @Test
    @Order(2)
    void oversizedFrameClosesOnlyThatConnectionWith1009() {
        for (ServiceProcess gateway : stack.gateways()) {
            try (WsClient client = WsClient.connect(gateway.wsUri(V2), eve.token())) {
                client.awaitType("connected", WAIT);
                String huge = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";
                try {
                    client.sendRaw(huge);
                } catch (RuntimeException closedWhileSending) {
                    // the server may cut the connection before the frame is fully written
                }
                assertThat(client.awaitClose(WAIT)).isIn(1009, WsClient.ABNORMAL);
                attacks++;
            }
        }
    }

    @Test
    @Order(3)
    void floodGetsRateLimitedThenClosedWith4508() {
        for (ServiceProcess gateway : stack.gateways()) {
            try (WsClient client = WsClient.connect(gateway.wsUri(V2), eve.token())) {
                client.awaitType("connected", WAIT);
                for (int i = 0; i < 500 && !client.isClosed(); i++) {
                    try {
                        client.sendRaw("{\"type\":\"ping\"}");
                    } catch (RuntimeException closed) {
                        break;
                    }
                }
                assertThat(client.awaitClose(WAIT)).isEqualTo(4508);
                assertThat(client.framesOfType("error")).extracting(e -> e.path("code").asText())
                        .contains("rate_limited");
                attacks++;
            }
        }
    }

    @Test
    @Order(4)
    void forgedOrRevokedCredentialsAreRefusedBeforeTheUpgrade() {
        Session revoked = Wire.user(http, "revoked", "member", 0);
        http.logout(revoked);
        for (ServiceProcess gateway : stack.gateways()) {
            for (String token : new String[] {null, "forged-" + UUID.randomUUID(), revoked.token(), "' OR 1=1 --"}) {
                assertThat(WsClient.handshakeStatus(gateway.wsUri(V2), token)).isEqualTo(401);
                attacks++;
            }
            assertThat(WsClient.handshakeStatus(gateway.wsUri("/api/forum/ws/thread/not-a-number"), eve.token()))
                    .isEqualTo(400);
            attacks++;
        }
    }

    @Test
    @Order(5)
    void badHttpInputGetsAClearErrorBodyAndScriptIsNeutralised() throws Exception {
        String base = stack.forumApi().httpUrl() + "/api/forum/threads/" + threadId + "/messages";
        assertErrorBody(post(base, eve.token(), "{\"content\": "), 400, "malformed_json");
        assertErrorBody(post(base, "forged-" + UUID.randomUUID(), "{\"content\":\"hi\"}"), 401, null);
        assertErrorBody(post(base, eve.token(), "{\"content\":\"" + "x".repeat(200_000) + "\"}"), 400, null);
        attacks += 3;

        long id = http.postMessage(eve, threadId, "<script>alert(1)</script><img src=x onerror=alert(2)> **ok**")
                .path("id").asLong();
        LoadClient watcher = bystanders.get(1);
        assertThat(watcher.await(Wire.newMessage(id), WAIT)).isTrue();
        JsonNode frame = watcher.frames().stream().filter(Wire.newMessage(id)).findFirst().orElseThrow();
        String html = frame.path("message").path("content_html").asText();
        assertThat(html).as("markup arrives as inert text").doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("<img");
    }

    @Test
    @Order(99)
    void servicesStayUpAndWellBehavedClientsLoseNothing() {
        poster.stop();
        for (ServiceProcess service : List.of(stack.forumApi(), stack.gateway(0), stack.gateway(1))) {
            assertThat(service.isAlive()).as(service.name() + " alive").isTrue();
            assertThat(service.readiness()).as(service.name() + " ready").isEqualTo(200);
        }
        Map<Long, List<JsonNode>> expected = Delivery.expected(http, start, threadId);
        List<Supplier<List<JsonNode>>> frames = bystanders.stream().<Supplier<List<JsonNode>>>map(c -> c::frames)
                .toList();
        Delivery.awaitComplete(expected, frames, Duration.ofSeconds(30));
        Tally tally = Delivery.count(new Tally("bad-input").sent(poster.sent()), expected, frames)
                .note("attacks", attacks).note("bystanders", bystanders.size())
                .note("bystanders_closed", bystanders.stream().filter(LoadClient::isClosed).count()).print();
        assertThat(bystanders).noneMatch(LoadClient::isClosed);
        tally.assertClean();
    }

    private static HttpResponse<String> post(String url, String token, String body)
            throws IOException, InterruptedException {
        return RAW.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertErrorBody(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = ForumHttp.JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isNotBlank();
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        if (code != null) {
            assertThat(error.path("code").asText()).isEqualTo(code);
        }
    }
}

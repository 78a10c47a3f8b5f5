package dev.forum.system.scenario;

import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attacks on the gateway from outside (issue 10), each against the real processes of the shared
 * stack, with a positive control so that each check can fail.
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAttacksIT {

    private static final int PER_USER_LIMIT = 20;
    private static final int MAX_AUTH_FAILURES = 30;
    private static final int TOO_MANY_CONNECTIONS = 4509;

    private Stack stack;
    private ForumHttp http;

    @BeforeAll
    void setUp(Stack stack) {
        this.stack = stack;
        http = stack.http();
    }

    /**
     * Cross-site WebSocket hijacking: a page on another site opens our socket and the browser attaches
     * the user's cookie. Refused with 403 before the upgrade; the same cookie from our own origin, and
     * clients without an Origin or with a bearer token, still connect.
     */
    @Test
    void crossSiteWebSocketHijackingWithTheSessionCookieIsRefused() {
        Session victim = Wire.user(http, "victim", "member", 0);
        ServiceProcess gateway = stack.gateway(0);
        URI v2 = gateway.wsUri(V2);
        String cookie = "forum_session=" + victim.token();
        String ownOrigin = "http://127.0.0.1:" + gateway.port();

        assertThat(WsClient.handshakeStatusWith(v2, Map.of("Cookie", cookie, "Origin", "https://evil.example")))
                .isEqualTo(403);
        assertThat(WsClient.handshakeStatusWith(gateway.wsUri("/api/forum/ws/global"),
                Map.of("Cookie", cookie, "Origin", "http://127.0.0.1:1"))).isEqualTo(403);
        assertThat(RedisLink.metric(gateway, "gateway_upgrades_refused_total")).isGreaterThanOrEqualTo(2);

        assertThat(WsClient.handshakeStatusWith(v2, Map.of("Cookie", cookie, "Origin", ownOrigin))).isEqualTo(101);
        assertThat(WsClient.handshakeStatusWith(v2, Map.of("Cookie", cookie))).isEqualTo(101);
        assertThat(WsClient.handshakeStatusWith(v2, Map.of("Authorization", "Bearer " + victim.token(),
                "Origin", "https://tool.example"))).isEqualTo(101);
    }

    /**
     * Forged events: anything that can publish to Redis sends {@code user_updated} promoting a member to
     * admin, or a fake notification, on a channel that does not carry that type or without the outbox's
     * {@code seq}. The gateways drop and count them: the member stays a member (a gated thread is still
     * refused) and receives no fake notification.
     */
    @Test
    void forgedEventsWithoutSeqOrOnTheWrongChannelAreDroppedAndCounted() {
        Session admin = http.admin();
        Session mallory = Wire.user(http, "mallory", "member", 0);
        long gated = http.createThread(admin, Wire.unique("Gated"), "gold only", 1000).path("id").asLong();
        ServiceProcess gateway = stack.gateway(0);
        try (WsClient socket = WsClient.connect(gateway.wsUri(V2), mallory.token())) {
            socket.awaitType("connected", WAIT);
            double before = RedisLink.metric(gateway, "gateway_drops_total");

            String promote = envelope("user_updated", "internal", null, mallory.userId(),
                    "{\"user\":{\"id\":" + mallory.userId() + ",\"role\":\"admin\",\"tier_cents\":100000}}");
            String notification = envelope("forum_notification", "user", mallory.userId(), null,
                    "{\"notification\":{\"id\":1,\"type\":\"mention\",\"thread_id\":" + gated + "}}");
            String ns = stack.namespace();
            stack.redis().command("PUBLISH", ns + ":events:{-1}", promote); // the forum shard: every gateway hears it
            stack.redis().command("PUBLISH", ns + ":typing", promote);
            stack.redis().command("PUBLISH", ns + ":typing", notification);
            stack.redis().command("PUBLISH", ns + ":events:{-1}", notification);

            await().atMost(WAIT).until(() -> RedisLink.metric(gateway, "gateway_drops_total") >= before + 4);
            socket.send(Map.of("type", "subscribe", "thread_id", gated));
            socket.await(type("error").and(f -> "forbidden_thread".equals(f.path("code").asText())), WAIT);
            assertThat(socket.framesOfType("forum_notification")).isEmpty();
        }
    }

    /**
     * Connection exhaustion by one account: past {@code gateway.connections.per-user} (20) sockets on a
     * gateway, the next one is closed with 4509.
     */
    @Test
    void oneUserCannotOpenMoreThanTheConnectionLimit() {
        Session hoarder = Wire.user(http, "hoarder", "member", 0);
        URI v2 = stack.gateway(1).wsUri(V2);
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_USER_LIMIT; i++) {
                WsClient socket = WsClient.connect(v2, hoarder.token());
                socket.awaitType("connected", WAIT);
                open.add(socket);
            }
            try (WsClient oneTooMany = WsClient.connect(v2, hoarder.token())) {
                assertThat(oneTooMany.awaitClose(WAIT)).isEqualTo(TOO_MANY_CONNECTIONS);
            }
        } finally {
            open.forEach(WsClient::close);
        }
    }

    /**
     * Random tokens cost forum-api a call each: past {@code gateway.auth.max-failures} (30) failed
     * handshakes from one client address in a minute, that address gets 429 before forum-api is asked.
     * Other addresses are unaffected. (The address is the last X-Forwarded-For entry, as the front door
     * and the Ingress append it.)
     */
    @Test
    void randomTokensFromOneAddressAreThrottledBeforeReachingForumApi() {
        URI v2 = stack.gateway(0).wsUri(V2);
        String attacker = "203.0.113." + (1 + (int) (Math.random() * 250));
        for (int i = 0; i < MAX_AUTH_FAILURES; i++) {
            assertThat(WsClient.handshakeStatusWith(v2, Map.of("Authorization", "Bearer " + UUID.randomUUID(),
                    "X-Forwarded-For", attacker))).isEqualTo(401);
        }
        assertThat(WsClient.handshakeStatusWith(v2, Map.of("Authorization", "Bearer " + UUID.randomUUID(),
                "X-Forwarded-For", attacker))).isEqualTo(429);
        Session member = Wire.user(http, "neighbour", "member", 0);
        assertThat(WsClient.handshakeStatusWith(v2, Map.of("Authorization", "Bearer " + member.token(),
                "X-Forwarded-For", "198.51.100.9"))).isEqualTo(101);
    }

    private static String envelope(String type, String audience, Long userId, Long aboutUser, String payload) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"aggregate_type\":\"user\","
                + "\"aggregate_id\":\"" + (aboutUser != null ? aboutUser : userId) + "\",\"audience\":\"" + audience + "\","
                + (userId != null ? "\"user_id\":" + userId + "," : "")
                + "\"committed_at\":\"" + Instant.now() + "\",\"payload\":" + payload + "}";
    }
}

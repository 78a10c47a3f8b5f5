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
import java.util.Map;

import static dev.forum.system.scenario.Wire.V2;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the gateway from outside (issue 10), each against the real processes of the shared
 * stack, with a positive control so that each check can fail.
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAttacksIT {

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
}

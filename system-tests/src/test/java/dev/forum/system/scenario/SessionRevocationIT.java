package dev.forum.system.scenario;

import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.Stack;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;

import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation gaps (issue 10, finding 7), against real processes: sessions live 15 s here, and the
 * gateway resolves sessions through a second forum-api replica that can be killed while the first one
 * keeps publishing events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionRevocationIT {

    private static final Duration SESSION_TTL = Duration.ofSeconds(15);
    private static final int SESSION_REVOKED = 4501;
    private static final int SESSION_UNVERIFIED = 4003;

    private Stack stack;
    private ForumHttp http;

    @BeforeAll
    void start() {
        stack = Stack.builder().gateways(1).secondForumApiForGateways()
                .forumApiProperty("forum.auth.session-ttl", SESSION_TTL.toSeconds() + "s")
                .start();
        http = stack.http();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A socket outliving its session: it is closed with 4501 when the session expires. */
    @Test
    @Order(1)
    void aSocketIsClosedWhenItsSessionExpires() {
        Session user = http.registerAndLogin(Wire.unique("expiring"));
        try (WsClient socket = WsClient.connect(stack.gateway(0).wsUri(V2), user.token())) {
            socket.awaitType("connected", WAIT);
            assertThat(socket.awaitClose(SESSION_TTL.plus(WAIT))).isEqualTo(SESSION_REVOKED);
        }
    }

    /**
     * A logout the gateway cannot check (forum-api down for it when {@code session_revoked} arrives): the
     * socket is closed with the reconnectable 4003, so the client must authenticate again.
     */
    @Test
    @Order(2)
    void aLogoutThatCannotBeCheckedClosesTheSocketInsteadOfKeepingItOpen() {
        Session phone = http.registerAndLogin(Wire.unique("twodevices"));
        Session laptop = http.anotherSession(phone);
        try (WsClient socket = WsClient.connect(stack.gateway(0).wsUri(V2), phone.token())) {
            socket.awaitType("connected", WAIT);
            stack.gatewaysForumApi().kill();

            http.logout(laptop);

            assertThat(socket.awaitClose(WAIT)).isEqualTo(SESSION_UNVERIFIED);
        }
    }
}

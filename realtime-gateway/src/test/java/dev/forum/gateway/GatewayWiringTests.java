package dev.forum.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The gateway booted whole (CDI wiring, configuration, the upgrade check, the broker on the real Redis under a
 * namespace of its own), with forum-api unreachable: what it can answer without forum-api, and that it fails closed
 * where it needs it.
 */
@QuarkusTest
@TestProfile(GatewayWiringTests.NoForumApi.class)
class GatewayWiringTests {

    /** A fresh Redis namespace; forum-api on port 1, which refuses every connection. */
    public static final class NoForumApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.redis.namespace", "gw_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
                    "gateway.forum-api.url", "http://127.0.0.1:1", "gateway.forum-api.timeout", "2s");
        }
    }

    @TestHTTPResource("/api/forum/ws/v2")
    URI socket;

    @Test
    void shouldBeReadyAndSubscribedToRedis() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready").then().statusCode(200)
                        .body("checks.find { it.name == 'realtime-gateway' }.data.redis", equalTo("up"))
                        .body("checks.find { it.name == 'realtime-gateway' }.data.mode", equalTo("redis")));
    }

    @Test
    void shouldRefuseAnUpgradeWithoutASession() {
        assertThat(upgradeStatus(null)).isEqualTo(401);
    }

    @Test
    void shouldRefuseAnUpgradeWithServiceUnavailableWhenForumApiCannotConfirmTheSession() {
        assertThat(upgradeStatus("some-token")).isEqualTo(503);
    }

    private int upgradeStatus(String bearer) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        URI ws = URI.create(socket.toString().replaceFirst("^http", "ws"));
        Throwable failure = null;
        try {
            builder.buildAsync(ws, new WebSocket.Listener() {
            }).get(30, TimeUnit.SECONDS).abort();
        } catch (Exception e) {
            failure = e instanceof ExecutionException ? e.getCause() : e;
        }
        assertThat(failure).as("the upgrade is refused").isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure).getResponse().statusCode();
    }
}

package dev.forum.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
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
import static org.hamcrest.Matchers.containsString;
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
        handshake().get("/api/forum/ws/v2").then().statusCode(401).contentType(ContentType.JSON)
                .body("error.code", equalTo("unauthorized"));
    }

    @Test
    void shouldRefuseAnUpgradeWithServiceUnavailableWhenForumApiCannotConfirmTheSession() {
        assertThat(upgradeStatus("some-token")).isEqualTo(503);
        handshake().header("Authorization", "Bearer some-token").get("/api/forum/ws/global").then().statusCode(503)
                .contentType(ContentType.JSON).body("error.code", equalTo("upstream_unavailable"));
    }

    @Test
    void shouldRefuseTheSessionCookieFromAForeignOrigin() {
        handshake().cookie("forum_session", "some-token").header("Origin", "https://elsewhere.example")
                .get("/api/forum/ws/v2").then().statusCode(403).contentType(ContentType.JSON)
                .body("error.code", equalTo("foreign_origin"));
        given().get(TestHTTPResourceManager.getManagementUri() + "/metrics").then().statusCode(200)
                .body(containsString("gateway_upgrades_refused_total{reason=\"foreign_origin\"}"));
    }

    @Test
    void shouldRefuseAThreadEndpointWhoseIdIsNotAPositiveInteger() {
        handshake().header("Authorization", "Bearer some-token").get("/api/forum/ws/thread/abc").then()
                .statusCode(400).contentType(ContentType.JSON).body("error.code", equalTo("bad_thread_id"));
    }

    @Test
    void shouldNotTakeAPlainGetForAnUpgrade() {
        given().get("/api/forum/ws/v2").then().statusCode(404);
    }

    /** The headers of a WebSocket handshake, sent as a plain HTTP request to read the refusal's body. */
    private static RequestSpecification handshake() {
        return given().header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13")
                .header("Upgrade", "websocket").header("Connection", "Upgrade");
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

package dev.forum.system.scenario;

import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.RedisServer;
import dev.forum.system.Stack;
import dev.forum.system.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static dev.forum.system.scenario.Wire.V2;
import static dev.forum.system.scenario.Wire.WAIT;
import static dev.forum.system.scenario.Wire.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forgeable events (issue 10, finding 8), against a real {@code redis-server} run with the project's
 * ACL users (scripts/redis-users.acl.template): no default user, each service connected as its own
 * least-rights user. A service's account cannot publish what another service publishes, and the whole
 * stack (two gateways, notification-service) still works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisAclIT {

    private static final String FORGED = "{\"event_id\":\"7f6d0c1e-4d0b-4c53-9a43-2f1a1f0f6a11\",\"seq\":999999,"
            + "\"type\":\"user_updated\",\"aggregate_type\":\"user\",\"aggregate_id\":\"1\",\"audience\":\"internal\","
            + "\"payload\":{\"user\":{\"id\":1,\"role\":\"admin\"}}}";

    private Stack stack;
    private ForumHttp http;

    @BeforeAll
    void start() {
        stack = Stack.builder().gateways(2).withNotificationService().redisAcl().start();
        http = stack.http();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theGatewaysAccountCannotPublishAForgedEvent() {
        RedisServer redis = stack.redis();
        String events = stack.namespace() + ":events:0";
        String notify = stack.namespace() + ":notify";

        assertThat(redis.commandAs(RedisServer.GATEWAY, "PUBLISH", events, FORGED)).startsWith("NOPERM");
        assertThat(redis.commandAs(RedisServer.GATEWAY, "PUBLISH", notify, FORGED)).startsWith("NOPERM");
        assertThat(redis.commandAs(RedisServer.NOTIFICATION_SERVICE, "PUBLISH", events, FORGED)).startsWith("NOPERM");
        assertThat(redis.commandAs(RedisServer.FORUM_API, "PUBLISH", notify, FORGED)).startsWith("NOPERM");
        assertThat(redis.commandAs(RedisServer.GATEWAY, "CLIENT", "KILL", "TYPE", "pubsub")).startsWith("NOPERM");
        assertThat(redis.commandAs(null, "PUBLISH", events, FORGED)).startsWith("NOAUTH");
        // The positive control: forum-api's account may publish outbox events.
        assertThat(redis.commandAs(RedisServer.FORUM_API, "PUBLISH", stack.namespace() + ":events:1", "{}"))
                .doesNotStartWith("NOPERM");
    }

    @Test
    void theStackWorksWithLeastRightsUsers() {
        Session alice = Wire.user(http, "alice", "member", 0);
        Session bob = Wire.user(http, "bob", "member", 0);
        long thread = http.createThread(alice, Wire.unique("ACL"), "first", 0).path("id").asLong();
        try (WsClient aliceSocket = Wire.subscribedV2(stack.gateway(0).wsUri(V2), alice, thread);
                WsClient bobSocket = Wire.subscribedV2(stack.gateway(1).wsUri(V2), bob, thread)) {
            aliceSocket.send(Map.of("type", "typing", "thread_id", thread, "is_typing", true));
            bobSocket.await(type("user_typing", thread), WAIT);

            long message = http.postMessage(alice, thread, "hello @" + bob.username()).path("id").asLong();

            aliceSocket.await(Wire.newMessage(message), WAIT);
            bobSocket.await(Wire.newMessage(message), WAIT);
            bobSocket.await(type("forum_notification"), WAIT);
            assertThat(RedisLink.metric(stack.gateway(1), "gateway_redis_up")).isEqualTo(1.0);
        }
    }
}

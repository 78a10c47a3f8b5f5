package dev.forum.system;

import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness's own redis-server is stopped while messages are posted, then started again: gateways
 * deliver from the feed meanwhile, resubscribe when Redis is back, and every client has every event
 * once, in order.
 */
class RedisOutageIT extends StackTestBase {

    private static final Duration SWITCH = Duration.ofSeconds(20);

    @Test
    void everyClientHasEveryEventOnceInOrderAcrossARedisOutage() {
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Outage", "start", 0).path("id").asLong();
        try (WsClient a = WsClient.connectSubscribed(stack.gateway(0).wsUri(V2), alice.token(), threadId);
             WsClient b = WsClient.connectSubscribed(stack.gateway(1).wsUri(V2), bob.token(), threadId)) {
            List<Long> posted = new ArrayList<>(http.postMessages(alice, threadId, 3, "before"));

            stack.redis().stop();
            awaitMode("feed_polling");
            posted.addAll(http.postMessages(bob, threadId, 5, "during"));
            a.await(newMessage(posted.get(posted.size() - 1)), WAIT);
            b.await(newMessage(posted.get(posted.size() - 1)), WAIT);

            stack.redis().start();
            awaitMode("redis");
            posted.addAll(http.postMessages(alice, threadId, 3, "after"));
            for (WsClient client : List.of(a, b)) {
                Frames.assertEveryMessageOnceInOrder(client, threadId, posted);
            }
        }
    }

    @Test
    void readinessStaysUpAndReportsTheRedisLink() {
        for (ServiceProcess gateway : stack.gateways()) {
            assertThat(gateway.readiness()).isEqualTo(200);
            assertThat(gateway.get("/q/health/ready").replace(" ", "")).contains("\"redis\":\"up\"");
            assertThat(gateway.get("/q/metrics")).contains("gateway_redis_up 1.0");
        }
    }

    private void awaitMode(String mode) {
        long deadline = System.nanoTime() + SWITCH.toNanos();
        for (ServiceProcess gateway : stack.gateways()) {
            while (!gateway.get("/q/health/ready").replace(" ", "").contains("\"mode\":\"" + mode + "\"")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(gateway.name() + " not in mode " + mode + ": "
                            + gateway.get("/q/health/ready"));
                }
                ServiceProcess.sleep(100);
            }
            assertThat(gateway.readiness()).as("readiness stays UP in mode " + mode).isEqualTo(200);
        }
    }
}

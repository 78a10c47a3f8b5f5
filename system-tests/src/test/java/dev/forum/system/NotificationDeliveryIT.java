package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole chain: forum-api outbox -> notification-service -> Redis notify channel -> gateway -> the addressee. */
class NotificationDeliveryIT extends StackTestBase {

    private static final Duration NOTIFY_WAIT = Duration.ofSeconds(30);

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        return builder.gateways(2).withNotificationService();
    }

    @Test
    void mentionedUserGetsTheNotificationOnAnotherReplicaAndNobodyElseDoes() {
        assertThat(stack.notificationService()).as("notification-service jar packaged").isPresent();
        Session alice = http.registerAndLogin(unique("alice"));
        Session bob = http.registerAndLogin(unique("bob"));
        long threadId = http.createThread(alice, "Mentions", "start", 0).path("id").asLong();
        try (WsClient bobGlobal = WsClient.connect(stack.gateway(1).wsUri("/api/forum/ws/global"), bob.token());
             WsClient aliceGlobal = WsClient.connect(stack.gateway(0).wsUri("/api/forum/ws/global"), alice.token())) {
            bobGlobal.awaitType("connected", WAIT);
            aliceGlobal.awaitType("connected", WAIT);
            http.postMessage(alice, threadId, "hey @" + bob.username() + " look");

            JsonNode notification = bobGlobal.await(type("forum_notification")
                    .and(frame -> "mention".equals(frame.path("notification").path("type").asText())), NOTIFY_WAIT);
            assertThat(notification.path("notification").path("thread_id").asLong()).isEqualTo(threadId);
            bobGlobal.await(type("forum_notification_count"), NOTIFY_WAIT);
            assertThat(aliceGlobal.frames()).noneMatch(type("forum_notification")
                    .and(frame -> "mention".equals(frame.path("notification").path("type").asText())));
        }
    }
}

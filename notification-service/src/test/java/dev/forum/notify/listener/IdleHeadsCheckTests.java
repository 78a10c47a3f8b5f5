package dev.forum.notify.listener;

import dev.forum.notify.ForumApiUsers.Session;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.time.Duration;
import java.util.Map;

import static dev.forum.notify.ForumApiUsers.createThread;
import static dev.forum.notify.ForumApiUsers.messageIds;
import static dev.forum.notify.ForumApiUsers.postMessage;
import static dev.forum.notify.ForumApiUsers.register;
import static org.awaitility.Awaitility.await;

/**
 * The idle check: pub/sub brings nothing (forum-api publishes where this service does not listen) while the
 * subscription itself is live (its heartbeat comes back), as when the last events of shards were lost between
 * Redis and the consumer. After {@code notify.consumer.idle-poll-interval} without events the consumer compares the
 * feed's heads summed with its cursors, finds them different and reads the shards' pages: every event is consumed
 * although none came over Redis.
 */
@QuarkusTest
@TestProfile(IdleHeadsCheckTests.SilentChannels.class)
@EnabledIf(value = "dev.forum.notify.ForumApiProcess#jarAvailable",
        disabledReason = "forum-api is not packaged (the full build packages it before this module)")
class IdleHeadsCheckTests {

    /** As {@link LiveEventsTests.MirroredEvents}, with an idle check every couple of seconds. */
    public static class SilentChannels extends LiveEventsTests.MirroredEvents {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("notify.consumer.enabled", "true", "notify.consumer.poll-interval", "1s",
                    "notify.consumer.idle-poll-interval", "2s");
        }
    }

    @Inject
    FeedConsumer consumer;

    @Test
    void theIdleCheckReadsEventsThatPubSubNeverBrought() {
        await().atMost(Duration.ofSeconds(30)).until(consumer::leader);
        Session alice = register();
        long thread = createThread(alice, "Idle");
        Session bob = register();

        long message = postMessage(alice, thread, "@" + bob.username() + " never on Redis");

        await().atMost(Duration.ofSeconds(30)).until(() -> messageIds(bob).contains(message));
    }
}

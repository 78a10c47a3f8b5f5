package dev.forum.notify.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PrivateRedis;
import dev.forum.notify.PushRecorder;
import dev.forum.notify.db.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable pushes: written to push_outbox in the transaction of the notification, published by the
 * relay after the commit, kept while Redis is unreachable and published once it is back, and
 * published after a restart when a previous run left them pending. Real PostgreSQL, a private
 * redis-server this class stops and starts.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
@TestProfile(PrivateRedis.class)
class PushRelayTests {

    private static final Duration PUBLISHED = Duration.ofSeconds(10);

    @Inject
    Forum forum;
    @Inject
    PushRecorder pushes;
    @Inject
    PushRelay relay;
    @Inject
    Sql sql;

    @Test
    void startPublishesPushesThePreviousRunLeftPending() {
        await().atMost(PUBLISHED).until(() -> !pushes.forUser(PrivateRedis.PENDING_USER_ID,
                "forum_notification_count").isEmpty());

        assertThat(pushes.matching(p -> PrivateRedis.PENDING_EVENT_ID.toString().equals(p.path("event_id").asText())))
                .singleElement().satisfies(p -> assertThat(p.path("payload").path("count").asLong()).isEqualTo(3));
        assertThat(pendingFor(PrivateRedis.PENDING_USER_ID)).isZero();
    }

    @Test
    void commitPublishesPushesRightAfterwards() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User bob = forum.member(0);

        forum.post(author, thread, "hi @" + bob.username());

        await().atMost(PUBLISHED).until(() -> !pushes.forUser(bob.id(), "forum_notification_count").isEmpty());
        assertThat(pushes.forUser(bob.id(), "forum_notification")).hasSize(1);
        assertThat(pendingFor(bob.id())).isZero();
    }

    @Test
    void pushesCommittedWhileRedisIsDownArePublishedOnceItIsBack() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User bob = forum.member(0);
        PrivateRedis.redis.stop();
        long message;
        try {
            message = forum.post(author, thread, "while Redis is down @" + bob.username());

            // The commit woke the relay, whose publish failed: the pushes stay in the outbox.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> pendingFor(bob.id()) == 2);
        } finally {
            PrivateRedis.redis.start();
        }
        pushes.resubscribe();

        relay.sweep();

        await().atMost(PUBLISHED).until(() -> pendingFor(bob.id()) == 0);
        await().atMost(PUBLISHED).until(() -> pushes.forUser(bob.id(), "forum_notification_count").size() == 1);
        assertThat(pushes.matching(p -> p.path("user_id").asLong() == bob.id()))
                .extracting(p -> p.path("type").asText())
                .containsExactly("forum_notification", "forum_notification_count");
        JsonNode notification = pushes.forUser(bob.id(), "forum_notification").get(0).path("payload")
                .path("notification");
        assertThat(notification.path("message_id").asLong()).isEqualTo(message);
        assertThat(pushes.forUser(bob.id(), "forum_notification_count").get(0).path("payload").path("count").asLong())
                .isEqualTo(1);
    }

    private long pendingFor(long userId) {
        return sql.count("SELECT count(*) FROM push_outbox WHERE user_id = ?", userId);
    }
}

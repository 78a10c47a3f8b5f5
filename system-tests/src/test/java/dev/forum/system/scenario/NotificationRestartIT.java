package dev.forum.system.scenario;

import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 4: notification-service is SIGKILLed and restarted while messages mentioning a user are
 * posted. It consumes forum-api's feed durably (cursor + processed-events table), so after it catches
 * up the user has exactly one mention notification per message: checked through its REST API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationRestartIT {

    private static final double RATE = 10;

    private Stack stack;
    private ForumHttp http;
    private ForumHttp notifications;

    @BeforeAll
    void startStack() {
        stack = Stack.builder().gateways(1).withNotificationService().start();
        http = stack.http();
        ServiceProcess service = stack.notificationService()
                .orElseThrow(() -> new IllegalStateException("notification-service is not packaged"));
        notifications = new ForumHttp(service.httpUrl(), stack.internalToken());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyMentionIsNotifiedOnceAcrossAKillAndRestart() throws Exception {
        ServiceProcess service = stack.notificationService().orElseThrow();
        Session author = Wire.user(http, "author", "member", 0);
        Session target = Wire.user(http, "target", "member", 0);
        long threadId = http.createThread(author, Wire.unique("Mentions"), "start", 0).path("id").asLong();
        Ledger.Moment start = Ledger.nowIncluding(http, threadId);

        long sent;
        long failed;
        try (Poster poster = new Poster(http, List.of(author), threadId).contentPrefix("@" + target.username() + " ")) {
            poster.start(RATE);
            poster.awaitMorePosts(30);
            service.kill();
            poster.awaitMorePosts(20);
            service.start().awaitReady(Stack.READY_TIMEOUT);
            poster.awaitMorePosts(30);
            poster.stop();
            sent = poster.sent();
            failed = poster.failed();
        }

        List<Long> posted = Ledger.threadEvents(http, threadId, start).stream()
                .filter(event -> "new_message".equals(event.path("type").asText()))
                .map(event -> event.path("payload").path("message").path("id").asLong()).toList();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Wire.mentionsByMessage(notifications, target).keySet().containsAll(posted));
        Map<Long, Integer> mentions = Wire.mentionsByMessage(notifications, target);

        Tally tally = new Tally("notify-sigkill").sent(sent).expected(posted.size()).note("post_failures", failed);
        for (long messageId : posted) {
            int count = mentions.getOrDefault(messageId, 0);
            tally.received(Math.min(count, 1));
            tally.lost(count == 0 ? 1 : 0);
            tally.duplicated(Math.max(0, count - 1));
        }
        tally.leaked(mentions.keySet().stream().filter(id -> !posted.contains(id)).count()).print();
        assertThat(posted).hasSize((int) sent);
        assertThat(tally.lost()).as("lost").isZero();
        assertThat(tally.duplicated()).as("duplicated").isZero();
        assertThat(tally.leaked()).as("notifications for messages never posted").isZero();
    }
}

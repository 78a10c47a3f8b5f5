package dev.forum.notify.unread;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.notify.Events;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PushRecorder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class UnreadServiceTests {

    private static final int AUTHORS = 4;
    private static final int MESSAGES_EACH = 5;

    @Inject
    UnreadService unread;
    @Inject
    Forum forum;
    @Inject
    PushRecorder pushes;
    @Inject
    dev.forum.notify.push.PushRelay relay;
    @Inject
    dev.forum.notify.db.Sql sql;

    @Test
    void findUnreadCountsRightAfterConcurrentEventsFromSeveralUsers() throws Exception {
        List<User> authors = new ArrayList<>();
        List<Long> threads = new ArrayList<>();
        for (int i = 0; i < AUTHORS; i++) {
            User author = forum.member(0);
            authors.add(author);
            threads.add(forum.thread(0, author));
        }
        User reader = forum.member(0);
        ExecutorService pool = Executors.newFixedThreadPool(AUTHORS);
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < AUTHORS; i++) {
                User author = authors.get(i);
                long thread = threads.get(i);
                posts.add(pool.submit(() -> {
                    for (int m = 0; m < MESSAGES_EACH; m++) {
                        forum.post(author, thread, "@" + reader.username() + " #" + m);
                    }
                }));
            }
            for (Future<?> post : posts) {
                post.get();
            }
        } finally {
            pool.shutdown();
        }

        UnreadCounts counts = unread.findUnreadCounts(reader.id());

        assertThat(counts.total()).isEqualTo(AUTHORS * MESSAGES_EACH);
        assertThat(counts.threads()).hasSize(AUTHORS);
        threads.forEach(t -> assertThat(counts.threads()).containsEntry(Long.toString(t), (long) MESSAGES_EACH));
        await().atMost(Duration.ofSeconds(5)).until(() -> pushes.forUser(reader.id(), "forum_notification_count")
                .stream().anyMatch(p -> p.path("payload").path("count").asLong() == AUTHORS * MESSAGES_EACH));
    }

    @Test
    void countPushedForAMentionIsReadAfterAConcurrentReadMarkCommits() throws Exception {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User reader = forum.member(0);
        forum.post(author, thread, "@" + reader.username() + " first");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> mention;
        QuarkusTransaction.begin();
        try {
            unread.markAllRead(reader.id()); // marks "first" read; not committed yet
            mention = pool.submit(() -> forum.post(author, thread, "@" + reader.username() + " second"));
            // The mention's transaction must wait for this one before it reads the count it pushes.
            await().atMost(Duration.ofSeconds(5)).until(() -> mention.isDone() || waitingForPushOrder());
        } finally {
            QuarkusTransaction.commit();
        }
        mention.get();
        pool.shutdown();

        assertThat(unread.findUnreadCounts(reader.id()).total()).isEqualTo(1);
        assertThat(lastCount(reader)).isEqualTo(1);
    }

    private boolean waitingForPushOrder() {
        return sql.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0;
    }

    @Test
    void markThreadReadZeroesThatThreadAndPushesCounts() {
        User author = forum.member(0);
        long first = forum.thread(0, author);
        long second = forum.thread(0, author);
        User reader = forum.member(0);
        forum.post(author, first, "@" + reader.username());
        forum.post(author, first, "@" + reader.username() + " again");
        forum.post(author, second, "@" + reader.username());

        UnreadService.ReadResult result = unread.markThreadRead(reader.id(), first);

        assertThat(result).isEqualTo(new UnreadService.ReadResult(2, 0, 1));
        assertThat(unread.findUnreadCounts(reader.id()))
                .isEqualTo(new UnreadCounts(1, Map.of(Long.toString(second), 1L)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !pushes.forUser(reader.id(), "unread_count_updated").isEmpty());
        JsonNode payload = pushes.forUser(reader.id(), "unread_count_updated").get(0).path("payload");
        assertThat(payload.path("thread_id").asLong()).isEqualTo(first);
        assertThat(payload.path("thread_unread_count").asLong()).isZero();
        assertThat(payload.path("total_forum_unread").asLong()).isEqualTo(1);
        assertThat(payload.path("marked_read_count").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> pushes.forUser(reader.id(), "forum_notification_count")
                .stream().anyMatch(p -> p.path("payload").path("count").asLong() == 1));
    }

    @Test
    void messagesDeletedWithdrawTheirUnreadNotificationsAndPushCounts() {
        User author = forum.member(0);
        long first = forum.thread(0, author);
        long second = forum.thread(0, author);
        User reader = forum.member(0);
        long doomed = forum.post(author, first, "@" + reader.username());
        forum.post(author, first, "@" + reader.username() + " kept");
        forum.post(author, second, "@" + reader.username() + " elsewhere");

        forum.deliver(Events.messagesDeleted(first, doomed));

        assertThat(unread.findUnreadCounts(reader.id()))
                .isEqualTo(new UnreadCounts(2, Map.of(Long.toString(first), 1L, Long.toString(second), 1L)));
        JsonNode update = awaitLast(reader, "unread_count_updated");
        assertThat(update.path("thread_id").asLong()).isEqualTo(first);
        assertThat(update.path("thread_unread_count").asLong()).isEqualTo(1);
        assertThat(update.path("total_forum_unread").asLong()).isEqualTo(2);
        assertThat(update.path("marked_read_count").asLong()).isEqualTo(1);
        assertThat(lastCount(reader)).isEqualTo(2);
    }

    @Test
    void threadDeletedWithdrawsItsUnreadNotificationsForEveryReaderAndPushesCounts() {
        User author = forum.member(0);
        long doomed = forum.thread(0, author);
        long other = forum.thread(0, author);
        User alice = forum.member(0);
        User bob = forum.member(0);
        forum.post(author, doomed, "@" + alice.username() + " @" + bob.username());
        forum.post(author, doomed, "@" + alice.username() + " again");
        forum.post(author, other, "@" + alice.username() + " elsewhere");

        forum.deliver(Events.threadDeleted(doomed));

        assertThat(unread.findUnreadCounts(alice.id())).isEqualTo(new UnreadCounts(1, Map.of(Long.toString(other), 1L)));
        assertThat(unread.findUnreadCounts(bob.id())).isEqualTo(new UnreadCounts(0, Map.of()));
        JsonNode aliceUpdate = awaitLast(alice, "unread_count_updated");
        assertThat(aliceUpdate.path("thread_id").asLong()).isEqualTo(doomed);
        assertThat(aliceUpdate.path("thread_unread_count").asLong()).isZero();
        assertThat(aliceUpdate.path("total_forum_unread").asLong()).isEqualTo(1);
        assertThat(aliceUpdate.path("marked_read_count").asLong()).isEqualTo(2);
        assertThat(awaitLast(bob, "unread_count_updated").path("marked_read_count").asLong()).isEqualTo(1);
        assertThat(lastCount(alice)).isEqualTo(1);
        assertThat(lastCount(bob)).isZero();
    }

    @Test
    void threadTierRaisedAboveAReaderHidesItsNotificationsFromListAndCounts() {
        User author = forum.member(500);
        long raised = forum.thread(0, author);
        long open = forum.thread(0, author);
        User member = forum.member(0);
        User supporter = forum.member(500);
        forum.post(author, raised, "@" + member.username() + " @" + supporter.username() + " see this");
        forum.post(author, open, "@" + member.username() + " elsewhere");
        assertThat(unread.findUnreadCounts(member.id()).total()).isEqualTo(2);

        forum.deliver(Events.threadUpdated(raised, "now gated", 500));

        assertThat(unread.findUnreadCounts(member.id())).isEqualTo(new UnreadCounts(1, Map.of(Long.toString(open), 1L)));
        assertThat(notifications.findNotificationPage(member.id(), 100, null, false).notifications())
                .extracting(dev.forum.notify.notification.Notification::threadId).containsOnly(open);
        assertThat(notifications.findNotificationPage(member.id(), 100, null, false).unreadCount()).isEqualTo(1);
        assertThat(unread.findUnreadCounts(supporter.id()).total()).isEqualTo(1);
        assertThat(notifications.findNotificationPage(supporter.id(), 100, null, false).notifications()).hasSize(1);
        JsonNode update = awaitLast(member, "unread_count_updated");
        assertThat(update.path("thread_id").asLong()).isEqualTo(raised);
        assertThat(update.path("total_forum_unread").asLong()).isEqualTo(1);
        assertThat(lastCount(member)).isEqualTo(1);
    }

    @Test
    void markNotificationReadOfAnotherUserFindsNothing() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User reader = forum.member(0);
        User other = forum.member(0);
        forum.post(author, thread, "@" + reader.username());
        long notificationId = unreadIds(reader).get(0);

        assertThat(unread.markNotificationRead(other.id(), notificationId)).isEmpty();
        assertThat(unread.findUnreadCounts(reader.id()).total()).isEqualTo(1);
    }

    @Test
    void markNotificationReadLowersThreadAndTotal() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User reader = forum.member(0);
        forum.post(author, thread, "@" + reader.username());
        forum.post(author, thread, "@" + reader.username() + " 2");
        long notificationId = unreadIds(reader).get(0);

        assertThat(unread.markNotificationRead(reader.id(), notificationId))
                .contains(new UnreadService.ReadResult(1, 1, 1));
    }

    @Test
    void markAllReadZeroesEverything() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User reader = forum.member(0);
        forum.post(author, thread, "@" + reader.username());
        forum.post(author, thread, "@team @" + reader.username() + " 2");

        assertThat(unread.markAllRead(reader.id())).isEqualTo(new UnreadService.ReadResult(2, 0, 0));
        assertThat(unread.findUnreadCounts(reader.id())).isEqualTo(new UnreadCounts(0, Map.of()));
    }

    @Inject
    dev.forum.notify.notification.NotificationService notifications;

    /** The payload of the user's latest push of that type (waits for the first one). */
    private JsonNode awaitLast(User user, String type) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !pushes.forUser(user.id(), type).isEmpty());
        List<JsonNode> all = pushes.forUser(user.id(), type);
        return all.get(all.size() - 1).path("payload");
    }

    /** The count of the user's latest forum_notification_count, once the relay published everything. */
    private long lastCount(User user) {
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.pending() == 0);
        return awaitLast(user, "forum_notification_count").path("count").asLong();
    }

    private List<Long> unreadIds(User user) {
        return notifications.findNotificationPage(user.id(), 100, null, true).notifications().stream()
                .map(dev.forum.notify.notification.Notification::id).toList();
    }
}

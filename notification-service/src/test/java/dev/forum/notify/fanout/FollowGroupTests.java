package dev.forum.notify.fanout;

import dev.forum.contract.EventEnvelope;
import dev.forum.notify.Events;
import dev.forum.notify.Feed;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PushRecorder;
import dev.forum.notify.db.Sql;
import dev.forum.notify.listener.EventProcessor;
import dev.forum.notify.listener.Outcome;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationService;
import dev.forum.notify.notification.NotificationType;
import dev.forum.notify.unread.UnreadService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Followed-thread notifications are grouped per thread: one unread entry collects the thread's new messages until
 * the follower reads it. Against the real PostgreSQL and Redis, through the consumer's entry point.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class FollowGroupTests {

    @Inject
    Forum forum;
    @Inject
    Feed feed;
    @Inject
    EventProcessor processor;
    @Inject
    NotificationService notifications;
    @Inject
    UnreadService unread;
    @Inject
    PushRecorder pushes;
    @Inject
    Sql sql;

    @Test
    void severalMessagesCollectInOneGroupWithCountAndAuthors() {
        Followed t = followedThread();
        List<User> authors = List.of(forum.member(0), forum.member(0), forum.member(0), forum.member(0),
                forum.member(0));
        long first = forum.post(authors.get(0), t.thread, "one");
        for (User author : authors.subList(1, authors.size())) {
            forum.post(author, t.thread, "more");
        }
        forum.post(authors.get(1), t.thread, "bob again");

        Notification group = single(groups(t.follower));
        assertThat(group.messageCount()).isEqualTo(6);
        assertThat(group.messageId()).isEqualTo(first);
        assertThat(group.authors()).containsExactly(authors.get(1).username(), authors.get(4).username(),
                authors.get(3).username(), authors.get(2).username(), authors.get(0).username());
        assertThat(group.actor().id()).isEqualTo(authors.get(1).id());
        assertThat(group.content()).isEqualTo("6 new messages in \u201cThread " + t.thread + "\u201d from "
                + authors.get(1).username() + ", " + authors.get(4).username() + " and 3 others");
        assertThat(group.isRead()).isFalse();
        assertThat(unread.findUnreadCounts(t.follower.id()).threads()).containsEntry(Long.toString(t.thread), 1L);
    }

    @Test
    void oneMessageReadsAsBefore() {
        Followed t = followedThread();
        User alice = forum.member(0);

        forum.post(alice, t.thread, "hello");

        Notification group = single(groups(t.follower));
        assertThat(group.messageCount()).isEqualTo(1);
        assertThat(group.authors()).containsExactly(alice.username());
        assertThat(group.content()).isEqualTo("@" + alice.username() + " wrote in \u201cThread " + t.thread + "\u201d");
    }

    @Test
    void readingTheGroupMakesTheNextMessageStartANewOne() {
        Followed t = followedThread();
        User alice = forum.member(0);
        forum.post(alice, t.thread, "one");
        forum.post(alice, t.thread, "two");
        Notification read = single(groups(t.follower));

        unread.markNotificationRead(t.follower.id(), read.id());
        long next = forum.post(alice, t.thread, "three");

        List<Notification> groups = groups(t.follower);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).isRead()).isFalse();
        assertThat(groups.get(0).messageCount()).isEqualTo(1);
        assertThat(groups.get(0).messageId()).isEqualTo(next);
        assertThat(groups.get(1).id()).isEqualTo(read.id());
        assertThat(groups.get(1).messageCount()).isEqualTo(2);
        assertThat(groups.get(1).isRead()).isTrue();
        assertThat(unread.findUnreadCounts(t.follower.id()).threads()).containsEntry(Long.toString(t.thread), 1L);
    }

    @Test
    void redeliveredMessageEventCountsOnce() {
        Followed t = followedThread();
        EventEnvelope second = twoMessages(t);

        assertThat(processor.process(second.withSeq(feed.cursor() + 1))).isEqualTo(Outcome.DUPLICATE);

        assertThat(single(groups(t.follower)).messageCount()).isEqualTo(2);
    }

    @Test
    void messageAppliedAgainAfterItsDedupRecordWasPurgedCountsOnce() {
        Followed t = followedThread();
        EventEnvelope second = twoMessages(t);
        sql.update("DELETE FROM processed_events WHERE event_id = ?", second.eventId());

        assertThat(processor.process(second.withSeq(feed.cursor() + 1))).isEqualTo(Outcome.PROCESSED);

        assertThat(single(groups(t.follower)).messageCount()).isEqualTo(2);
    }

    @Test
    void mentionStaysASeparateNotificationBesideTheGroup() {
        Followed t = followedThread();
        User alice = forum.member(0);
        forum.post(alice, t.thread, "one");

        long mention = forum.post(alice, t.thread, "what do you think @" + t.follower.username() + "?");

        List<Notification> all = notifications.findNotificationPage(t.follower.id(), 20, null, false).notifications();
        assertThat(all).filteredOn(n -> NotificationType.MENTION.equals(n.type())).singleElement()
                .satisfies(n -> assertThat(n.messageId()).isEqualTo(mention));
        assertThat(single(groups(t.follower)).messageCount()).isEqualTo(1);
        assertThat(unread.findUnreadCounts(t.follower.id()).threads()).containsEntry(Long.toString(t.thread), 2L);
    }

    @Test
    void groupUpdatedByAMessageMovesToTheTopOfTheList() {
        Followed t = followedThread();
        User alice = forum.member(0);
        long other = forum.thread(0, alice);
        forum.post(alice, t.thread, "one");
        forum.post(alice, other, "@" + t.follower.username() + " elsewhere");

        forum.post(alice, t.thread, "two");

        Notification top = notifications.findNotificationPage(t.follower.id(), 1, null, false).notifications().get(0);
        assertThat(top.type()).isEqualTo(NotificationType.NEW_MESSAGE);
        assertThat(top.messageCount()).isEqualTo(2);
    }

    @Test
    void groupUpdatePushesTheUpdatedNotificationUnderItsId() {
        Followed t = followedThread();
        User alice = forum.member(0);
        forum.post(alice, t.thread, "one");
        long id = single(groups(t.follower)).id();

        forum.post(alice, t.thread, "two");

        await().atMost(Duration.ofSeconds(10)).until(() -> pushes.forUser(t.follower.id(), "forum_notification")
                .stream().map(p -> p.path("payload").path("notification"))
                .anyMatch(n -> n.path("id").asLong() == id && n.path("message_count").asInt() == 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> pushes.forUser(t.follower.id(), "forum_notification_count")
                .stream().anyMatch(p -> p.path("payload").path("count").asLong() == unreadTotal(t.follower)));
    }

    @Test
    void deletedMessagesLeaveTheirGroupAndAnEmptyGroupGoes() {
        Followed t = followedThread();
        User alice = forum.member(0);
        User bob = forum.member(0);
        long first = forum.post(alice, t.thread, "one");
        long second = forum.post(bob, t.thread, "two");

        forum.deliver(Events.messagesDeleted(t.thread, first));

        Notification group = single(groups(t.follower));
        assertThat(group.messageCount()).isEqualTo(1);
        assertThat(group.messageId()).isEqualTo(second);
        assertThat(group.authors()).containsExactly(bob.username());
        assertThat(group.actor().id()).isEqualTo(bob.id());

        forum.deliver(Events.messagesDeleted(t.thread, second));

        assertThat(groups(t.follower)).isEmpty();
        assertThat(unread.findUnreadCounts(t.follower.id()).threads()).doesNotContainKey(Long.toString(t.thread));
    }

    private record Followed(long thread, User follower) {
    }

    private Followed followedThread() {
        long thread = forum.thread(0, forum.member(0));
        User follower = forum.member(0);
        forum.deliver(Events.followed(thread, follower.id(), true));
        return new Followed(thread, follower);
    }

    /** Two messages in the followed thread; returns the second's envelope (to deliver it again). */
    private EventEnvelope twoMessages(Followed t) {
        User alice = forum.member(0);
        forum.post(alice, t.thread, "one");
        EventEnvelope second = Events.newMessage(Events.nextId(), t.thread, alice.id(), alice.username(), "two", null);
        forum.deliver(second);
        return second;
    }

    /** The user's new_message notifications, newest activity first. */
    private List<Notification> groups(User user) {
        return notifications.findNotificationPage(user.id(), 100, null, false).notifications().stream()
                .filter(n -> NotificationType.NEW_MESSAGE.equals(n.type())).toList();
    }

    private long unreadTotal(User user) {
        return unread.findUnreadCounts(user.id()).total();
    }

    private static Notification single(List<Notification> groups) {
        assertThat(groups).hasSize(1);
        return groups.get(0);
    }
}

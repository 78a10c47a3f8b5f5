package dev.forum.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.EveryoneMention;
import dev.forum.contract.payload.ForumNotification;
import dev.forum.contract.payload.ForumNotificationCount;
import dev.forum.contract.payload.NotificationView;
import dev.forum.contract.payload.TeamMention;
import dev.forum.contract.payload.UnreadCountUpdated;
import dev.forum.contract.payload.UserRef;
import dev.forum.notify.notification.Actor;
import dev.forum.notify.notification.Notification;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds the envelopes the notification service publishes on {@code Channels.notifications()}:
 * audience {@code user} (or {@code readers} for @everyone), no {@code seq}, a fresh {@code event_id}.
 * (The set-based count pushes of {@link PushOutbox} write the same payloads in SQL.)
 */
public final class Pushes {

    private Pushes() {
    }

    public static EventEnvelope forumNotification(ObjectMapper mapper, Notification n) {
        NotificationView view = new NotificationView(n.id(), n.type(), n.title(), n.content(), n.threadId(),
                n.messageId(), userRef(n.actor()), n.messageCount(), n.authors(), n.isRead(), n.createdAt(),
                n.updatedAt());
        return toUser(mapper, n.userId(), n.threadId(), new ForumNotification(view));
    }

    public static EventEnvelope notificationCount(ObjectMapper mapper, long userId, long count) {
        return toUser(mapper, userId, null, new ForumNotificationCount(count));
    }

    public static EventEnvelope unreadCountUpdated(ObjectMapper mapper, long userId, Long threadId,
            long threadUnread, long totalUnread, long markedRead) {
        return toUser(mapper, userId, threadId,
                new UnreadCountUpdated(threadId, threadUnread, totalUnread, markedRead));
    }

    public static EventEnvelope teamMention(ObjectMapper mapper, long userId, long threadId, long messageId,
            Actor sender, String threadTitle, long notificationCount) {
        return toUser(mapper, userId, threadId,
                new TeamMention(threadId, messageId, userRef(sender), threadTitle, notificationCount));
    }

    /** ONE envelope for every reader of the thread: the gateway fans it out to connections. */
    public static EventEnvelope everyoneMention(ObjectMapper mapper, long threadId, int minTierCents,
            long messageId, Actor sender, String threadTitle) {
        return new EventEnvelope(UUID.randomUUID(), null, EventType.EVERYONE_MENTION, "thread",
                Long.toString(threadId), Audience.READERS, threadId, null, minTierCents, Instant.now(),
                EventPayloads.tree(mapper, new EveryoneMention(threadId, messageId, userRef(sender), threadTitle)));
    }

    private static UserRef userRef(Actor actor) {
        return actor == null ? null : new UserRef(actor.id(), actor.username(),
                actor.role() == null ? null : Role.fromWireName(actor.role()));
    }

    private static EventEnvelope toUser(ObjectMapper mapper, long userId, Long threadId, EventPayload payload) {
        return new EventEnvelope(UUID.randomUUID(), null, EventType.of(payload.getClass()), "user",
                Long.toString(userId), Audience.USER, threadId, userId, null, Instant.now(),
                EventPayloads.tree(mapper, payload));
    }
}

package dev.forum.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.notify.notification.Actor;
import dev.forum.notify.notification.Notification;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds the envelopes the notification service publishes on {@code Channels.notifications()}:
 * audience {@code user} (or {@code readers} for @everyone), no {@code seq}, a fresh {@code event_id}.
 */
public final class Pushes {

    private Pushes() {
    }

    public static EventEnvelope forumNotification(ObjectMapper mapper, Notification n) {
        ObjectNode payload = mapper.createObjectNode();
        payload.set("notification", mapper.valueToTree(n));
        return toUser(EventType.FORUM_NOTIFICATION, n.userId(), n.threadId(), payload);
    }

    public static EventEnvelope notificationCount(ObjectMapper mapper, long userId, long count) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("count", count);
        return toUser(EventType.FORUM_NOTIFICATION_COUNT, userId, null, payload);
    }

    public static EventEnvelope unreadCountUpdated(ObjectMapper mapper, long userId, Long threadId,
            long threadUnread, long totalUnread, long markedRead) {
        ObjectNode payload = mapper.createObjectNode();
        if (threadId != null) {
            payload.put("thread_id", threadId);
        }
        payload.put("thread_unread_count", threadUnread);
        payload.put("total_forum_unread", totalUnread);
        payload.put("marked_read_count", markedRead);
        return toUser(EventType.UNREAD_COUNT_UPDATED, userId, threadId, payload);
    }

    public static EventEnvelope teamMention(ObjectMapper mapper, long userId, long threadId, long messageId,
            Actor sender, String threadTitle, long notificationCount) {
        ObjectNode payload = mentionPayload(mapper, threadId, messageId, sender, threadTitle);
        payload.put("notification_count", notificationCount);
        return toUser(EventType.TEAM_MENTION, userId, threadId, payload);
    }

    /** ONE envelope for every reader of the thread: the gateway fans it out to connections. */
    public static EventEnvelope everyoneMention(ObjectMapper mapper, long threadId, int minTierCents,
            long messageId, Actor sender, String threadTitle) {
        return new EventEnvelope(UUID.randomUUID(), null, EventType.EVERYONE_MENTION, "thread",
                Long.toString(threadId), Audience.READERS, threadId, null, minTierCents, Instant.now(),
                mentionPayload(mapper, threadId, messageId, sender, threadTitle));
    }

    private static ObjectNode mentionPayload(ObjectMapper mapper, long threadId, long messageId, Actor sender,
            String threadTitle) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("thread_id", threadId);
        payload.put("message_id", messageId);
        payload.set("sender", mapper.valueToTree(sender));
        payload.put("thread_title", threadTitle);
        return payload;
    }

    private static EventEnvelope toUser(EventType type, long userId, Long threadId, ObjectNode payload) {
        return new EventEnvelope(UUID.randomUUID(), null, type, "user", Long.toString(userId), Audience.USER,
                threadId, userId, null, Instant.now(), payload);
    }
}

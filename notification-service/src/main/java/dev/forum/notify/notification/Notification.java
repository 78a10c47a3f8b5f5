package dev.forum.notify.notification;

import java.time.Instant;

/**
 * A stored notification, as the REST API and the {@code forum_notification} push show it
 * ({@code notification: {id, type, title, content, thread_id, message_id, actor, is_read, created_at}}).
 * {@code userId} is the addressee; it is not part of the JSON.
 */
public record Notification(long id, @com.fasterxml.jackson.annotation.JsonIgnore long userId, String type,
        String title, String content, Long threadId, Long messageId, Actor actor, boolean isRead,
        Instant createdAt) {
}

package dev.forum.notify.notification;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.List;

/**
 * A stored notification, as the REST API and the {@code forum_notification} push show it
 * ({@code notification: {id, type, title, content, thread_id, message_id, actor, message_count, authors, is_read,
 * created_at, updated_at}}). A {@code new_message} notification is a group: {@code message_count} messages of the
 * thread since the user last read it, {@code authors} their distinct usernames (latest first), {@code message_id}
 * the first of them, {@code actor} the latest author. {@code userId} is the addressee and {@code activity} the list
 * position (the cursor); neither is part of the JSON.
 */
public record Notification(long id, @JsonIgnore long userId, String type, String title, String content,
        Long threadId, Long messageId, Actor actor, int messageCount, List<String> authors, boolean isRead,
        Instant createdAt, Instant updatedAt, @JsonIgnore long activity) {
}

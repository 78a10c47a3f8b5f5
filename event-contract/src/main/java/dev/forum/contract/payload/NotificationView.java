package dev.forum.contract.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * A stored notification as {@code forum_notification} carries it; absent ids are sent as null. A {@code new_message}
 * notification is a group: {@code messageCount} messages of the thread, {@code authors} their usernames (latest
 * first); the group fields and {@code updatedAt} came after version 1's first events, so they may be absent.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NotificationView(long id, String type, String title, String content, Long threadId, Long messageId,
        UserRef actor, @JsonInclude(JsonInclude.Include.NON_NULL) Integer messageCount,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> authors, boolean isRead, Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant updatedAt) {
}

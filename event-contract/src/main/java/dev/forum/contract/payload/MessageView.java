package dev.forum.contract.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * A message as {@code new_message} carries it. {@code isDeleted} is set only by forum-api's feed, on a message
 * deleted since (its text is then empty: docs/events.md, "Withdrawn text").
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageView(long id, long threadId, long userId, String username, String content, String contentHtml,
        Long replyToId, int likeCount, int spawnedThreadCount, boolean isEdited, Instant editedAt,
        Instant createdAt, Boolean isDeleted) {
}

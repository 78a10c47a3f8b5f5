package dev.forum.contract.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/** A thread as {@code new_thread_created} and {@code new_sub_thread_created} carry it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ThreadView(long id, String title, long userId, String username, int minTierCents, boolean isPinned,
        boolean isLocked, Long parentThreadId, Long parentMessageId, int messageCount, Instant lastActivityAt,
        Instant createdAt) {
}

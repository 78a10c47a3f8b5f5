package dev.forum.api.message.rest;

import java.util.List;

/** Answers of the message endpoints that are not a {@code MessageView}. */
public final class MessageResponses {

    private MessageResponses() {
    }

    public record Deleted(List<Long> messageIds, int deletedCount) {
    }

    public record Like(long messageId, int likeCount, boolean isLiked) {
    }
}

package dev.forum.api.message.rest;

import dev.forum.api.thread.rest.ThreadRequests;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Bodies of the message endpoints. */
public final class MessageRequests {

    private MessageRequests() {
    }

    public record PostMessage(@NotBlank @Size(max = ThreadRequests.MAX_CONTENT) String content, Long replyToId) {
    }

    public record EditMessage(@NotBlank @Size(max = ThreadRequests.MAX_CONTENT) String content) {
    }

    public record CreateSubThread(@NotBlank @Size(max = 200) String title,
                                  @Size(max = ThreadRequests.MAX_CONTENT) String content) {
    }

    public record Deleted(java.util.List<Long> messageIds, int deletedCount) {
    }

    public record Like(long messageId, int likeCount, boolean isLiked) {
    }
}

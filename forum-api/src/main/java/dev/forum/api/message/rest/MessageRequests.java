package dev.forum.api.message.rest;

import dev.forum.api.thread.rest.ThreadRequests;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Request bodies of the message endpoints (their answers: {@link MessageResponses}). */
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
}

package dev.forum.api.thread.rest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Bodies of the thread endpoints. */
public final class ThreadRequests {

    public static final int MAX_CONTENT = 20_000;

    private ThreadRequests() {
    }

    public record CreateThread(@NotBlank @Size(max = 200) String title,
                               @NotBlank @Size(max = MAX_CONTENT) String content,
                               @Min(0) @Max(10_000_000) Integer minTierCents) {
    }

    public record PatchThread(@Size(min = 1, max = 200) String title, Boolean isPinned, Boolean isLocked,
                              @Min(0) @Max(10_000_000) Integer minTierCents) {
    }

    public record Follow(long threadId, boolean isFollowing) {
    }

    public record ReadPositionUpdate(@NotNull @Min(1) Long lastReadMessageId) {
    }

    public record ReadPosition(long threadId, long lastReadMessageId) {
    }
}

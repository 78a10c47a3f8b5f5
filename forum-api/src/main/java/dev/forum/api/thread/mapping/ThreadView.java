package dev.forum.api.thread.mapping;

import dev.forum.api.thread.ForumThread;

import java.time.Instant;

/** A thread on the wire (REST and event payloads). */
public record ThreadView(long id, String title, long userId, String username, int minTierCents,
                         boolean isPinned, boolean isLocked, Long parentThreadId, Long parentMessageId,
                         int messageCount, Instant lastActivityAt, Instant createdAt) {

    public static ThreadView of(ForumThread t) {
        return new ThreadView(t.id, t.title, t.author.id, t.author.username, t.minTierCents, t.pinned, t.locked,
                t.parentThreadId, t.parentMessageId, t.messageCount, t.lastActivityAt, t.createdAt);
    }
}

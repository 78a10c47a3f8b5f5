package dev.forum.api.thread.mapping;

import dev.forum.api.message.mapping.MessageView;

import java.util.List;

/**
 * {@code GET /api/forum/threads/{id}}: the thread, whether the caller follows it, and a page of its messages
 * (oldest first); {@code hasMore} says later messages exist past the page, {@code hasEarlier} earlier ones before it;
 * {@code lastReadMessageId} is where the caller stopped reading (absent when they never did).
 */
public record ThreadDetail(ThreadView thread, boolean isFollowing, List<MessageView> messages, boolean hasMore,
                           boolean hasEarlier, Long lastReadMessageId) {
}

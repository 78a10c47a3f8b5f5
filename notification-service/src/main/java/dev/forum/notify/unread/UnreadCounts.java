package dev.forum.notify.unread;

import java.util.Map;

/** {@code GET /api/forum/notifications/unread-counts}: {@code {total, threads: {id: n}}}. */
public record UnreadCounts(long total, Map<String, Long> threads) {
}

package dev.forum.api.common;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/** The per-replica sliding window of {@link PostRateLimiter}, used while Redis is unreachable. */
final class LocalPostWindow {

    private final int limit;
    private final long windowMillis;
    private final ConcurrentHashMap<Long, Deque<Long>> postsByUser = new ConcurrentHashMap<>();

    LocalPostWindow(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    /** Counts one post and returns 0, or returns the milliseconds until the next post is allowed. */
    long tryAcquire(long userId) {
        long now = System.currentTimeMillis();
        Deque<Long> posts = postsByUser.computeIfAbsent(userId, id -> new ArrayDeque<>());
        synchronized (posts) {
            while (!posts.isEmpty() && posts.peekFirst() <= now - windowMillis) {
                posts.pollFirst();
            }
            if (posts.size() >= limit) {
                return Math.max(1, posts.peekFirst() + windowMillis - now);
            }
            posts.addLast(now);
            return 0;
        }
    }
}

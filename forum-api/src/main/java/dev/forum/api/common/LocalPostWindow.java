package dev.forum.api.common;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/** The per-replica sliding window of {@link PostRateLimiter}, used while Redis is unreachable. */
final class LocalPostWindow {

    private final int limit;
    private final long windowMillis;
    private final ConcurrentHashMap<String, Deque<Long>> postsByKey = new ConcurrentHashMap<>();

    LocalPostWindow(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    /** Counts one attempt for the key and returns 0, or returns the milliseconds until the next one is allowed. */
    long tryAcquire(String key) {
        long now = System.currentTimeMillis();
        Deque<Long> posts = postsByKey.computeIfAbsent(key, k -> new ArrayDeque<>());
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

    /** Drops the key's window. */
    void forget(String key) {
        postsByKey.remove(key);
    }
}

package dev.forum.api.common;

import dev.forum.api.config.ForumConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user sliding-window limit on posting (messages, threads, sub-threads): {@code forum.rate-limit.posts} per
 * {@code forum.rate-limit.window}. Kept in memory, per replica.
 */
@ApplicationScoped
public class PostRateLimiter {

    private final int limit;
    private final long windowMillis;
    private final ConcurrentHashMap<Long, Deque<Long>> postsByUser = new ConcurrentHashMap<>();

    public PostRateLimiter(ForumConfig config) {
        this.limit = config.rateLimit().posts();
        this.windowMillis = config.rateLimit().window().toMillis();
    }

    /** Counts one post, or throws 429 {@code rate_limited} with the seconds until the next one is allowed. */
    public void acquire(long userId) {
        long now = System.currentTimeMillis();
        Deque<Long> posts = postsByUser.computeIfAbsent(userId, id -> new ArrayDeque<>());
        synchronized (posts) {
            while (!posts.isEmpty() && posts.peekFirst() <= now - windowMillis) {
                posts.pollFirst();
            }
            if (posts.size() >= limit) {
                long waitMillis = posts.peekFirst() + windowMillis - now;
                throw ApiException.tooManyRequests(Math.max(1, (waitMillis + 999) / 1000));
            }
            posts.addLast(now);
        }
    }
}

package dev.forum.api.common;

import dev.forum.api.config.ForumConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Per-user limit on username lookups (mention autocomplete): {@code forum.rate-limit.lookups} per
 * {@code forum.rate-limit.window}, the same shared sliding window as posts under keys
 * {@code <namespace>:ratelimit:lookups:<user id>}.
 */
@ApplicationScoped
public class LookupRateLimiter {

    private final PostRateLimiter window;

    public LookupRateLimiter(ForumConfig config, RedisDataSource redis) {
        this.window = new PostRateLimiter(config.rateLimit().lookups(), config.rateLimit().window(),
                config.redis().namespace(), "lookups", "Too many name lookups", redis);
    }

    /** Counts one lookup, or throws 429 {@code rate_limited}. */
    public void acquire(long userId) {
        window.acquire(userId);
    }
}

package dev.forum.api.common;

import dev.forum.api.config.ForumConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-user sliding-window limit on posting (messages, threads, sub-threads): {@code forum.rate-limit.posts} per
 * {@code forum.rate-limit.window}, shared by every replica through Redis. Each user has one sorted set of post
 * times, {@code <namespace>:ratelimit:posts:<user id>}; {@link #SLIDING_WINDOW} trims, counts and adds in one
 * atomic step on Redis's clock, so replicas' clocks do not matter.
 *
 * <p>While Redis is unreachable the limit falls back to a window in this replica's memory (the limit then holds per
 * replica): a post never fails because Redis is down. The switch is logged once at warn; Redis is tried again
 * after {@link #REDIS_RETRY_MILLIS}.
 */
@ApplicationScoped
public class PostRateLimiter {

    /** KEYS[1] the user's set; ARGV limit, window ms, a unique member. Returns 0 (counted) or ms to wait. */
    static final String SLIDING_WINDOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
              local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              return math.max(1, tonumber(oldest[2]) + window - now)
            end
            redis.call('ZADD', KEYS[1], now, ARGV[3])
            redis.call('PEXPIRE', KEYS[1], window)
            return 0""";
    static final long REDIS_RETRY_MILLIS = 5000;

    private final int limit;
    private final long windowMillis;
    private final String keyPrefix;
    private final String refusal;
    private final RedisDataSource redis;
    private final LocalPostWindow local;
    private final AtomicBoolean onFallback = new AtomicBoolean();
    private volatile long retryRedisAt;

    @Inject
    public PostRateLimiter(ForumConfig config, RedisDataSource redis) {
        this(config.rateLimit().posts(), config.rateLimit().window(), config.redis().namespace(), redis);
    }

    public PostRateLimiter(int limit, Duration window, String namespace, RedisDataSource redis) {
        this(limit, window, namespace, "posts", "Too many posts", redis);
    }

    /**
     * The same sliding window for another action: keys {@code <namespace>:ratelimit:<name>:<user id>}, and a 429 whose
     * message starts with {@code refusal}.
     */
    public PostRateLimiter(int limit, Duration window, String namespace, String name, String refusal, RedisDataSource redis) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.keyPrefix = namespace + ":ratelimit:" + name + ":";
        this.refusal = refusal;
        this.redis = redis;
        this.local = new LocalPostWindow(limit, windowMillis);
    }

    /** Counts one post, or throws 429 {@code rate_limited} with the seconds until the next one is allowed. */
    public void acquire(long userId) {
        long waitMillis = acquireInRedis(userId).orElseGet(() -> local.tryAcquire(userId));
        if (waitMillis > 0) {
            throw ApiException.tooManyRequests(refusal, (waitMillis + 999) / 1000);
        }
    }

    String keyFor(long userId) {
        return keyPrefix + userId;
    }

    private OptionalLong acquireInRedis(long userId) {
        long now = System.currentTimeMillis();
        if (now < retryRedisAt) {
            return OptionalLong.empty();
        }
        try {
            long waitMillis = redis.execute(Command.EVAL, SLIDING_WINDOW, "1", keyFor(userId),
                    Integer.toString(limit), Long.toString(windowMillis), UUID.randomUUID().toString()).toLong();
            if (onFallback.compareAndSet(true, false)) {
                Log.info("Post rate limit is shared through Redis again");
            }
            return OptionalLong.of(waitMillis);
        } catch (RuntimeException e) {
            retryRedisAt = now + REDIS_RETRY_MILLIS;
            if (onFallback.compareAndSet(false, true)) {
                Log.warnf("Redis unreachable for the %s rate limit; limiting per replica in memory: %s",
                        keyPrefix, e.getMessage());
            } else {
                Log.debugf("Redis still unreachable for the post rate limit: %s", e.getMessage());
            }
            return OptionalLong.empty();
        }
    }
}

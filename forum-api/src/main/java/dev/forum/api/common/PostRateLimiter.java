package dev.forum.api.common;

import dev.forum.api.config.ForumConfig;
import dev.forum.common.error.ApiException;
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
 * Sliding-window limits, shared by every replica through Redis. The bean is the per-user limit on posting
 * (messages, threads, sub-threads, edits): {@code forum.rate-limit.posts} per {@code forum.rate-limit.window};
 * other limits (likes and follows, login and register attempts) are instances with their own bucket name, built
 * by {@link RateLimits}. Each key has one sorted set of attempt times, {@code <namespace>:ratelimit:<bucket>:<key>};
 * {@link #SLIDING_WINDOW} trims, counts and adds in one atomic step on Redis's clock, so replicas' clocks do not
 * matter.
 *
 * <p>While Redis is unreachable the limit falls back to a window in this replica's memory (the limit then holds per
 * replica): a request never fails because Redis is down. The switch is logged once at warn; Redis is tried again
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

    private final String bucket;
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
     * The same sliding window for another action: keys {@code <namespace>:ratelimit:<name>:<key>}, and a 429 whose
     * message starts with {@code refusal}.
     */
    public PostRateLimiter(int limit, Duration window, String namespace, String name, String refusal, RedisDataSource redis) {
        this.bucket = name;
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.keyPrefix = namespace + ":ratelimit:" + name + ":";
        this.refusal = refusal;
        this.redis = redis;
        this.local = new LocalPostWindow(limit, windowMillis);
    }

    /** Counts one post, or throws 429 {@code rate_limited} with the seconds until the next one is allowed. */
    public void acquire(long userId) {
        acquire(Long.toString(userId));
    }

    /** Counts one attempt for {@code key}, or throws 429 {@code rate_limited} with the seconds to wait. */
    public void acquire(String key) {
        long waitMillis = tryAcquire(key);
        if (waitMillis > 0) {
            throw ApiException.tooManyRequests(refusal, (waitMillis + 999) / 1000);
        }
    }

    /** Counts one attempt for {@code key} and returns 0, or returns the milliseconds until one is allowed. */
    public long tryAcquire(String key) {
        return acquireInRedis(key).orElseGet(() -> local.tryAcquire(key));
    }

    /**
     * Removes {@code key}'s window, in Redis and in this replica's memory: for the start-up warm-up's synthetic key
     * ({@link dev.forum.api.warmup.service.WarmUpService}), which must not outlive its round. If Redis cannot be
     * reached, its key expires after the window, as every key does.
     */
    public void forget(String key) {
        local.forget(key);
        try {
            redis.execute(Command.DEL, keyFor(key));
        } catch (RuntimeException e) {
            Log.debugf("Redis unreachable to remove rate limit key %s (it expires after the window): %s", key,
                    e.getMessage());
        }
    }

    String keyFor(long userId) {
        return keyFor(Long.toString(userId));
    }

    String keyFor(String key) {
        return keyPrefix + key;
    }

    private OptionalLong acquireInRedis(String key) {
        long now = System.currentTimeMillis();
        if (now < retryRedisAt) {
            return OptionalLong.empty();
        }
        try {
            long waitMillis = redis.execute(Command.EVAL, SLIDING_WINDOW, "1", keyFor(key),
                    Integer.toString(limit), Long.toString(windowMillis), UUID.randomUUID().toString()).toLong();
            if (onFallback.compareAndSet(true, false)) {
                Log.infof("Rate limit %s is shared through Redis again", bucket);
            }
            return OptionalLong.of(waitMillis);
        } catch (RuntimeException e) {
            retryRedisAt = now + REDIS_RETRY_MILLIS;
            if (onFallback.compareAndSet(false, true)) {
                Log.warnf("Redis unreachable for rate limit %s; limiting per replica in memory: %s", bucket,
                        e.getMessage());
            } else {
                Log.debugf("Redis still unreachable for rate limit %s: %s", bucket, e.getMessage());
            }
            return OptionalLong.empty();
        }
    }
}

package dev.forum.api.common;

import dev.forum.api.ForumTestDatabase;
import dev.forum.common.error.ApiException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two limiters on the machine's shared Redis stand for two forum-api replicas. */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class PostRateLimiterTests {

    private static final int DEFAULT_LIMIT = 3;
    private static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    private static final long DEFAULT_USER = 42;

    @Inject
    RedisDataSource redis;

    private final String namespace = "forum-test-limit-" + UUID.randomUUID();

    @AfterEach
    void deleteOwnKeys() {
        redis.key().del(replica().keyFor(DEFAULT_USER), replica().keyFor(DEFAULT_USER + 1));
    }

    @Test
    void acquireLimitsAUserByTheSumOfPostsOnEveryReplica() {
        PostRateLimiter first = replica();
        PostRateLimiter second = replica();
        first.acquire(DEFAULT_USER);
        first.acquire(DEFAULT_USER);
        second.acquire(DEFAULT_USER);

        assertRateLimited(() -> first.acquire(DEFAULT_USER));
        assertRateLimited(() -> second.acquire(DEFAULT_USER));
    }

    @Test
    void acquireCountsEachUserSeparatelyAcrossReplicas() {
        PostRateLimiter first = replica();
        PostRateLimiter second = replica();
        for (int i = 0; i < DEFAULT_LIMIT; i++) {
            first.acquire(DEFAULT_USER);
        }

        second.acquire(DEFAULT_USER + 1);
    }

    @Test
    void acquireStoresThePostTimesInOneExpiringKeyPerUser() {
        replica().acquire(DEFAULT_USER);

        String key = replica().keyFor(DEFAULT_USER);
        assertThat(key).startsWith(namespace + ":");
        assertThat(redis.sortedSet(String.class).zcard(key)).isEqualTo(1);
        assertThat(redis.key().pttl(key)).isBetween(1L, DEFAULT_WINDOW.toMillis());
    }

    private PostRateLimiter replica() {
        return new PostRateLimiter(DEFAULT_LIMIT, DEFAULT_WINDOW, namespace, redis);
    }

    private static void assertRateLimited(Runnable post) {
        assertThatThrownBy(post::run)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.retryAfterSeconds()).isBetween(1L, DEFAULT_WINDOW.toSeconds());
                });
    }
}

package dev.forum.api.common;

import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.OwnRedisProfile;
import dev.forum.api.OwnRedisServer;
import dev.forum.api.TestUsers;
import dev.forum.common.error.ApiException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limiter with its private redis-server stopped: posting goes on, limited per replica in memory. */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class PostRateLimiterFallbackTests {

    private static final int DEFAULT_LIMIT = 3;
    private static final long DEFAULT_USER = 7;

    @Inject
    RedisDataSource redis;

    @Inject
    TestUsers users;

    @ConfigProperty(name = "ownredis.port")
    int redisPort;

    @Test
    void acquireFallsBackToTheInMemoryWindowWhenRedisIsDown() {
        PostRateLimiter limiter = new PostRateLimiter(DEFAULT_LIMIT, Duration.ofSeconds(60),
                "forum-test-limit-" + UUID.randomUUID(), redis);
        OwnRedisServer.shutdown(redisPort);

        for (int i = 0; i < DEFAULT_LIMIT; i++) {
            limiter.acquire(DEFAULT_USER);
        }
        assertThatThrownBy(() -> limiter.acquire(DEFAULT_USER))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(429));
    }

    @Test
    void shouldAcceptPostsWhileRedisIsDown() {
        TestUsers.TestUser alice = users.member();
        OwnRedisServer.shutdown(redisPort);

        long threadId = ForumApi.createThread(alice, "posted without Redis");
        ForumApi.postMessage(alice, threadId, "still accepted");
    }
}

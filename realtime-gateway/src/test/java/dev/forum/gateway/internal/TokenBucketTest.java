package dev.forum.gateway.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    private final AtomicLong clock = new AtomicLong();

    @Test
    void burstIsAcceptedThenRefused() {
        TokenBucket bucket = new TokenBucket(1, 3, clock::get);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
        assertThat(bucket.consecutiveRefusals()).isEqualTo(1);
    }

    @Test
    void tokensRefillWithTimeUpToBurst() {
        TokenBucket bucket = new TokenBucket(2, 2, clock::get);
        bucket.tryAcquire();
        bucket.tryAcquire();
        assertThat(bucket.tryAcquire()).isFalse();
        clock.addAndGet(500_000_000L);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
        clock.addAndGet(60_000_000_000L);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();
    }

    @Test
    void acceptedMessageResetsConsecutiveRefusals() {
        TokenBucket bucket = new TokenBucket(1, 1, clock::get);
        bucket.tryAcquire();
        bucket.tryAcquire();
        bucket.tryAcquire();
        assertThat(bucket.consecutiveRefusals()).isEqualTo(2);
        clock.addAndGet(1_000_000_000L);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.consecutiveRefusals()).isZero();
    }
}

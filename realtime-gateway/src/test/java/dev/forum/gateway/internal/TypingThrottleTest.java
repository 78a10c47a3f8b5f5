package dev.forum.gateway.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TypingThrottleTest {

    private static final long INTERVAL = 1_000;
    private final AtomicLong clock = new AtomicLong();
    private final TypingThrottle throttle = new TypingThrottle(INTERVAL, clock::get);

    @Test
    void repeatedSameStateWithinIntervalIsSuppressed() {
        assertThat(throttle.allow(1, 10, true)).isTrue();
        assertThat(throttle.allow(1, 10, true)).isFalse();
        clock.addAndGet(INTERVAL);
        assertThat(throttle.allow(1, 10, true)).isTrue();
    }

    @Test
    void stopRightAfterStartPasses() {
        assertThat(throttle.allow(1, 10, true)).isTrue();
        assertThat(throttle.allow(1, 10, false)).isTrue();
        assertThat(throttle.allow(1, 10, false)).isFalse();
    }

    @Test
    void alternatingTypingStatesCannotFloodTheThread() {
        int forwarded = 0;
        for (int i = 0; i < 100; i++) {
            forwarded += throttle.allow(1, 10, i % 2 == 0) ? 1 : 0;
        }
        assertThat(forwarded).isEqualTo(2);
        clock.addAndGet(INTERVAL);
        assertThat(throttle.allow(1, 10, true)).isTrue();
    }

    @Test
    void aStopIsForwardedAfterTheStartWasForgotten() {
        throttle.allow(1, 10, true);
        clock.addAndGet(INTERVAL);
        throttle.evictOlderThanInterval();
        assertThat(throttle.allow(1, 10, false)).isTrue();
        assertThat(throttle.allow(1, 10, true)).isTrue();
    }

    @Test
    void usersAndThreadsAreThrottledIndependently() {
        assertThat(throttle.allow(1, 10, true)).isTrue();
        assertThat(throttle.allow(2, 10, true)).isTrue();
        assertThat(throttle.allow(1, 11, true)).isTrue();
    }

    @Test
    void evictionForgetsOldEntries() {
        throttle.allow(1, 10, true);
        clock.addAndGet(INTERVAL);
        throttle.evictOlderThanInterval();
        assertThat(throttle.size()).isZero();
    }
}

package dev.forum.gateway.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAuthThrottleTest {

    private static final long WINDOW = 60_000;
    private final AtomicLong clock = new AtomicLong();
    private final FailedAuthThrottle throttle = new FailedAuthThrottle(3, WINDOW, clock::get);

    @Test
    void randomTokensFromOneAddressAreBlockedAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.isBlocked("203.0.113.7")).isFalse();
            throttle.failed("203.0.113.7");
        }
        assertThat(throttle.isBlocked("203.0.113.7")).isTrue();
        assertThat(throttle.isBlocked("198.51.100.1")).isFalse();

        clock.addAndGet(WINDOW);
        assertThat(throttle.isBlocked("203.0.113.7")).isFalse();
    }

    @Test
    void evictionForgetsEndedWindows() {
        throttle.failed("203.0.113.7");
        throttle.failed("203.0.113.7");
        clock.addAndGet(WINDOW);
        throttle.evictEnded();
        throttle.failed("203.0.113.7");
        throttle.failed("203.0.113.7");
        assertThat(throttle.isBlocked("203.0.113.7")).isFalse();
    }
}

package dev.forum.common.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkWatchdogTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(42 * SECOND);
    private final LinkWatchdog watchdog = new LinkWatchdog(Duration.ofSeconds(3), clock::get);

    @Test
    void disarmedWatchdogIsNeverSilent() {
        clock.addAndGet(3600 * SECOND);
        assertThat(watchdog.isSilent()).isFalse();
    }

    @Test
    void armedLinkIsSilentOnlyAfterTheTimeoutWithoutProofOfLife() {
        watchdog.arm();
        clock.addAndGet(3 * SECOND);
        assertThat(watchdog.isSilent()).isFalse();
        clock.addAndGet(1);
        assertThat(watchdog.isSilent()).isTrue();
    }

    @Test
    void proofOfLifeRestartsTheTimeout() {
        watchdog.arm();
        clock.addAndGet(2 * SECOND);
        watchdog.heard();
        clock.addAndGet(2 * SECOND);
        assertThat(watchdog.isSilent()).isFalse();
        clock.addAndGet(2 * SECOND);
        assertThat(watchdog.isSilent()).isTrue();
    }

    @Test
    void rearmingAfterSilenceStartsAFreshTimeout() {
        watchdog.arm();
        clock.addAndGet(10 * SECOND);
        assertThat(watchdog.isSilent()).isTrue();
        watchdog.arm();
        assertThat(watchdog.isSilent()).isFalse();
    }

    @Test
    void disarmingStopsTheWatchAndProofOfLifeDoesNotRearm() {
        watchdog.arm();
        watchdog.disarm();
        watchdog.heard();
        clock.addAndGet(10 * SECOND);
        assertThat(watchdog.isSilent()).isFalse();
    }

    @Test
    void timeoutMustBePositive() {
        assertThatThrownBy(() -> new LinkWatchdog(Duration.ZERO, clock::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

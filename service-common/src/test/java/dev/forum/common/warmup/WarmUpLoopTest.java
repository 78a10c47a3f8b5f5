package dev.forum.common.warmup;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The loop alone (the services' tests cover their rounds, their readiness and what the rounds leave behind). */
class WarmUpLoopTest {

    /** Counts its rounds and its finish; a round takes {@code roundMillis}, and fails once {@code failAt} ran. */
    private static final class CountingRounds implements WarmUpLoop.Rounds {
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final int failAt;
        final long roundMillis;

        CountingRounds(int failAt, long roundMillis) {
            this.failAt = failAt;
            this.roundMillis = roundMillis;
        }

        @Override
        public void runRound() throws Exception {
            if (ran.get() == failAt) {
                throw new IllegalStateException("round " + failAt + " fails");
            }
            ran.incrementAndGet();
            if (roundMillis > 0) {
                Thread.sleep(roundMillis); // the round's work, not a wait for something
            }
        }

        @Override
        public String done(int rounds) {
            return rounds + " rounds";
        }

        @Override
        public void finish() {
            finished.incrementAndGet();
        }
    }

    @Test
    void runStopsAtTheIterationCount() {
        WarmUpLoop loop = new WarmUpLoop("test-warm-up");
        CountingRounds rounds = new CountingRounds(-1, 0);

        loop.run(new WarmUpLoop.Budget(7, Duration.ofMinutes(5)), rounds);

        assertThat(rounds.ran.get()).isEqualTo(7);
        assertThat(loop.rounds()).isEqualTo(7);
        assertThat(rounds.finished.get()).isEqualTo(1);
        assertThat(loop.isFinished()).isTrue();
    }

    @Test
    void runStopsWhenTheTimeBudgetIsSpent() {
        WarmUpLoop loop = new WarmUpLoop("test-warm-up");
        // rounds of 50 ms: a budget of 300 ms allows a handful of the million
        CountingRounds rounds = new CountingRounds(-1, 50);

        loop.run(new WarmUpLoop.Budget(1_000_000, Duration.ofMillis(300)), rounds);

        assertThat(rounds.ran.get()).isBetween(1, 100);
        assertThat(rounds.finished.get()).isEqualTo(1);
        assertThat(loop.isFinished()).isTrue();
    }

    @Test
    void runEndsAtAFailedRoundAndStillFinishes() {
        WarmUpLoop loop = new WarmUpLoop("test-warm-up");
        CountingRounds rounds = new CountingRounds(3, 0);

        loop.run(new WarmUpLoop.Budget(10, Duration.ofMinutes(5)), rounds);

        assertThat(loop.rounds()).isEqualTo(3);
        assertThat(rounds.finished.get()).isEqualTo(1);
        assertThat(loop.isFinished()).isTrue();
    }

    @Test
    void startIsNotFinishedUntilItsThreadEnds() {
        WarmUpLoop loop = new WarmUpLoop("test-warm-up");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        CountingRounds rounds = new CountingRounds(-1, 0);

        loop.start(true, new WarmUpLoop.Budget(5, Duration.ofMinutes(5)), rounds, () -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> held.getCount() == 0);
        assertThat(loop.isFinished()).isFalse();

        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(loop::isFinished);
        assertThat(loop.rounds()).isEqualTo(5);
    }

    @Test
    void startWhenDisabledIsFinishedAtOnce() {
        WarmUpLoop loop = new WarmUpLoop("test-warm-up");
        CountingRounds rounds = new CountingRounds(-1, 0);

        loop.start(false, new WarmUpLoop.Budget(5, Duration.ofMinutes(5)), rounds, () -> {
        });

        assertThat(loop.isFinished()).isTrue();
        assertThat(rounds.ran.get()).isZero();
    }
}

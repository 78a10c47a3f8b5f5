package dev.forum.gateway.shard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Joining a thread shard on its first local watched thread and leaving it after the grace once none is left, with
 * the grace timers in the test's hand (fired when the test says), so that each step is deterministic.
 */
class ShardLifecycleTest {

    private static final int SHARDS = 16;
    private static final Duration GRACE = Duration.ofSeconds(30);

    /** Grace timers not fired yet, in the order they were set. */
    private final List<Runnable> timers = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final ShardLifecycle lifecycle = new ShardLifecycle(SHARDS, GRACE, this::schedule,
            new ShardLifecycle.Target() {
                @Override
                public void join(int shard) {
                    calls.add("join " + shard);
                }

                @Override
                public void leave(int shard) {
                    calls.add("leave " + shard);
                }
            });

    @Test
    void theFirstWatchedThreadOfAShardJoinsItOnce() {
        lifecycle.threadWatched(3);
        lifecycle.threadWatched(3 + SHARDS);
        lifecycle.threadWatched(4);

        assertThat(calls).containsExactly("join 3", "join 4");
        assertThat(lifecycle.joinedShards()).isEqualTo(2);
    }

    @Test
    void theShardIsLeftOnlyWhenTheGraceEndsAfterItsLastThreadWent() {
        lifecycle.threadWatched(3);
        lifecycle.threadWatched(3 + SHARDS);

        lifecycle.threadUnwatched(3);
        assertThat(timers).as("another thread of the shard is still watched").isEmpty();
        lifecycle.threadUnwatched(3 + SHARDS);
        assertThat(calls).containsExactly("join 3");
        fireTimers();

        assertThat(calls).containsExactly("join 3", "leave 3");
        assertThat(lifecycle.joinedShards()).isZero();
    }

    @Test
    void aThreadWatchedDuringTheGraceCancelsTheLeave() {
        lifecycle.threadWatched(3);
        lifecycle.threadUnwatched(3);

        lifecycle.threadWatched(3 + SHARDS);
        fireTimers();

        assertThat(calls).containsExactly("join 3");
        assertThat(lifecycle.joinedShards()).isEqualTo(1);
    }

    @Test
    void aShardLeftIsJoinedAgainByItsNextWatchedThread() {
        lifecycle.threadWatched(3);
        lifecycle.threadUnwatched(3);
        fireTimers();

        lifecycle.threadWatched(3);

        assertThat(calls).containsExactly("join 3", "leave 3", "join 3");
    }

    @Test
    void aStaleTimerOfAnEarlierGraceDoesNotLeaveAShardWatchedAgain() {
        lifecycle.threadWatched(3);
        lifecycle.threadUnwatched(3);
        Runnable firstGrace = timers.get(0);
        lifecycle.threadWatched(3); // cancels the first grace (this test's timers run even when cancelled)
        lifecycle.threadUnwatched(3);
        lifecycle.threadWatched(3);

        firstGrace.run();
        fireTimers();

        assertThat(calls).containsExactly("join 3");
    }

    @Test
    void concurrentSubscribesAndUnsubscribesLeaveEachShardJoinedExactlyWhileAThreadOfItIsWatched() throws Exception {
        Map<Long, AtomicInteger> watchers = new ConcurrentHashMap<>();
        int workers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 2_000; i++) {
                    long thread = ThreadLocalRandom.current().nextLong(40);
                    // The registry's contract: watched on a thread's first subscriber, unwatched on its last,
                    // in order per thread (it calls under the thread's lock).
                    synchronized (watchers.computeIfAbsent(thread, t -> new AtomicInteger())) {
                        AtomicInteger count = watchers.get(thread);
                        if (count.get() > 0 && ThreadLocalRandom.current().nextBoolean()) {
                            if (count.decrementAndGet() == 0) {
                                lifecycle.threadUnwatched(thread);
                            }
                        } else if (count.getAndIncrement() == 0) {
                            lifecycle.threadWatched(thread);
                        }
                    }
                    if (i % 50 == 0) {
                        fireTimers();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        fireTimers();

        for (int shard = 0; shard < SHARDS; shard++) {
            int k = shard;
            boolean watched = watchers.entrySet().stream()
                    .anyMatch(e -> lifecycle.shardOf(e.getKey()) == k && e.getValue().get() > 0);
            long joins = calls.stream().filter(("join " + k)::equals).count();
            long leaves = calls.stream().filter(("leave " + k)::equals).count();
            assertThat(joins - leaves).as("shard %d joined iff one of its threads is watched", k)
                    .isEqualTo(watched ? 1 : 0);
        }
        assertThat(lifecycle.joinedShards()).isEqualTo((int) calls.stream().filter(c -> c.startsWith("join")).count()
                - (int) calls.stream().filter(c -> c.startsWith("leave")).count());
    }

    /** The test's timers: each one runs when {@link #fireTimers} is called (a cancelled one does nothing then). */
    private Runnable schedule(Duration delay, Runnable task) {
        assertThat(delay).isEqualTo(GRACE);
        timers.add(task);
        return () -> timers.remove(task);
    }

    private void fireTimers() {
        for (Runnable timer : timers) {
            if (timers.remove(timer)) {
                timer.run();
            }
        }
    }
}

package dev.forum.gateway.shard;

import dev.forum.contract.Audience;
import dev.forum.contract.EventShards;
import dev.forum.gateway.registry.ThreadWatchListener;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which thread shards this gateway listens to: a shard is joined when the first local subscriber of one of its
 * threads arrives, and left {@code leaveGrace} after the last one went, unless a subscriber arrives meanwhile (so
 * that a page reload or a tab switching threads does not make Redis subscribe and unsubscribe). The registry
 * reports each thread's first and last subscriber ({@link ThreadWatchListener}); this counts, per shard, the
 * threads with at least one. Every step of a shard happens under that shard's lock, so a join and a leave of the
 * same shard never cross; {@link Target} is called under it and must not block.
 */
public final class ShardLifecycle implements ThreadWatchListener {

    /** What joining and leaving a shard does (subscribe its channel, track its stream). Called under the shard's lock. */
    public interface Target {

        void join(int shard);

        void leave(int shard);
    }

    /** Runs a task after a delay; the returned handle cancels it (a no-op once it ran). */
    public interface Scheduler {

        Runnable schedule(Duration delay, Runnable task);
    }

    private static final class Shard {
        /** Local threads of this shard with at least one subscriber. */
        int watchedThreads;
        boolean joined;
        /** The pending leave's cancel handle, or null; also its identity, so a stale timer does nothing. */
        Runnable pendingLeave;
    }

    private final int shardCount;
    private final Duration leaveGrace;
    private final Scheduler scheduler;
    private final Target target;
    private final Shard[] shards;
    private final AtomicInteger joined = new AtomicInteger();

    public ShardLifecycle(int shardCount, Duration leaveGrace, Scheduler scheduler, Target target) {
        this.shardCount = shardCount;
        this.leaveGrace = leaveGrace;
        this.scheduler = scheduler;
        this.target = target;
        this.shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) {
            shards[i] = new Shard();
        }
    }

    /** The thread shard of a thread (its events' stream). */
    public int shardOf(long threadId) {
        return EventShards.shardOf(Audience.THREAD, threadId, shardCount);
    }

    public int shardCount() {
        return shardCount;
    }

    /** Thread shards joined now (pending leaves included: still subscribed). */
    public int joinedShards() {
        return joined.get();
    }

    @Override
    public void threadWatched(long threadId) {
        int k = shardOf(threadId);
        Shard shard = shards[k];
        synchronized (shard) {
            if (shard.watchedThreads++ > 0) {
                return;
            }
            if (shard.pendingLeave != null) {
                shard.pendingLeave.run();
                shard.pendingLeave = null;
            }
            if (!shard.joined) {
                shard.joined = true;
                joined.incrementAndGet();
                target.join(k);
            }
        }
    }

    @Override
    public void threadUnwatched(long threadId) {
        int k = shardOf(threadId);
        Shard shard = shards[k];
        synchronized (shard) {
            if (--shard.watchedThreads > 0) {
                return;
            }
            Runnable[] handle = new Runnable[1];
            handle[0] = scheduler.schedule(leaveGrace, () -> leaveIfStillUnwatched(k, handle[0]));
            shard.pendingLeave = handle[0];
        }
    }

    private void leaveIfStillUnwatched(int k, Runnable handle) {
        Shard shard = shards[k];
        synchronized (shard) {
            if (shard.pendingLeave != handle || shard.watchedThreads > 0 || !shard.joined) {
                return;
            }
            shard.pendingLeave = null;
            shard.joined = false;
            joined.decrementAndGet();
            target.leave(k);
        }
    }
}

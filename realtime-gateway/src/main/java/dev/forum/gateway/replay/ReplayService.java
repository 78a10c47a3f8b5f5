package dev.forum.gateway.replay;

import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventShards;
import dev.forum.contract.EventType;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.Hub;
import dev.forum.gateway.registry.OutboundFrame;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.ThreadSubscription;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Resume: the live subscription is already registered (holding live events back) and its shard's stream is
 * tracked from a position read after that; this resolves {@code last_event_id} to its place in the thread's
 * shard stream ({@code shard_epoch}, {@code shard}, {@code seq}), replays the thread's events after it from
 * forum-api's feed, in order, then releases the held live events minus those already replayed. No place to
 * resume from means {@code resync_required}, never a silent gap: an unknown or purged event, an event of the
 * legacy global stream (written before sharding: its seq counts in no shard stream), of another shard epoch,
 * or of another shard.
 * Replays run on {@code gateway.replay.threads} workers with at most {@code gateway.replay.queue-capacity}
 * waiting (beyond: {@code resync_required} at once); a replay whose subscription ended (unsubscribe,
 * disconnect) stops at the next page, or before it starts.
 */
@ApplicationScoped
public class ReplayService {

    private final ForumApi forumApi;
    private final int shardCount;
    private final ServerFrames frames;
    private final Hub hub;
    private final GatewayMetrics metrics;
    private final int pageSize;
    private final ThreadPoolExecutor executor;

    public ReplayService(ForumApi forumApi, ServerFrames frames, Hub hub, GatewayMetrics metrics,
            GatewayConfig config) {
        this.forumApi = forumApi;
        this.shardCount = config.events().shardCount();
        this.frames = frames;
        this.hub = hub;
        this.metrics = metrics;
        this.pageSize = config.feed().pageSize();
        int threads = config.replay().threads();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.replay().queueCapacity()), runnable -> {
                    Thread thread = new Thread(runnable, "gateway-replay");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    /** Starts the replay on a worker; the subscription must have been registered as replaying. */
    public void resume(ClientSession session, ThreadSubscription subscription, UUID lastEventId) {
        try {
            executor.execute(() -> replay(session, subscription, lastEventId));
        } catch (RejectedExecutionException e) {
            metrics.drop("replay_queue_full");
            finishWithResync(subscription);
        }
    }

    /** The subscription was unsubscribed or its connection closed: its replay has no one to serve. */
    private static boolean ended(ClientSession session, ThreadSubscription subscription) {
        return session.subscription(subscription.threadId()) != subscription || session.writer().isClosed();
    }

    private void replay(ClientSession session, ThreadSubscription subscription, UUID lastEventId) {
        long threadId = subscription.threadId();
        int replayed = 0;
        boolean lostAccess = false;
        try {
            if (ended(session, subscription)) {
                metrics.drop("replay_cancelled");
                return;
            }
            Optional<EventEnvelope> from = forumApi.findEventById(lastEventId).await().atMost(forumApi.timeout());
            int shard = EventShards.shardOf(Audience.THREAD, threadId, shardCount);
            if (from.isEmpty() || !isPositionIn(from.get(), shard)) {
                finishWithResync(subscription);
                return;
            }
            int shardEpoch = from.get().shardEpoch();
            long after = from.get().seq();
            while (true) {
                if (ended(session, subscription)) {
                    metrics.drop("replay_cancelled");
                    return;
                }
                EventPage page = forumApi.findEventsAfter(shard, shardEpoch, after, threadId, pageSize).await()
                        .atMost(forumApi.timeout());
                // A page of an older epoch (forum-api serves it to its end for notification-service): the thread's
                // later events are in the new epoch, in another shard's positions, which this replay cannot join
                // to the old ones; the client resyncs rather than miss them.
                if (page.resyncRequired() || page.currentShardEpoch() != null) {
                    finishWithResync(subscription);
                    return;
                }
                for (EventEnvelope event : page.events()) {
                    if (event.seq() == null || event.seq() <= after) {
                        continue;
                    }
                    after = event.seq();
                    if (isReplayable(event, threadId) && session.mayReadTier(event.minTierCents())) {
                        subscription.deliverReplayed(frames.event(event), event.seq());
                        replayed++;
                        lostAccess |= event.type() == EventType.THREAD_DELETED;
                    } else {
                        subscription.replayedThrough(event.seq());
                        lostAccess |= isReplayable(event, threadId);
                    }
                }
                if (page.events().size() < pageSize) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("replay of thread %d for connection %s failed: %s", threadId, session.id(), e.getMessage());
            finishWithResync(subscription);
            return;
        }
        subscription.finishReplay(List.of(frames.subscribed(threadId, replayed)));
        metrics.replayed(replayed);
        if (lostAccess) {
            hub.revoke(session, threadId, "access_lost");
        }
    }

    private void finishWithResync(ThreadSubscription subscription) {
        metrics.resyncRequired();
        List<OutboundFrame> closing = List.of(frames.resyncRequired(subscription.threadId()),
                frames.subscribed(subscription.threadId(), 0));
        subscription.finishReplay(closing);
    }

    /** The event has a position in this shard's stream (not the legacy global stream, not another shard's). */
    private static boolean isPositionIn(EventEnvelope event, int shard) {
        return event.seq() != null && event.shardEpoch() != null && event.shard() != null && event.shard() == shard;
    }

    private static boolean isReplayable(EventEnvelope event, long threadId) {
        return event.audience() == Audience.THREAD && event.type() != EventType.USER_TYPING
                && event.threadId() != null && event.threadId() == threadId;
    }
}

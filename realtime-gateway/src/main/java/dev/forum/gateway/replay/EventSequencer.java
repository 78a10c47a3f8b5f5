package dev.forum.gateway.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import dev.forum.contract.EventShards;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.ShardTracker;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.EventSource;
import dev.forum.gateway.registry.Hub;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Puts outbox events in order before they reach the {@link Hub}, per shard stream, on one dedicated thread
 * (never the Redis I/O thread). Each tracked shard has a {@link ShardTracker}: an event is delivered only as
 * the next seq of its shard; a duplicate is dropped; a gap is filled from forum-api's feed first; a shard whose
 * Redis subscription is not live (Redis down, the connection lost, a failover) is polled from the feed every
 * {@code gateway.feed.poll-interval}, and caught up once when it is live again. Every feed read goes through
 * the positions endpoint, one request for all the shards concerned. Because every path goes through the same
 * "deliver only seq = last + 1" step, the switch between Redis and polling neither duplicates nor reorders.
 *
 * <p>Shards are tracked while this gateway listens to them: the forum shard always, a thread shard from its
 * first local subscriber until it is left ({@link dev.forum.gateway.shard.ShardLifecycle}). A new stream starts
 * at the feed's head, read before any of its events is delivered; {@link #whenTracked} runs what must happen
 * only after that (a {@code subscribed} frame, a resume replay), so nothing committed after a subscription was
 * registered is skipped. Each envelope must be one its {@link EventSource} may carry, on its own shard's
 * channel; anything else is dropped and counted before it reaches the hub. A newer shard epoch (forum-api
 * changed the shard count) restarts every stream at its head and tells every thread subscription
 * {@code resync_required}: positions of two epochs cannot be compared.
 */
@ApplicationScoped
public class EventSequencer {

    /** One tracked shard's stream. Touched only on the sequencer thread. */
    private static final class Stream {
        final int shard;
        final ShardTracker tracker = new ShardTracker();
        /** Its Redis subscription is confirmed; otherwise the shard is polled from the feed. */
        boolean live;
        /** The feed's head was asked for (or could not be): {@link #waiters} ran. */
        boolean positioned;
        final List<Runnable> waiters = new ArrayList<>(1);

        Stream(int shard) {
            this.shard = shard;
        }
    }

    private final Hub hub;
    private final ForumApi forumApi;
    private final ObjectMapper mapper;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final GatewayConfig config;
    private final int shardCount;
    private final int pageSize;
    private final int handoffCapacity;
    private final ThreadPoolExecutor executor;
    /** Redis messages handed off and not processed yet (control tasks are not counted and never dropped). */
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    /** Index {@code shard + 1}; sequencer thread only. */
    private final Stream[] streams;
    /** Streams waiting for the feed's head, and streams whose subscription just became live (catch up once). */
    private final Map<Integer, Stream> unpositioned = new LinkedHashMap<>();
    private final Map<Integer, Stream> catchUps = new LinkedHashMap<>();
    private boolean catchUpQueued;
    /** The shard epoch positions count in, 0 until the feed or an event tells it; sequencer thread only. */
    private int epoch;
    private boolean shardCountWarned;
    /** Copies for readiness and tests, read from other threads. */
    private volatile int epochSeen;
    private volatile int polledShards;
    private final AtomicLongArray lastSeqs;
    private long pollTimer = -1;

    public EventSequencer(Hub hub, ForumApi forumApi, ObjectMapper mapper, GatewayMetrics metrics, Vertx vertx,
            GatewayConfig config) {
        this.hub = hub;
        this.forumApi = forumApi;
        this.mapper = mapper;
        this.metrics = metrics;
        this.vertx = vertx;
        this.config = config;
        this.shardCount = config.events().shardCount();
        this.pageSize = config.feed().pageSize();
        this.handoffCapacity = config.feed().handoffCapacity();
        this.streams = new Stream[shardCount + 1];
        this.lastSeqs = new AtomicLongArray(shardCount + 1);
        for (int i = 0; i < lastSeqs.length(); i++) {
            lastSeqs.set(i, -1);
        }
        // Unbounded for control tasks (track, untrack, live, lost: never dropped); Redis messages are bounded
        // by handoffCapacity through pendingEvents.
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "gateway-sequencer");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Tracks the forum shard (always listened to) and starts polling the shards that are not live. */
    public void start() {
        track(EventShards.FORUM);
        pollTimer = vertx.setPeriodic(config.feed().pollInterval().toMillis(), id -> pollIfAnyShardPolled());
    }

    public void stop() {
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        executor.shutdownNow();
    }

    /** A raw message from Redis, from a channel of this source ({@code shard}: the events channel's shard). Never blocks. */
    public void submit(String json, EventSource source, int shard) {
        handOffEvent(() -> {
            EventEnvelope envelope;
            try {
                envelope = mapper.readValue(json, EventEnvelope.class);
            } catch (Exception e) {
                Log.warnf("ignoring unreadable event from Redis: %s", e.getMessage());
                metrics.drop("invalid_envelope");
                return;
            }
            if (source == EventSource.OUTBOX) {
                metrics.receivedFromPubSub();
            }
            process(envelope, source, shard);
        });
    }

    /** A raw message from Redis on the typing or notification channel. Never blocks. */
    public void submit(String json, EventSource source) {
        submit(json, source, EventShards.FORUM);
    }

    /** An event produced on this gateway (typing while Redis is down). */
    public void submit(EventEnvelope envelope, EventSource source) {
        handOffEvent(() -> process(envelope, source, EventShards.FORUM));
    }

    /** Starts tracking a shard's stream, at the feed's head. */
    public void track(int shard) {
        control(() -> {
            if (stream(shard) != null) {
                return;
            }
            Stream stream = new Stream(shard);
            streams[shard + 1] = stream;
            unpositioned.put(shard, stream);
            countPolled();
            // Positioned by the next task (so that shards tracked together share one feed request), or
            // before the first event of the shard, whichever comes first.
            control(this::positionUnpositioned);
        });
    }

    /** Stops tracking a shard (left: nobody here listens to it any more). */
    public void untrack(int shard) {
        control(() -> {
            Stream stream = stream(shard);
            if (stream == null || shard == EventShards.FORUM) {
                return;
            }
            streams[shard + 1] = null;
            unpositioned.remove(shard);
            catchUps.remove(shard);
            lastSeqs.set(shard + 1, -1);
            runWaiters(stream);
            countPolled();
        });
    }

    /**
     * Runs {@code action} on the sequencer thread once the shard's stream has its starting position (at once if
     * it has one, or if the shard is not tracked): after it, every event of the shard committed later is delivered.
     */
    public void whenTracked(int shard, Runnable action) {
        control(() -> {
            Stream stream = stream(shard);
            if (stream == null || stream.positioned) {
                action.run();
            } else {
                stream.waiters.add(action);
            }
        });
    }

    /** The shard's Redis subscription is confirmed: it stops being polled, after one catch-up from the feed. */
    public void shardLive(int shard) {
        control(() -> {
            Stream stream = stream(shard);
            if (stream == null) {
                return;
            }
            stream.live = true;
            countPolled();
            catchUps.put(shard, stream);
            if (!catchUpQueued) {
                catchUpQueued = true;
                // One feed request for the shards confirmed together (a reconnect resubscribes them all).
                control(this::catchUp);
            }
        });
    }

    /** The shard's Redis subscription may be losing messages: it is polled from the feed until live again. */
    public void shardLost(int shard) {
        control(() -> {
            Stream stream = stream(shard);
            if (stream != null && stream.live) {
                stream.live = false;
                countPolled();
            }
        });
    }

    /** The subscriber connection is gone: every shard is polled until its subscription is confirmed again. */
    public void brokerDown() {
        control(() -> {
            boolean wasLive = false;
            for (Stream stream : streams) {
                if (stream != null) {
                    wasLive |= stream.live;
                    stream.live = false;
                }
            }
            if (wasLive) {
                Log.warnf("Redis subscription lost: delivering from forum-api's event feed every %s",
                        config.feed().pollInterval());
            }
            countPolled();
        });
    }

    /** Tracked shards delivered from the feed for now (their Redis subscription is not live). */
    public int polledShards() {
        return polledShards;
    }

    /** The shard epoch this gateway's positions count in, 0 while unknown. */
    public int shardEpoch() {
        return epochSeen;
    }

    /** The last seq delivered in a shard's stream, -1 when unknown or not tracked (readiness data, tests). */
    public long lastSeq(int shard) {
        return lastSeqs.get(shard + 1);
    }

    /** The shard of a thread's events on this gateway. */
    public int shardOfThread(long threadId) {
        return EventShards.shardOf(Audience.THREAD, threadId, shardCount);
    }

    private Stream stream(int shard) {
        return EventShards.isValid(shard, shardCount) ? streams[shard + 1] : null;
    }

    private void handOffEvent(Runnable task) {
        if (pendingEvents.incrementAndGet() > handoffCapacity) {
            pendingEvents.decrementAndGet();
            // Never block the Redis thread; a dropped outbox event is refetched by gap detection.
            metrics.drop("handoff_full");
            return;
        }
        try {
            executor.execute(() -> {
                pendingEvents.decrementAndGet();
                runSafely(task);
            });
        } catch (RejectedExecutionException e) {
            pendingEvents.decrementAndGet(); // shutting down
        }
    }

    private void control(Runnable task) {
        try {
            executor.execute(() -> runSafely(task));
        } catch (RejectedExecutionException e) {
            Log.debugf("sequencer stopped: control task ignored");
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            Log.warnf(e, "event handling failed");
        }
    }

    private void pollIfAnyShardPolled() {
        if (polledShards > 0 && pollQueued.compareAndSet(false, true)) {
            control(() -> {
                pollQueued.set(false);
                List<Stream> polled = new ArrayList<>();
                for (Stream stream : streams) {
                    if (stream != null && !stream.live) {
                        polled.add(stream);
                    }
                }
                int delivered = readFeed(polled);
                if (delivered > 0) {
                    metrics.polled(delivered);
                }
            });
        }
    }

    private void catchUp() {
        catchUpQueued = false;
        List<Stream> due = new ArrayList<>(catchUps.values());
        catchUps.clear();
        readFeed(due);
    }

    private void process(EventEnvelope envelope, EventSource source, int channelShard) {
        String refusal = source.refusal(envelope);
        if (refusal == null && source == EventSource.OUTBOX && envelope.shard() != channelShard) {
            refusal = "wrong_shard";
        }
        if (refusal != null) {
            Log.debugf("dropping %s event %s from %s: %s", envelope.type(), envelope.eventId(), source, refusal);
            metrics.drop(refusal);
            return;
        }
        if (source != EventSource.OUTBOX) {
            hub.route(envelope);
            return;
        }
        Stream stream = stream(channelShard);
        if (stream == null) {
            return; // a shard left a moment ago (messages in flight), or never asked for
        }
        if (!stream.positioned) {
            positionUnpositioned();
        }
        ShardTracker.Verdict verdict = stream.tracker.check(envelope.shardEpoch(), envelope.seq());
        if (verdict == ShardTracker.Verdict.NEW_EPOCH) {
            changeEpoch(envelope.shardEpoch());
            verdict = stream.tracker.check(envelope.shardEpoch(), envelope.seq());
        }
        if (verdict == ShardTracker.Verdict.GAP) {
            fillGap(stream, envelope.seq() - 1);
            verdict = stream.tracker.check(envelope.shardEpoch(), envelope.seq());
        }
        switch (verdict) {
            case DUPLICATE -> {
            }
            case OLD_EPOCH -> metrics.drop("stale_epoch");
            // DELIVER, or a gap the feed did not fill (it could not be read, or lost them: the shard's threads
            // were told resync_required): the stream jumps over it.
            default -> deliver(stream, envelope);
        }
    }

    private void deliver(Stream stream, EventEnvelope envelope) {
        hub.route(envelope);
        stream.tracker.delivered(envelope.shardEpoch(), envelope.seq());
        lastSeqs.set(stream.shard + 1, stream.tracker.last());
    }

    /** Delivers the shard's missing events up to {@code upTo} from the feed. */
    private void fillGap(Stream stream, long upTo) {
        int filled = 0;
        try {
            while (stream.tracker.last() < upTo) {
                EventPositionPages pages = fetch(Map.of(stream.shard, stream.tracker.last()), pageSize);
                if (changeEpochIfNewer(pages)) {
                    return;
                }
                EventPage page = pageOf(pages, stream.shard);
                if (page == null || page.resyncRequired()) {
                    gapUnfilled(stream, "the feed no longer keeps them");
                    break;
                }
                metrics.receivedFromFeed(page.events().size());
                for (EventEnvelope missing : page.events()) {
                    if (missing.seq() == null || missing.seq() <= stream.tracker.last()) {
                        continue;
                    }
                    if (missing.seq() > upTo) {
                        break;
                    }
                    deliver(stream, missing);
                    filled++;
                }
                if (page.events().size() < pageSize) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            gapUnfilled(stream, e.getMessage());
        }
        metrics.gapFilled(filled);
    }

    /**
     * Events of this shard after its last seq are lost for this gateway: every local subscription of a thread in
     * the shard is told {@code resync_required}, then the newer event is delivered (the tracker jumps the gap).
     */
    private void gapUnfilled(Stream stream, String why) {
        Log.warnf("could not fill the seq gap of shard %d after %d (%s): sending resync_required to its threads'"
                + " subscriptions", stream.shard, stream.tracker.last(), why);
        metrics.drop("gap_unfilled");
        resyncShard(stream.shard);
    }

    private void resyncShard(int shard) {
        if (shard != EventShards.FORUM) {
            hub.resyncThreads(threadId -> shardOfThread(threadId) == shard);
        }
    }

    /**
     * Reads the feed after each stream's last seq and delivers what it returns, page after page for the
     * streams whose page was full. Returns the events delivered.
     */
    private int readFeed(List<Stream> due) {
        if (due.isEmpty()) {
            return 0;
        }
        positionUnpositioned();
        int delivered = 0;
        try {
            List<Stream> reading = due;
            while (!reading.isEmpty()) {
                Map<Integer, Long> positions = new LinkedHashMap<>();
                for (Stream stream : reading) {
                    if (stream(stream.shard) == stream && stream.tracker.isKnown()) {
                        positions.put(stream.shard, stream.tracker.last());
                    }
                }
                if (positions.isEmpty()) {
                    break;
                }
                EventPositionPages pages = fetch(positions, pageSize);
                if (changeEpochIfNewer(pages)) {
                    break;
                }
                List<Stream> full = new ArrayList<>();
                for (EventPage page : pages.pages()) {
                    Stream stream = page.shard() == null ? null : stream(page.shard());
                    if (stream == null || !positions.containsKey(stream.shard)) {
                        continue;
                    }
                    if (page.resyncRequired()) {
                        // Behind what the feed keeps: lost for good; go on from its head.
                        gapUnfilled(stream, "the feed no longer keeps them");
                        stream.tracker.restart(pages.shardEpoch());
                        stream.tracker.startAfter(pages.shardEpoch(), page.headSeq());
                        continue;
                    }
                    metrics.receivedFromFeed(page.events().size());
                    for (EventEnvelope event : page.events()) {
                        long before = stream.tracker.last();
                        process(event, EventSource.OUTBOX, stream.shard);
                        if (stream.tracker.last() > before) {
                            delivered++;
                        }
                    }
                    if (page.events().size() >= pageSize) {
                        full.add(stream);
                    }
                }
                reading = full;
            }
        } catch (RuntimeException e) {
            Log.debugf("feed read failed: %s", e.getMessage());
        }
        return delivered;
    }

    /** Sets the starting position of the streams tracked since the last call: the feed's head, in one request. */
    private void positionUnpositioned() {
        if (unpositioned.isEmpty()) {
            return;
        }
        List<Stream> due = new ArrayList<>(unpositioned.values());
        unpositioned.clear();
        Map<Integer, Long> positions = new LinkedHashMap<>();
        due.forEach(stream -> positions.put(stream.shard, 0L));
        try {
            // One event per page at most: only the heads are wanted.
            EventPositionPages pages = fetch(positions, 1);
            adoptEpoch(pages);
            for (EventPage page : pages.pages()) {
                Stream stream = page.shard() == null ? null : stream(page.shard());
                // A page of the older epoch this gateway asked in has that epoch's head: adoptEpoch just moved to
                // the current one and positioned every stream there.
                if (stream != null && page.currentShardEpoch() == null) {
                    stream.tracker.startAfter(pages.shardEpoch(), page.headSeq());
                    lastSeqs.set(stream.shard + 1, stream.tracker.last());
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("forum-api's feed unavailable (%s): shards %s will start at their next event", e.getMessage(),
                    positions.keySet());
        }
        for (Stream stream : due) {
            runWaiters(stream);
        }
    }

    private void runWaiters(Stream stream) {
        stream.positioned = true;
        List<Runnable> waiting = new ArrayList<>(stream.waiters);
        stream.waiters.clear();
        waiting.forEach(EventSequencer::runSafely);
    }

    /** Learns the epoch from the feed's answer; true if it is newer than the one positions counted in (all restarted). */
    private boolean changeEpochIfNewer(EventPositionPages pages) {
        int before = epoch;
        adoptEpoch(pages);
        return epoch != before && before != 0;
    }

    private void adoptEpoch(EventPositionPages pages) {
        if (pages.shardCount() != shardCount && !shardCountWarned) {
            shardCountWarned = true;
            Log.warnf("forum-api numbers events in %d shards, this gateway's gateway.events.shard-count is %d:"
                    + " set FORUM_EVENT_SHARDS alike for every service", pages.shardCount(), shardCount);
        }
        if (epoch == 0) {
            epoch = pages.shardEpoch();
            epochSeen = epoch;
        } else if (pages.shardEpoch() > epoch) {
            changeEpoch(pages.shardEpoch());
        }
    }

    /**
     * forum-api opened a new shard epoch: no position of the old one means anything in it. Every stream starts
     * again at the new epoch's head and every thread subscription is told {@code resync_required}.
     */
    private void changeEpoch(int newEpoch) {
        if (newEpoch <= epoch) {
            return;
        }
        Log.warnf("shard epoch %d replaces %d: every stream restarts at its head, every thread subscription gets"
                + " resync_required", newEpoch, epoch);
        epoch = newEpoch;
        epochSeen = newEpoch;
        for (Stream stream : streams) {
            if (stream != null) {
                stream.tracker.restart(newEpoch);
                unpositioned.put(stream.shard, stream);
            }
        }
        positionUnpositioned();
        hub.resyncThreads(threadId -> true);
    }

    private EventPositionPages fetch(Map<Integer, Long> positions, int limit) {
        return forumApi.findEventsAt(new EventPositions(epoch == 0 ? null : epoch, positions, limit))
                .await().atMost(forumApi.timeout());
    }

    private static EventPage pageOf(EventPositionPages pages, int shard) {
        for (EventPage page : pages.pages()) {
            if (page.shard() != null && page.shard() == shard) {
                return page;
            }
        }
        return null;
    }

    private void countPolled() {
        int polled = 0;
        for (Stream stream : streams) {
            if (stream != null && !stream.live) {
                polled++;
            }
        }
        polledShards = polled;
    }
}

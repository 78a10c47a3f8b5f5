package dev.forum.notify.listener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventHeads;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import dev.forum.contract.EventShards;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable consumption of forum-api's events, one cursor per stream ({@link FeedStream}): first the legacy global
 * stream (events written before sharding, {@code GET /api/internal/events} without {@code shard}) up to its head,
 * then every shard of the current shard epoch (the forum shard -1 and the thread shards 0..N-1), each in its own
 * seq order. One drain thread processes events through {@link EventProcessor#processEach}: what a drain round took
 * of several shards shares transactions, each shard's run advancing that shard's stored cursor. When forum-api opens
 * a newer shard epoch (its shard count changed), every shard of the epoch being consumed is first read to its end
 * (forum-api keeps serving it, with its own shard count, until its rows are purged; it gets no new events), then
 * the next epoch from its start: the rows forum-api had not numbered yet are in the new epoch only, so nothing is
 * skipped and nothing read twice.
 *
 * <p>A shard's events come from the Redis pub/sub payloads ({@link #offer}, from {@link EventWakeupSubscriber}) as
 * long as each one's seq is the next one of its shard; the feed ({@code POST /api/internal/events/positions}: one
 * request for every shard that needs it) is read at start-up, on taking over leadership, after a shard's
 * (re)subscription, when a seq gap shows that pub/sub missed something in a shard, after a failure, and by the
 * scheduled poll: every {@code notify.consumer.poll-interval} for shards whose subscription is down, otherwise
 * only after {@code notify.consumer.idle-poll-interval} without any event (a subscriber connection that died
 * silently; then the feed's heads summed are compared with the cursors first, and the shards' pages read only when
 * they differ, so that rest costs the same whatever the shard count). A gap or a failure in one shard sends that
 * shard to the feed; the others go on. The forum shard is processed first in every round, since thread events usually follow the forum-wide ones they depend on (a user
 * registered, a thread followed): order across shards is otherwise not kept, only within each.
 *
 * <p>Only the replica that {@link ConsumerLeadership} elected consumes. On shutdown it finishes the run in flight
 * and stops.
 */
@ApplicationScoped
public class FeedConsumer {

    private final EventFeedClient feed;
    private final EventProcessor processor;
    private final CursorStore cursors;
    private final NotifyConfig config;
    private final ConsumerLeadership leadership;
    private final ObjectMapper mapper;
    private final String consumerId;
    private final int pageSize;
    private final BlockingQueue<String> live;
    private final Counter liveEvents;
    private final Counter feedEvents;
    private final StreamPositions positions;
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** The next drain reloads every stored cursor first (start-up, takeover, a failure outside one shard). */
    private final AtomicBoolean cursorsStale = new AtomicBoolean(true);
    /**
     * The next drain asks the feed for the heads summed ({@link EventHeads}) and reads every shard's page only when
     * they differ from the cursors: the idle check, at a cost that does not grow with the shard count.
     */
    private final AtomicBoolean headsCheckWanted = new AtomicBoolean();
    /** Shards the next drain reads from the feed. */
    private final Set<Integer> feedWanted = ConcurrentHashMap.newKeySet();
    /** Shards whose Redis subscription is live. */
    private final Set<Integer> subscribedShards = ConcurrentHashMap.newKeySet();
    /** Shards the feed purged past our cursor: not consumed until an operator resets their cursor. */
    private final Set<Integer> stalled = ConcurrentHashMap.newKeySet();
    /** False until the legacy global stream is consumed to its head (checked again at every start and takeover). */
    private volatile boolean legacyFinished;
    /** forum-api serves no sharded feed (not switched yet): follow the legacy stream, polled. */
    private volatile boolean legacyOnly;
    private volatile boolean legacyStalled;
    /** The next feed read asks for the forum shard only, to learn the current epoch and shard count. */
    private volatile boolean probeEpoch;
    /** A newer shard epoch forum-api opened while ours is being finished (0: none); drain thread only. */
    private int nextEpoch;
    private int nextShardCount;
    /** Shards of our epoch read to their end since {@link #nextEpoch} was seen. */
    private final Set<Integer> oldEpochDone = new HashSet<>();
    private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong lastEventNanos = new AtomicLong(System.nanoTime());
    private final ExecutorService drainThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "notify-feed-consumer");
        t.setDaemon(true);
        return t;
    });

    public FeedConsumer(@RestClient EventFeedClient feed, EventProcessor processor, CursorStore cursors,
            NotifyConfig config, ConsumerLeadership leadership, ObjectMapper mapper, MeterRegistry registry) {
        this.feed = feed;
        this.processor = processor;
        this.cursors = cursors;
        this.config = config;
        this.leadership = leadership;
        this.mapper = mapper;
        this.consumerId = config.consumer().id();
        this.pageSize = config.consumer().pageSize();
        this.live = new ArrayBlockingQueue<>(config.consumer().liveQueueSize());
        this.positions = new StreamPositions(config.events().shardCount());
        Gauge.builder("notify.consumer.lag", positions, StreamPositions::lag)
                .description("Events the feed reported that are not processed yet, summed over the streams")
                .register(registry);
        Gauge.builder("notify.consumer.cursor", positions, StreamPositions::cursorSum)
                .description("Events processed: the cursors of the legacy stream and of the epoch's shards, summed")
                .register(registry);
        Gauge.builder("notify.consumer.head.seq", positions, StreamPositions::headSum)
                .description("Events the feed reported (or pub/sub brought): the heads, summed as the cursors")
                .register(registry);
        Gauge.builder("notify.consumer.shard.epoch", positions, StreamPositions::shardEpoch)
                .description("The shard epoch consumed (0 before the first sharded page)").register(registry);
        Gauge.builder("notify.consumer.leader", this, consumer -> consumer.leader() ? 1 : 0)
                .description("1 on the replica that holds the consumer lock, else 0").register(registry);
        this.liveEvents = Counter.builder("notify.consumer.events.read").tag("source", "pubsub")
                .description("Events taken for processing, by where they were read").register(registry);
        this.feedEvents = Counter.builder("notify.consumer.events.read").tag("source", "feed")
                .description("Events taken for processing, by where they were read").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        reloadCursors();
        if (config.consumer().enabled()) {
            Log.infof("consuming forum-api events: legacy stream after seq %d, then the shards of epoch %d",
                    positions.cursor(FeedStream.LEGACY), positions.shardEpoch());
            wake();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping.set(true);
        drainThread.shutdown();
        try {
            if (!drainThread.awaitTermination(20, TimeUnit.SECONDS)) {
                Log.warn("feed consumer did not finish its batch in 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An event envelope as published on Redis. Never blocks: safe on the Redis I/O thread. When the queue is full
     * the event is dropped and the feed supplies it.
     */
    public void offer(String envelopeJson) {
        if (!enabled() || !leadership.isLeader()) {
            return;
        }
        lastEventNanos.set(System.nanoTime());
        if (!live.offer(envelopeJson)) {
            feedWanted.addAll(positions.allShards());
        }
        wake();
    }

    /**
     * The Redis subscription of these shards is (again) in place, or lost. Events may have been missed while it was
     * not: read their feed.
     */
    public void subscribed(Collection<Integer> shards, boolean up) {
        if (up) {
            subscribedShards.addAll(shards);
            readFeed(shards);
        } else {
            subscribedShards.removeAll(shards);
        }
    }

    /** This replica just became the leader: the stored cursors may have moved while it stood by. */
    public void tookOver() {
        cursorsStale.set(true);
        wake();
    }

    /** "New events of these shards may exist that pub/sub did not bring": the next drain reads their feed. */
    public void readFeed(Collection<Integer> shards) {
        feedWanted.addAll(shards);
        wake();
    }

    /** Never blocks: safe on the Redis I/O thread. Only the leader consumes. */
    public void wake() {
        if (!config.consumer().enabled() || stopping.get() || !leadership.isLeader()) {
            return;
        }
        wakeRequested.set(true);
        if (draining.compareAndSet(false, true)) {
            try {
                drainThread.execute(this::drainLoop);
            } catch (RejectedExecutionException e) {
                draining.set(false);
            }
        }
    }

    /**
     * Reads the feed of shards whose subscription is down, of every shard when nothing arrived for the idle poll
     * interval, and retries what failed; follows the legacy stream while it is not finished.
     */
    @Scheduled(every = "${notify.consumer.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        long quiet = System.nanoTime() - lastEventNanos.get();
        if (quiet >= config.consumer().idlePollInterval().toNanos()) {
            headsCheckWanted.set(true); // every shard, subscribed or not
        } else {
            positions.allShards().stream().filter(shard -> !subscribedShards.contains(shard)).forEach(feedWanted::add);
        }
        feedWanted.removeAll(stalled);
        if (!feedWanted.isEmpty() || !legacyFinished || headsCheckWanted.get()) {
            wake();
        }
    }

    private void drainLoop() {
        try {
            while (wakeRequested.getAndSet(false) && !stopping.get()) {
                drainOnce();
            }
        } finally {
            draining.set(false);
            if (wakeRequested.get() && !stopping.get()) {
                wake();
            }
        }
    }

    /**
     * Finishes the legacy stream, then processes what the shards' feed has (for the shards that need it) and what
     * pub/sub brought. While the feed cannot be read, pub/sub events that follow their shard's cursor are still
     * processed. A shard whose processing failed waits for the next wake or poll; the others go on.
     */
    private void drainOnce() {
        Set<Integer> failed = new HashSet<>();
        boolean feedUnreadable = false;
        try {
            while (!stopping.get() && leadership.isLeader()) {
                if (cursorsStale.getAndSet(false)) {
                    reloadCursors();
                }
                if (!legacyFinished) {
                    if (feedUnreadable || !drainLegacyPage()) {
                        live.clear(); // the feed supplies them once the legacy stream is finished
                        return;
                    }
                    continue;
                }
                if (headsCheckWanted.getAndSet(false) && !feedUnreadable && !missedNothing()) {
                    feedWanted.addAll(positions.allShards());
                }
                feedWanted.removeIf(shard -> !positions.isShard(shard)); // the shard count shrank
                Set<Integer> toRead = new HashSet<>(feedWanted);
                toRead.removeAll(failed);
                toRead.removeAll(stalled);
                if (!feedUnreadable && !toRead.isEmpty()) {
                    feedUnreadable = !drainFeed(toRead, failed);
                } else if (!drainLive(failed)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("event consumption failed (retrying from the stored cursors on next wake/poll): %s",
                    e.getMessage());
            cursorsStale.set(true);
            live.clear();
        }
    }

    /** The stored cursors, again the truth: after start-up, a takeover or a failure outside one shard. */
    private void reloadCursors() {
        positions.moveCursor(FeedStream.LEGACY, cursors.current(consumerId, FeedStream.LEGACY));
        int epoch = Math.max(positions.shardEpoch(), cursors.latestShardEpoch(consumerId));
        positions.resetEpoch(epoch, positions.shardCount(), cursors.shardCursors(consumerId, epoch));
        legacyFinished = false;
        legacyStalled = false;
        nextEpoch = 0; // the next answer says again whether a newer epoch is current
        oldEpochDone.clear();
        stalled.clear();
        feedWanted.addAll(positions.allShards());
    }

    /**
     * Whether every shard's cursor is at its head, as the feed's heads summed say ({@link EventHeads}: one small
     * request, whatever the shard count). The cursors are summed before asking, so equal sums mean no shard is
     * behind. False (read every shard's page) while an epoch change is being followed, a shard is stalled, or the
     * heads cannot be read (an older forum-api without them, or the feed down).
     */
    private boolean missedNothing() {
        int epoch = positions.shardEpoch();
        if (epoch == 0 || nextEpoch != 0 || !stalled.isEmpty()) {
            return false;
        }
        long consumed = positions.shardCursorSum();
        EventHeads heads;
        try {
            heads = feed.heads(config.internalToken());
        } catch (RuntimeException e) {
            Log.debugf("the feed's heads could not be read (reading every shard's page): %s", e.getMessage());
            return false;
        }
        lastEventNanos.set(System.nanoTime());
        lastSuccessNanos.set(System.nanoTime());
        return heads.shardEpoch() == epoch && heads.shardCount() == positions.shardCount()
                && heads.headSum() == consumed;
    }

    /**
     * One page of the legacy global stream after its cursor, processed. An empty page finishes the legacy stream
     * (its events were all written before forum-api switched to shards): the shards come next. False when the
     * feed could not be read or was purged past the cursor.
     */
    private boolean drainLegacyPage() {
        long after = positions.cursor(FeedStream.LEGACY);
        EventPage page;
        try {
            page = feed.events(config.internalToken(), after, pageSize);
        } catch (RuntimeException e) {
            Log.warnf("event feed unreadable (retrying on next wake/poll): %s", e.getMessage());
            return false;
        }
        lastEventNanos.set(System.nanoTime());
        positions.seeHead(FeedStream.LEGACY, page.headSeq());
        if (page.resyncRequired()) {
            if (!legacyStalled) {
                Log.errorf("event feed purged past our legacy cursor %d (oldest kept %d): events were lost to this "
                        + "consumer; stopping until an operator resets consumer_cursor", after, page.oldestSeq());
            }
            legacyStalled = true;
            return false;
        }
        lastSuccessNanos.set(System.nanoTime());
        if (page.events().isEmpty()) {
            if (!legacyOnly) {
                Log.infof("legacy event stream consumed up to seq %d: consuming the shards", after);
            }
            legacyFinished = true; // the shards' feed tells whether forum-api has them yet (followLegacyOnly)
            return true;
        }
        feedEvents.increment(page.events().size());
        process(FeedStream.LEGACY, page.events());
        return true;
    }

    /**
     * One feed page of every shard in {@code shards}, in one request, processed shard by shard (the forum shard
     * first); a shard whose page was full is asked for again. False when the feed could not be read.
     */
    private boolean drainFeed(Set<Integer> shards, Set<Integer> failed) {
        int epoch = positions.shardEpoch();
        // Before the feed named the epoch and its shard count (or after it refused a shard we asked for: the count
        // changed), ask only for the forum shard, which every count has.
        Set<Integer> asked = epoch == 0 || probeEpoch ? Set.of(EventShards.FORUM) : shards;
        feedWanted.removeAll(asked);
        Map<Integer, Long> after = new TreeMap<>();
        asked.forEach(shard -> after.put(shard, positions.cursor(positions.stream(shard))));
        EventPositionPages answer;
        try {
            answer = feed.positions(config.internalToken(), new EventPositions(epoch == 0 ? null : epoch, after,
                    pageSize));
        } catch (RuntimeException e) {
            feedWanted.addAll(asked);
            if (noShardedFeed(e)) {
                followLegacyOnly();
            } else if (status(e) == 400) {
                Log.warnf("the feed refused the shards asked for (%s): asking for the forum shard to learn the "
                        + "current shard epoch and count", e.getMessage());
                probeEpoch = true;
            } else {
                Log.warnf("event feed unreadable (retrying on next wake/poll): %s", e.getMessage());
            }
            return false;
        }
        lastEventNanos.set(System.nanoTime());
        lastSuccessNanos.set(System.nanoTime());
        probeEpoch = false;
        if (legacyOnly) {
            Log.infof("forum-api serves the sharded feed now: consuming the shards");
            legacyOnly = false;
        }
        boolean newerEpoch = epoch != 0 && answer.shardEpoch() != epoch;
        if (newerEpoch && !servesOwnEpoch(answer, epoch)) {
            enterEpoch(answer.shardEpoch(), answer.shardCount(), false);
            return true;
        }
        if (newerEpoch) {
            finishBeforeNextEpoch(answer.shardEpoch(), answer.shardCount());
        } else if (epoch == 0) {
            positions.resetEpoch(answer.shardEpoch(), answer.shardCount(), Map.of());
            feedWanted.addAll(positions.allShards());
        }
        // The pages' count is our epoch's (an older epoch keeps its own): after a restart the consumer only knows
        // the configured count, which may be the new epoch's; every shard of ours must be read.
        int ownCount = newerEpoch ? answer.pages().get(0).shardCount() : answer.shardCount();
        if (ownCount != positions.shardCount()) {
            positions.setShardCount(ownCount);
            feedWanted.addAll(positions.allShards());
        }
        drainShardPages(answer.pages(), failed);
        if (nextEpoch != 0 && ownEpochDone()) {
            Log.infof("shard epoch %d consumed to its end", epoch);
            enterEpoch(epoch + 1, nextShardCount, true);
        }
        return true;
    }

    /**
     * Every shard of our (old) epoch was read to its end since a newer epoch was seen; a shard stalled by a purge
     * (already reported lost) does not hold the others back.
     */
    private boolean ownEpochDone() {
        Set<Integer> done = new HashSet<>(oldEpochDone);
        done.addAll(stalled);
        return done.containsAll(positions.allShards());
    }

    /**
     * Whether the feed still serves the pages of our epoch, now that a newer one is current: every page is of our
     * epoch and readable (else what is left of it cannot be read any more).
     */
    private static boolean servesOwnEpoch(EventPositionPages answer, int epoch) {
        return answer.pages().stream()
                .allMatch(page -> !page.resyncRequired() && Integer.valueOf(epoch).equals(page.shardEpoch()));
    }

    /**
     * forum-api opened a newer shard epoch (its shard count changed) and still serves ours: read every shard of ours
     * to its end (it gets no new events) before the next epoch, so that nothing of it is skipped. The next one is
     * ours + 1 (epochs are numbered one after the other): if the count changed twice while this consumer was
     * behind, the one in between is finished the same way.
     */
    private void finishBeforeNextEpoch(int epoch, int shardCount) {
        if (nextEpoch != epoch) {
            Log.infof("forum-api moved to shard epoch %d (%d shards): finishing epoch %d first", epoch, shardCount,
                    positions.shardEpoch());
            nextEpoch = epoch;
            nextShardCount = shardCount;
            oldEpochDone.clear();
            feedWanted.addAll(positions.allShards());
        }
    }

    /**
     * The feed's pages of several shards, processed together ({@link #processShards}: their runs share
     * transactions); a shard whose page was full is asked for again.
     */
    private void drainShardPages(List<EventPage> pages, Set<Integer> failed) {
        List<EventPage> readable = new ArrayList<>(pages.size());
        List<List<EventEnvelope>> runs = new ArrayList<>(pages.size());
        for (EventPage page : pages) {
            int shard = page.shard();
            FeedStream stream = positions.stream(shard);
            positions.seeHead(stream, page.headSeq());
            if (page.resyncRequired()) {
                if (stalled.add(shard)) {
                    Log.errorf("event feed purged shard %d past our cursor %d (oldest kept %d): events were lost to "
                            + "this consumer; that shard stops until an operator resets its consumer_shard_cursor row",
                            shard, positions.cursor(stream), page.oldestSeq());
                }
                continue;
            }
            feedEvents.increment(page.events().size());
            readable.add(page);
            runs.add(page.events());
        }
        Set<Integer> failedNow = processShards(runs, failed);
        for (EventPage page : readable) {
            if (failedNow.contains(page.shard())) {
                continue;
            }
            if (page.events().size() == pageSize) {
                feedWanted.add(page.shard());
            } else if (nextEpoch != 0) {
                oldEpochDone.add(page.shard()); // an old epoch gets no new events: this shard is at its end
            }
        }
    }

    /**
     * Consumes the new epoch from its start (its stored cursors if it began already): after the old one was read to
     * its end, or when the feed does not serve the old one any more (then what was left of it is lost to this
     * consumer: a WARN). Positions of the old epoch cannot be compared with the new one. {@code shardCount} is the
     * current epoch's; the feed's pages correct it if {@code epoch} is an older one with another count.
     */
    private void enterEpoch(int epoch, int shardCount, boolean oldOneFinished) {
        if (!oldOneFinished) {
            Log.warnf("forum-api moved to shard epoch %d (%d shards) from %d and serves the old one no more: consuming "
                    + "the new epoch from its start; events of epoch %d after our cursors cannot be read", epoch,
                    shardCount, positions.shardEpoch(), positions.shardEpoch());
        }
        nextEpoch = 0;
        oldEpochDone.clear();
        positions.resetEpoch(epoch, shardCount, cursors.shardCursors(consumerId, epoch));
        stalled.clear();
        feedWanted.addAll(positions.allShards());
    }

    /** forum-api has no sharded feed yet (an older version during a rollout): keep following the legacy stream. */
    private void followLegacyOnly() {
        if (!legacyOnly) {
            Log.warnf("forum-api serves no sharded feed (%s): following the legacy stream, polled every %s",
                    EventPositions.PATH, config.consumer().pollInterval());
        }
        legacyOnly = true;
        legacyFinished = false;
    }

    /**
     * An older forum-api has no positions endpoint: its {@code /api/internal/events/{event_id}} route answers a
     * POST with 405 (404 if nothing matches at all).
     */
    private static boolean noShardedFeed(RuntimeException e) {
        return status(e) == 404 || status(e) == 405;
    }

    private static int status(RuntimeException e) {
        return e instanceof WebApplicationException web && web.getResponse() != null ? web.getResponse().getStatus()
                : 0;
    }

    /**
     * The pub/sub events waiting, in arrival order, grouped by shard (the forum shard first): in each shard, those
     * its cursor already covers are dropped and the consecutive ones after it processed; the first gap sends that
     * shard to the feed. False when nothing was waiting.
     */
    private boolean drainLive(Set<Integer> failed) {
        Map<Integer, List<EventEnvelope>> byShard = new TreeMap<>();
        int taken = 0;
        String json;
        while (taken < pageSize && (json = live.poll()) != null) {
            taken++;
            EventEnvelope event = parse(json);
            if (event != null && event.seq() != null && event.shard() != null) {
                byShard.computeIfAbsent(event.shard(), shard -> new ArrayList<>()).add(event);
            }
        }
        List<List<EventEnvelope>> runs = new ArrayList<>(byShard.size());
        byShard.forEach((shard, events) -> runs.add(liveRun(shard, events, failed)));
        processShards(runs, failed);
        return taken > 0;
    }

    /** The pub/sub events of a shard that follow its cursor without a gap (a gap sends the shard to the feed). */
    private List<EventEnvelope> liveRun(int shard, List<EventEnvelope> events, Set<Integer> failed) {
        if (failed.contains(shard) || stalled.contains(shard)) {
            return List.of(); // the feed supplies them at the next wake
        }
        int epoch = positions.shardEpoch();
        FeedStream stream = positions.stream(shard);
        List<EventEnvelope> run = new ArrayList<>();
        long next = positions.cursor(stream) + 1;
        for (EventEnvelope event : events) {
            if (nextEpoch != 0 && Integer.valueOf(nextEpoch).equals(event.shardEpoch())) {
                return List.of(); // the new epoch is read from its start once ours is finished
            }
            if (!Integer.valueOf(epoch).equals(event.shardEpoch()) || !positions.isShard(shard)) {
                // Another epoch (or a shard count we do not know): the feed says which epoch is current.
                feedWanted.addAll(positions.allShards());
                return List.of();
            }
            if (event.seq() < next) {
                continue;
            }
            if (event.seq() != next) {
                Log.debugf("pub/sub brought seq %d of shard %d while %d is next: reading its feed",
                        (long) event.seq(), shard, next);
                feedWanted.add(shard);
                break;
            }
            run.add(event);
            next++;
        }
        if (!run.isEmpty()) {
            positions.seeHead(stream, next - 1);
            liveEvents.increment(run.size());
        }
        return run;
    }

    /**
     * Processes the runs of several shards of this drain round (each a shard's events after its cursor, in order;
     * the forum shard's first) in shared transactions ({@link EventProcessor#processEach}); on a failure that shard
     * alone is set aside ({@code failed}) and read from its stored cursor at the next wake or poll. Returns the
     * shards that failed.
     */
    private Set<Integer> processShards(List<List<EventEnvelope>> runs, Set<Integer> failed) {
        List<EventEnvelope> events = new ArrayList<>();
        runs.forEach(events::addAll);
        if (events.isEmpty()) {
            return Set.of();
        }
        // The runs in flight finish even while stopping. On a failure, what committed is in the stored cursor, which
        // is read again.
        Map<FeedStream, RuntimeException> failures = processor.processEach(events);
        Set<Integer> failedNow = new HashSet<>();
        for (List<EventEnvelope> run : runs) {
            if (run.isEmpty()) {
                continue;
            }
            FeedStream stream = FeedStream.of(run.get(0));
            RuntimeException failure = failures.get(stream);
            if (failure == null) {
                positions.moveCursor(positions.stream(stream.shard()), run.get(run.size() - 1).seq());
                lastSuccessNanos.set(System.nanoTime());
                continue;
            }
            if (failure instanceof FeedGapException) {
                Log.errorf("%s; will re-read from the cursor", failure.getMessage());
            } else {
                Log.warnf("consumption of the %s failed (retrying on next wake/poll): %s", stream,
                        failure.getMessage());
            }
            failedNow.add(stream.shard());
            failed.add(stream.shard());
            feedWanted.add(stream.shard());
            positions.moveCursor(positions.stream(stream.shard()), cursors.current(consumerId, stream));
        }
        return failedNow;
    }

    private void process(FeedStream stream, List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return;
        }
        // The run in flight finishes even while stopping. On a failure, what committed is in the stored cursor,
        // which the caller reads again.
        processor.processAll(events);
        positions.moveCursor(stream, events.get(events.size() - 1).seq());
        lastSuccessNanos.set(System.nanoTime());
    }

    private EventEnvelope parse(String json) {
        try {
            return mapper.readValue(json, EventEnvelope.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Log.warnf("unreadable event on Redis (the feed has it): %s", e.getMessage());
            feedWanted.addAll(positions.allShards());
            return null;
        }
    }

    /** Events the feed reported that are not processed yet, over every stream. */
    public long lag() {
        return positions.lag();
    }

    /** Events processed: the legacy cursor plus the current epoch's shard cursors. */
    public long cursor() {
        return positions.cursorSum();
    }

    public long headSeq() {
        return positions.headSum();
    }

    /** The last seq processed in the stream (as this replica knows it). */
    public long cursor(FeedStream stream) {
        return positions.cursor(stream);
    }

    public int shardEpoch() {
        return positions.shardEpoch();
    }

    /** The shard count of the epoch consumed (the configured one until the feed said). */
    public int shardCount() {
        return positions.shardCount();
    }

    /** Whether the legacy global stream was consumed to its head since the last start or takeover. */
    public boolean legacyFinished() {
        return legacyFinished;
    }

    /** Shards stopped because the feed purged past their cursor. */
    public Set<Integer> stalledShards() {
        return Set.copyOf(stalled);
    }

    /** Whether this replica holds the consumer lock (see {@link ConsumerLeadership}). */
    public boolean leader() {
        return leadership.isLeader();
    }

    public boolean enabled() {
        return config.consumer().enabled();
    }

    /** Seconds since the feed was last read successfully. */
    public long secondsSinceLastSuccess() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastSuccessNanos.get());
    }
}

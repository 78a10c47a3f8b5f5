package dev.forum.notify.listener;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable consumption of forum-api's events. One drain thread processes events in seq order through
 * {@link EventProcessor#processAll} (runs of consecutive events per transaction, which also advance
 * the cursor stored in PostgreSQL). Events come from the Redis pub/sub payloads
 * ({@link #offer}, from {@link EventWakeupSubscriber}) as long as each one's seq is the next after the
 * cursor; the feed (HTTP, pages after the cursor) is read at start-up, on taking over leadership,
 * after a (re)subscription, when a seq gap shows that pub/sub missed something, after a failure, and
 * by the scheduled poll: every {@code notify.consumer.poll-interval} while the subscription is down,
 * otherwise only after {@code notify.consumer.idle-poll-interval} without any event (a subscriber
 * connection that died silently). Only the replica that {@link ConsumerLeadership} elected consumes.
 * On shutdown it finishes the run in flight and stops.
 */
@ApplicationScoped
public class FeedConsumer {

    private final EventFeedClient feed;
    private final EventProcessor processor;
    private final CursorStore cursors;
    private final NotifyConfig config;
    private final ConsumerLeadership leadership;
    private final ObjectMapper mapper;
    private final BlockingQueue<String> live;
    private final Counter liveEvents;
    private final Counter feedEvents;
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** The next drain reads the feed (and, with {@link #cursorStale}, the stored cursor first). */
    private final AtomicBoolean feedRequested = new AtomicBoolean(true);
    private final AtomicBoolean cursorStale = new AtomicBoolean(true);
    private final AtomicLong headSeq = new AtomicLong();
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong lastEventNanos = new AtomicLong(System.nanoTime());
    private volatile boolean subscribed;
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
        this.live = new ArrayBlockingQueue<>(config.consumer().liveQueueSize());
        Gauge.builder("notify.consumer.lag", this, FeedConsumer::lag)
                .description("Newest seq of the feed at the last page read minus the stored cursor").register(registry);
        Gauge.builder("notify.consumer.cursor", cursor, Number::doubleValue)
                .description("Last seq processed (consumer_cursor)").register(registry);
        Gauge.builder("notify.consumer.head.seq", headSeq, Number::doubleValue)
                .description("Newest seq the feed reported (or pub/sub brought)").register(registry);
        Gauge.builder("notify.consumer.leader", this, consumer -> consumer.leader() ? 1 : 0)
                .description("1 on the replica that holds the consumer lock, else 0").register(registry);
        this.liveEvents = Counter.builder("notify.consumer.events.read").tag("source", "pubsub")
                .description("Events taken for processing, by where they were read").register(registry);
        this.feedEvents = Counter.builder("notify.consumer.events.read").tag("source", "feed")
                .description("Events taken for processing, by where they were read").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        cursor.set(cursors.current(config.consumer().id()));
        if (config.consumer().enabled()) {
            Log.infof("consuming forum-api events after seq %d", cursor.get());
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
     * An event envelope as published on Redis. Never blocks: safe on the Redis I/O thread. When the
     * queue is full the event is dropped and the feed supplies it.
     */
    public void offer(String envelopeJson) {
        if (!enabled() || !leadership.isLeader()) {
            return;
        }
        lastEventNanos.set(System.nanoTime());
        if (!live.offer(envelopeJson)) {
            feedRequested.set(true);
        }
        wake();
    }

    /** The Redis subscription is (again) in place or lost. Events may have been missed: read the feed. */
    public void subscribed(boolean up) {
        subscribed = up;
        if (up) {
            readFeed();
        }
    }

    /** This replica just became the leader: the stored cursor may have moved while it stood by. */
    public void tookOver() {
        cursorStale.set(true);
        readFeed();
    }

    /** "New events may exist that pub/sub did not bring": the next drain reads the feed. */
    public void readFeed() {
        feedRequested.set(true);
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
            } catch (java.util.concurrent.RejectedExecutionException e) {
                draining.set(false);
            }
        }
    }

    /** Reads the feed while pub/sub is down, or when nothing arrived for the idle poll interval. */
    @Scheduled(every = "${notify.consumer.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        long quiet = System.nanoTime() - lastEventNanos.get();
        if (!subscribed || quiet >= config.consumer().idlePollInterval().toNanos()) {
            readFeed();
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
     * Processes what the feed has (when asked to) and what pub/sub brought. While the feed cannot be
     * read, pub/sub events that follow the cursor are still processed. A processing failure waits for
     * the next wake.
     */
    private void drainOnce() {
        boolean feedUnreadable = false;
        try {
            while (!stopping.get() && leadership.isLeader()) {
                if (cursorStale.getAndSet(false)) {
                    cursor.set(cursors.current(config.consumer().id()));
                }
                if (!feedUnreadable && feedRequested.getAndSet(false)) {
                    feedUnreadable = !drainFeedPage();
                } else if (!drainLive() && (feedUnreadable || !feedRequested.get())) {
                    return;
                }
            }
        } catch (FeedGapException e) {
            Log.errorf("%s; will re-read from the cursor", e.getMessage());
            retryFromStoredCursor();
        } catch (RuntimeException e) {
            Log.warnf("event consumption failed (retrying on next wake/poll): %s", e.getMessage());
            retryFromStoredCursor();
        }
    }

    private void retryFromStoredCursor() {
        cursorStale.set(true);
        feedRequested.set(true);
        live.clear();
    }

    /**
     * One feed page after the cursor, processed; asks for the next page when this one was full. False
     * when the feed could not be read (asked for again at the next wake).
     */
    private boolean drainFeedPage() {
        long after = cursor.get();
        EventPage page;
        try {
            page = feed.events(config.internalToken(), after, config.consumer().pageSize());
        } catch (RuntimeException e) {
            Log.warnf("event feed unreadable (retrying on next wake/poll): %s", e.getMessage());
            feedRequested.set(true);
            return false;
        }
        headSeq.set(page.headSeq());
        lastEventNanos.set(System.nanoTime());
        if (page.resyncRequired()) {
            Log.errorf("event feed purged past our cursor %d (oldest kept %d): events were lost to this "
                    + "consumer; stopping until an operator resets consumer_cursor", after, page.oldestSeq());
            live.clear();
            return false;
        }
        feedEvents.increment(page.events().size());
        process(page.events());
        lastSuccessNanos.set(System.nanoTime());
        if (page.events().size() == config.consumer().pageSize()) {
            feedRequested.set(true);
        }
        return true;
    }

    /**
     * The pub/sub events waiting, in arrival order: those the cursor already covers are dropped, the
     * consecutive ones after it processed (up to a feed page); the first gap hands over to the feed.
     * False when nothing was processed.
     */
    private boolean drainLive() {
        List<EventEnvelope> run = new ArrayList<>();
        long next = cursor.get() + 1;
        String json;
        while (run.size() < config.consumer().pageSize() && (json = live.poll()) != null) {
            EventEnvelope event = parse(json);
            if (event == null || event.seq() == null || event.seq() < next) {
                continue;
            }
            if (event.seq() != next) {
                Log.debugf("pub/sub brought seq %d while %d is next: reading the feed", (long) event.seq(), next);
                feedRequested.set(true);
                break;
            }
            run.add(event);
            next++;
        }
        if (run.isEmpty()) {
            return false;
        }
        headSeq.accumulateAndGet(next - 1, Math::max);
        liveEvents.increment(run.size());
        process(run);
        lastSuccessNanos.set(System.nanoTime());
        return true;
    }

    private void process(List<EventEnvelope> events) {
        if (events.isEmpty()) {
            return;
        }
        // The run in flight finishes even while stopping. On a failure, what committed is in the stored
        // cursor, which the next drain reads again (retryFromStoredCursor).
        processor.processAll(events);
        cursor.set(events.get(events.size() - 1).seq());
    }

    private EventEnvelope parse(String json) {
        try {
            return mapper.readValue(json, EventEnvelope.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Log.warnf("unreadable event on Redis (the feed has it): %s", e.getMessage());
            feedRequested.set(true);
            return null;
        }
    }

    public long lag() {
        return Math.max(0, headSeq.get() - cursor.get());
    }

    public long cursor() {
        return cursor.get();
    }

    public long headSeq() {
        return headSeq.get();
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

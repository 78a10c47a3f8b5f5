package dev.forum.notify.listener;

import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable consumption of forum-api's event feed. One drain thread reads pages after the cursor
 * stored in PostgreSQL and hands each event, in seq order, to {@link EventProcessor} (one
 * transaction per event, which also advances the cursor). It is woken by {@link #wake()} (Redis
 * pub/sub: "new events exist") and by a scheduled poll, so a Redis outage only adds the poll
 * interval. Only the replica that {@link ConsumerLeadership} elected consumes. On shutdown it finishes
 * the page in flight and stops.
 */
@ApplicationScoped
public class FeedConsumer {

    private final EventFeedClient feed;
    private final EventProcessor processor;
    private final CursorStore cursors;
    private final NotifyConfig config;
    private final ConsumerLeadership leadership;
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong headSeq = new AtomicLong();
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
    private final ExecutorService drainThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "notify-feed-consumer");
        t.setDaemon(true);
        return t;
    });

    public FeedConsumer(@RestClient EventFeedClient feed, EventProcessor processor, CursorStore cursors,
            NotifyConfig config, ConsumerLeadership leadership, MeterRegistry registry) {
        this.feed = feed;
        this.processor = processor;
        this.cursors = cursors;
        this.config = config;
        this.leadership = leadership;
        Gauge.builder("notify.consumer.lag", this, FeedConsumer::lag)
                .description("Newest seq of the feed at the last page read minus the stored cursor").register(registry);
        Gauge.builder("notify.consumer.cursor", cursor, Number::doubleValue)
                .description("Last seq processed (consumer_cursor)").register(registry);
        Gauge.builder("notify.consumer.head.seq", headSeq, Number::doubleValue)
                .description("Newest seq the feed reported").register(registry);
        Gauge.builder("notify.consumer.leader", this, consumer -> consumer.leader() ? 1 : 0)
                .description("1 on the replica that holds the consumer lock, else 0").register(registry);
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

    /** "New events exist." Never blocks: safe on the Redis I/O thread. Only the leader consumes. */
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

    @Scheduled(every = "${notify.consumer.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        wake();
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

    /** Reads and processes pages until the feed is exhausted; a failure waits for the next wake. */
    private void drainOnce() {
        String consumerId = config.consumer().id();
        try {
            while (!stopping.get() && leadership.isLeader()) {
                long after = cursors.current(consumerId);
                cursor.set(after);
                EventPage page = feed.events(config.internalToken(), after, config.consumer().pageSize());
                headSeq.set(page.headSeq());
                if (page.resyncRequired()) {
                    Log.errorf("event feed purged past our cursor %d (oldest kept %d): events were lost to this "
                            + "consumer; stopping until an operator resets consumer_cursor", after, page.oldestSeq());
                    return;
                }
                for (EventEnvelope event : page.events()) {
                    processor.process(event); // the page in flight finishes even while stopping
                    cursor.set(event.seq());
                }
                lastSuccessNanos.set(System.nanoTime());
                if (page.events().size() < config.consumer().pageSize()) {
                    return;
                }
            }
        } catch (FeedGapException e) {
            Log.errorf("%s; will re-read from the cursor", e.getMessage());
        } catch (RuntimeException e) {
            Log.warnf("event feed consumption failed (retrying on next wake/poll): %s", e.getMessage());
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

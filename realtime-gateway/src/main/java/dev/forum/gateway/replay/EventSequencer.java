package dev.forum.gateway.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.SeqTracker;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.EventSource;
import dev.forum.gateway.registry.Hub;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts outbox events in seq order before they reach the {@link Hub}, on one dedicated thread (never
 * the Redis I/O thread): drops what was already delivered, fills a seq gap from forum-api's feed
 * before delivering the newer event, and, while Redis is down, polls the feed after the last seq
 * seen. Because every path goes through the same "deliver only seq = last + 1, in order" step, the
 * switch between Redis and polling neither duplicates nor reorders. Each envelope must be one its
 * {@link EventSource} may carry (outbox events numbered, typing and pushes not, each type on its own
 * channel); anything else is dropped and counted before it reaches the hub.
 */
@ApplicationScoped
public class EventSequencer {

    private final Hub hub;
    private final ForumApi forumApi;
    private final ObjectMapper mapper;
    private final GatewayMetrics metrics;
    private final Vertx vertx;
    private final GatewayConfig config;
    private final ThreadPoolExecutor executor;
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private volatile boolean brokerUp;
    /** Last seq delivered; touched only on the sequencer thread. */
    private final SeqTracker seqs = new SeqTracker();
    /** Copy of the last seq for readiness data (read from other threads). */
    private volatile long lastSeq = -1;
    private long pollTimer = -1;

    public EventSequencer(Hub hub, ForumApi forumApi, ObjectMapper mapper, GatewayMetrics metrics, Vertx vertx,
            GatewayConfig config) {
        this.hub = hub;
        this.forumApi = forumApi;
        this.mapper = mapper;
        this.metrics = metrics;
        this.vertx = vertx;
        this.config = config;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.feed().handoffCapacity()), runnable -> {
                    Thread thread = new Thread(runnable, "gateway-sequencer");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    void onStart(@Observes StartupEvent event) {
        executor.execute(this::initialiseFromHead);
        pollTimer = vertx.setPeriodic(config.feed().pollInterval().toMillis(), id -> pollIfBrokerDown());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        executor.shutdownNow();
    }

    /** A raw message from Redis, from the channel of this source; parsed and handled off the Redis thread. Never blocks. */
    public void submit(String json, EventSource source) {
        if (source == EventSource.OUTBOX) {
            metrics.receivedFromPubSub();
        }
        handOff(() -> {
            EventEnvelope envelope;
            try {
                envelope = mapper.readValue(json, EventEnvelope.class);
            } catch (Exception e) {
                Log.warnf("ignoring unreadable event from Redis: %s", e.getMessage());
                metrics.drop("invalid_envelope");
                return;
            }
            process(envelope, source);
        });
    }

    /** An event produced on this gateway (typing while Redis is down). */
    public void submit(EventEnvelope envelope, EventSource source) {
        handOff(() -> process(envelope, source));
    }

    public void brokerUp() {
        brokerUp = true;
        metrics.redisLink(true);
        // Catch up on what was published while we were not subscribed.
        handOff(this::pollFeed);
    }

    public void brokerDown() {
        if (brokerUp) {
            Log.warnf("Redis subscription lost: delivering from forum-api's event feed every %s",
                    config.feed().pollInterval());
        }
        brokerUp = false;
        metrics.redisLink(false);
    }

    public long lastSeq() {
        return lastSeq;
    }

    private void handOff(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    Log.warnf(e, "event handling failed");
                }
            });
        } catch (RejectedExecutionException e) {
            // Never block the caller; a dropped outbox event is refetched by gap detection.
            metrics.drop("handoff_full");
        }
    }

    private void pollIfBrokerDown() {
        if (!brokerUp && pollQueued.compareAndSet(false, true)) {
            handOff(() -> {
                pollQueued.set(false);
                pollFeed();
            });
        }
    }

    private void process(EventEnvelope envelope, EventSource source) {
        String refusal = source.refusal(envelope);
        if (refusal != null) {
            Log.debugf("dropping %s event %s from %s: %s", envelope.type(), envelope.eventId(), source, refusal);
            metrics.drop(refusal);
            return;
        }
        if (source != EventSource.OUTBOX) {
            hub.route(envelope);
            return;
        }
        long seq = envelope.seq();
        SeqTracker.Verdict verdict = seqs.check(seq);
        if (verdict == SeqTracker.Verdict.GAP) {
            fillGap(seq - 1);
            verdict = seqs.check(seq);
        }
        if (verdict == SeqTracker.Verdict.DUPLICATE) {
            return;
        }
        deliver(envelope);
    }

    private void deliver(EventEnvelope envelope) {
        hub.route(envelope);
        seqs.delivered(envelope.seq());
        lastSeq = seqs.last();
    }

    private void fillGap(long upTo) {
        int filled = 0;
        try {
            while (seqs.last() < upTo) {
                EventPage page = fetch(seqs.last(), config.feed().pageSize());
                metrics.receivedFromFeed(page.events().size());
                if (page.resyncRequired()) {
                    gapUnfilled("the feed no longer keeps them");
                    break;
                }
                for (EventEnvelope missing : page.events()) {
                    if (missing.seq() == null || missing.seq() <= seqs.last()) {
                        continue;
                    }
                    if (missing.seq() > upTo) {
                        break;
                    }
                    deliver(missing);
                    filled++;
                }
                if (page.events().size() < config.feed().pageSize()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            gapUnfilled(e.getMessage());
        }
        metrics.gapFilled(filled);
    }

    /**
     * Events after {@code seqs.last()} are lost for this gateway: every local thread subscription is
     * told {@code resync_required}, then the newer event is delivered (the tracker jumps over the gap).
     */
    private void gapUnfilled(String why) {
        Log.warnf("could not fill seq gap after %d (%s): sending resync_required to every thread subscription",
                seqs.last(), why);
        metrics.drop("gap_unfilled");
        hub.resyncAllSubscriptions();
    }

    private void pollFeed() {
        try {
            if (!seqs.isKnown()) {
                initialiseFromHead();
                return;
            }
            int delivered = 0;
            while (true) {
                EventPage page = fetch(seqs.last(), config.feed().pageSize());
                metrics.receivedFromFeed(page.events().size());
                for (EventEnvelope event : page.events()) {
                    long before = seqs.last();
                    process(event, EventSource.OUTBOX);
                    if (seqs.last() > before) {
                        delivered++;
                    }
                }
                if (page.events().size() < config.feed().pageSize()) {
                    break;
                }
            }
            if (delivered > 0) {
                metrics.polled(delivered);
            }
        } catch (RuntimeException e) {
            Log.debugf("feed poll failed: %s", e.getMessage());
        }
    }

    private void initialiseFromHead() {
        if (seqs.isKnown()) {
            return;
        }
        try {
            EventPage page = fetch(0, 1);
            seqs.startAfter(page.headSeq());
            lastSeq = seqs.last();
            Log.debugf("sequencer starts after seq %d", lastSeq);
        } catch (RuntimeException e) {
            Log.warnf("forum-api feed unavailable at start (%s); will learn the seq from the next event",
                    e.getMessage());
        }
    }

    private EventPage fetch(long afterSeq, int limit) {
        return forumApi.findEventsAfter(afterSeq, null, limit).await().atMost(forumApi.timeout());
    }
}

package dev.forum.api.outbox.service;

import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.contract.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay's publishing.
 *
 * <h2>Nothing lost, duplicates possible</h2>
 * Only after the numbering step committed are its rows published to Redis, pipelined on one connection in seq order, as
 * the stored payload text wrapped in the envelope (no JSON tree is built). Progress is one number,
 * {@code published_seq} in the state row: every seq up to it was published at least once. The relay writes it
 * with its next numbering step, or from the sweep when nothing else happens, and before it gives up the lock. If
 * Redis fails, the batch is kept (the rows have their seq and are readable in the event feed, which gateways fill
 * gaps from) and published again, whole and in seq order, on the next step. After a crash, the next leader
 * republishes from {@code published_seq + 1}: consumers deduplicate by {@code event_id}/{@code seq}. Redis delivery
 * is therefore at-least-once and ordered per publisher; the feed is exactly-once by seq.
 */
final class OutboxPublisher {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    private final Redis redis;
    private final Channels channels;
    private final Counter published;
    private final Counter publishFailures;
    private volatile boolean lastPublishOk = true;
    /** committed_at of the oldest event waiting for a publish retry (null when none). */
    private volatile Instant oldestUnpublished;

    OutboxPublisher(Redis redis, Channels channels, MeterRegistry registry) {
        this.redis = redis;
        this.channels = channels;
        this.published = Counter.builder("forum.outbox.published")
                .description("Outbox events published to Redis").register(registry);
        this.publishFailures = Counter.builder("forum.outbox.publish.failures")
                .description("Failed Redis publishes of outbox events (retried)").register(registry);
        Gauge.builder("forum.outbox.oldest.unpublished.age", this, OutboxPublisher::oldestUnpublishedAgeSeconds)
                .description("Age of the oldest numbered outbox event this leader has not yet published to Redis")
                .baseUnit("seconds").register(registry);
    }

    boolean isLastPublishOk() {
        return lastPublishOk;
    }

    /** Publishes the batch pipelined, in seq order; true when Redis accepted all of it. */
    boolean publish(List<OutboxRows.Publishable> batch) {
        if (batch.isEmpty()) {
            oldestUnpublished = null;
            return true;
        }
        List<Request> publishes = new ArrayList<>(batch.size());
        for (OutboxRows.Publishable event : batch) {
            publishes.add(Request.cmd(Command.PUBLISH).arg(channels.eventsChannelFor(event.threadId())).arg(event.json()));
        }
        OutboxRows.Publishable first = batch.get(0);
        try {
            redis.batch(publishes).await().atMost(PUBLISH_TIMEOUT);
        } catch (RuntimeException e) {
            publishFailures.increment(batch.size());
            if (lastPublishOk) {
                Log.warnf("Redis publish of seq %d-%d failed; retrying every sweep, the feed still serves them: %s",
                        first.seq(), batch.get(batch.size() - 1).seq(), e.getMessage());
            } else {
                Log.debugf("Redis publish from seq %d failed again: %s", first.seq(), e.getMessage());
            }
            lastPublishOk = false;
            if (oldestUnpublished == null) {
                oldestUnpublished = first.committedAt();
            }
            return false;
        }
        if (!lastPublishOk) {
            Log.infof("Redis publish works again from seq %d", first.seq());
        }
        lastPublishOk = true;
        oldestUnpublished = null;
        published.increment(batch.size());
        return true;
    }

    private double oldestUnpublishedAgeSeconds() {
        Instant oldest = oldestUnpublished;
        return oldest == null ? 0.0 : Math.max(0, (System.currentTimeMillis() - oldest.toEpochMilli()) / 1000.0);
    }
}

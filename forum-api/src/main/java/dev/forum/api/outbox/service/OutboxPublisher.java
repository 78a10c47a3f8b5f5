package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.contract.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay's publishing.
 *
 * <h2>Nothing lost, duplicates possible</h2>
 * Only after the numbering step committed are its rows published to Redis, pipelined, each on its shard's channel
 * ({@link Channels#events(int)}) in seq order, as the stored payload text wrapped in the envelope (no JSON tree is
 * built). Progress is one number per shard, {@code published_seq} in its state row: every seq up to it was
 * published at least once. The relay writes it with its next numbering step, or from the sweep when nothing else
 * happens, and before it gives up a partition. If Redis fails, the shard's batch is kept (the rows have their seq and
 * are readable in the event feed, which consumers fill gaps from) and published again, whole and in seq order, on the
 * next step. After a crash or a take-over, the next owner republishes from {@code published_seq + 1}: consumers
 * deduplicate by {@code event_id}/{@code seq}. Redis delivery is therefore at-least-once and ordered per shard; the
 * feed is exactly-once by seq.
 *
 * <h2>One Redis or a cluster</h2>
 * {@code single}: {@code PUBLISH}, the whole step in one pipeline (one round trip). {@code cluster}: {@code SPUBLISH}
 * (sharded pub/sub: only the slot's shard of the cluster carries the message), one pipeline per shard, all in flight
 * together: the cluster client refuses a pipeline whose commands go to different slots (CROSSSLOT), and a shard's
 * channel is one slot (its hash tag). A shard whose pipeline fails is retried alone; the others move on.
 *
 * <p>Public for the start-up warm-up ({@link dev.forum.api.warmup.service.WarmUpService}), which publishes its
 * rolled-back events through an instance of its own, on channels no one subscribes and with a meter registry of its
 * own, so that this code is compiled before the relay's first publish.
 */
public final class OutboxPublisher {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    private final Redis redis;
    private final Channels channels;
    private final boolean cluster;
    private final Counter published;
    private final Counter publishFailures;
    private volatile boolean lastPublishOk = true;
    /** committed_at of the oldest event waiting for a publish retry (null when none). */
    private volatile Instant oldestUnpublished;

    public OutboxPublisher(Redis redis, Channels channels, ForumConfig.Redis.Mode mode, MeterRegistry registry) {
        this.redis = redis;
        this.channels = channels;
        this.cluster = mode == ForumConfig.Redis.Mode.CLUSTER;
        this.published = Counter.builder("forum.outbox.published")
                .description("Outbox events published to Redis").register(registry);
        this.publishFailures = Counter.builder("forum.outbox.publish.failures")
                .description("Failed Redis publishes of outbox events (retried)").register(registry);
        Gauge.builder("forum.outbox.oldest.unpublished.age", this, OutboxPublisher::oldestUnpublishedAgeSeconds)
                .description("Age of the oldest numbered outbox event this replica has not yet published to Redis")
                .baseUnit("seconds").register(registry);
    }

    boolean isLastPublishOk() {
        return lastPublishOk;
    }

    /**
     * Publishes the batch (per shard in seq order) pipelined; returns, per shard Redis accepted, the highest seq
     * published (a shard missing from the answer failed and is to be retried).
     */
    public Map<Integer, Long> publish(List<OutboxRows.Publishable> batch) {
        if (batch.isEmpty()) {
            oldestUnpublished = null;
            return Map.of();
        }
        Map<Integer, List<OutboxRows.Publishable>> byShard = new LinkedHashMap<>();
        for (OutboxRows.Publishable event : batch) {
            byShard.computeIfAbsent(event.shard(), s -> new ArrayList<>()).add(event);
        }
        Map<Integer, Long> done = new HashMap<>();
        if (cluster) {
            List<Uni<Void>> sent = new ArrayList<>();
            Map<Integer, RuntimeException> failures = new ConcurrentHashMap<>();
            byShard.forEach((shard, events) -> sent.add(redis.batch(requests(events)).replaceWithVoid()
                    .onFailure().recoverWithItem(e -> {
                        failures.put(shard, e instanceof RuntimeException r ? r : new IllegalStateException(e));
                        return null;
                    })));
            try {
                Uni.join().all(sent).andFailFast().await().atMost(PUBLISH_TIMEOUT);
                byShard.forEach((shard, events) -> {
                    if (failures.containsKey(shard)) {
                        failed(events, failures.get(shard));
                    } else {
                        done.put(shard, events.get(events.size() - 1).seq());
                    }
                });
            } catch (RuntimeException e) {
                byShard.values().forEach(events -> failed(events, e));
                return Map.of();
            }
        } else {
            List<Request> requests = new ArrayList<>(batch.size());
            byShard.values().forEach(events -> requests.addAll(requests(events)));
            try {
                redis.batch(requests).await().atMost(PUBLISH_TIMEOUT);
            } catch (RuntimeException e) {
                byShard.values().forEach(events -> failed(events, e));
                return Map.of();
            }
            byShard.forEach((shard, events) -> done.put(shard, events.get(events.size() - 1).seq()));
        }
        if (done.size() == byShard.size()) {
            if (!lastPublishOk) {
                Log.info("Redis publish works again");
            }
            lastPublishOk = true;
            oldestUnpublished = null;
        }
        byShard.forEach((shard, events) -> {
            if (done.containsKey(shard)) {
                published.increment(events.size());
            }
        });
        return done;
    }

    private List<Request> requests(List<OutboxRows.Publishable> events) {
        Command command = cluster ? Command.SPUBLISH : Command.PUBLISH;
        List<Request> requests = new ArrayList<>(events.size());
        for (OutboxRows.Publishable event : events) {
            requests.add(Request.cmd(command).arg(channels.events(event.shard())).arg(event.json()));
        }
        return requests;
    }

    private void failed(List<OutboxRows.Publishable> events, RuntimeException e) {
        OutboxRows.Publishable first = events.get(0);
        publishFailures.increment(events.size());
        if (lastPublishOk) {
            Log.warnf("Redis publish of shard %d seq %d-%d failed; retrying every sweep, the feed serves them: %s",
                    first.shard(), first.seq(), events.get(events.size() - 1).seq(), e.getMessage());
        } else {
            Log.debugf("Redis publish of shard %s from seq %s failed again: %s", first.shard(), (Object) first.seq(),
                    e.getMessage());
        }
        lastPublishOk = false;
        Instant oldest = oldestUnpublished;
        if (oldest == null || first.committedAt().isBefore(oldest)) {
            oldestUnpublished = first.committedAt();
        }
    }

    private double oldestUnpublishedAgeSeconds() {
        Instant oldest = oldestUnpublished;
        return oldest == null ? 0.0 : Math.max(0, (System.currentTimeMillis() - oldest.toEpochMilli()) / 1000.0);
    }
}

package dev.forum.notify.listener;

import dev.forum.contract.EventEnvelope;

/**
 * One gap-free {@code seq} stream of forum-api's events, with a cursor of its own: the legacy global stream
 * (events written before sharding: no {@code shard}) or one shard of a shard epoch (0..N-1 for threads, -1 for
 * the forum shard).
 *
 * @param shardEpoch 0 for the legacy stream
 * @param shard      null for the legacy stream
 */
public record FeedStream(int shardEpoch, Integer shard) {

    public static final FeedStream LEGACY = new FeedStream(0, null);

    public static FeedStream shard(int shardEpoch, int shard) {
        return new FeedStream(shardEpoch, shard);
    }

    /** The stream an event's {@code seq} counts in. */
    public static FeedStream of(EventEnvelope event) {
        return event.shard() == null ? LEGACY : shard(event.shardEpoch(), event.shard());
    }

    public boolean legacy() {
        return shard == null;
    }

    @Override
    public String toString() {
        return legacy() ? "legacy stream" : "shard " + shard + " of epoch " + shardEpoch;
    }
}

package dev.forum.contract;

/**
 * Redis pub/sub channel names, under a configurable namespace ({@code forum} in production; tests
 * use a fresh one so that parallel runs sharing a Redis never see each other's events).
 *
 * <p>Outbox events of the sharded streams travel on {@link #events(int) <ns>:events:&#123;shard&#125;}, one channel
 * per shard of {@link EventShards} (the forum shard is {@code <ns>:events:{-1}}): a gateway subscribes only the
 * shards its clients watch, and the braces are a Redis Cluster hash tag, so each shard's channel lives on one
 * slot and the shards spread over the masters (a single Redis ignores them). See docs/scaling.md.
 *
 * <p>{@link #eventsChannelFor}, {@link #eventsShard} and {@link #eventsPattern} name the channels of the legacy
 * global stream ({@code <ns>:events:<thread_id mod 16>}, every gateway {@code PSUBSCRIBE}d to all of them): they
 * go once no service reads that stream live.
 */
public record Channels(String namespace, int shardCount) {

    public static final String DEFAULT_NAMESPACE = "forum";
    public static final int DEFAULT_SHARD_COUNT = 16;

    public Channels {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive");
        }
    }

    /** The channel of an event shard's stream ({@link EventShards}): {@code <ns>:events:{<shard>}}. */
    public String events(int shard) {
        return namespace + ":events:{" + shard + "}";
    }

    /** Legacy global stream: the channel of one of its 16 spreads. */
    public String eventsShard(int shard) {
        return namespace + ":events:" + shard;
    }

    /** Legacy global stream: the channel an event of it is published on. */
    public String eventsChannelFor(Long threadId) {
        return eventsShard(threadId == null ? 0 : (int) Math.floorMod(threadId, (long) shardCount));
    }

    /** Legacy global stream: the pattern of all its channels. */
    public String eventsPattern() {
        return namespace + ":events:*";
    }

    /** Typing indicators: never stored, never replayed. */
    public String typing() {
        return namespace + ":typing";
    }

    /** Events the notification service addresses to users (notifications, counts, mentions). */
    public String notifications() {
        return namespace + ":notify";
    }
}

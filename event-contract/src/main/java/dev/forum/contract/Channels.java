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
 * <p>{@link #eventsPattern} matches every events channel (the shards' and the legacy global stream's
 * {@code <ns>:events:<n>}, on which nothing is published any more): for a listener that wants all events.
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

    /** The pattern of every events channel ({@code PSUBSCRIBE}), all shards included. */
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

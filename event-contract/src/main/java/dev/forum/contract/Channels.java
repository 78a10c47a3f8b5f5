package dev.forum.contract;

/**
 * Redis pub/sub channel names, under a configurable namespace ({@code forum} in production; tests
 * use a fresh one so that parallel runs sharing a Redis never see each other's events).
 *
 * <p>Outbox events are spread over {@code <ns>:events:<shard>} by thread (events without a thread
 * go to shard 0), so that a gateway can later subscribe only to the shards its clients watch, and
 * shards can live on different Redis nodes (see docs/scaling.md). Today every gateway subscribes to
 * {@link #eventsPattern()} on one connection, which keeps the relay's order.
 */
public record Channels(String namespace, int shardCount) {

    public static final String DEFAULT_NAMESPACE = "forum";
    public static final int DEFAULT_SHARD_COUNT = 16;

    public Channels {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive");
        }
    }

    public String eventsShard(int shard) {
        return namespace + ":events:" + shard;
    }

    /** The channel an outbox event is published on. */
    public String eventsChannelFor(Long threadId) {
        return eventsShard(threadId == null ? 0 : (int) Math.floorMod(threadId, (long) shardCount));
    }

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

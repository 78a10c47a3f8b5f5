package dev.forum.contract;

import java.util.stream.IntStream;

/**
 * The one routing rule from an event to its stream. Outbox events are split into streams by shard, each with its
 * own gap-free {@code seq} ({@link EventEnvelope#seq()}), published on {@link Channels#events(int)}:
 * <ul>
 *   <li>an event for a thread's subscribers ({@link Audience#THREAD} with a {@code thread_id}) goes to shard
 *       {@code floorMod(thread_id, n)}, 0..n-1, so a thread's events stay in one stream, in order, and a gateway
 *       hears a thread only by subscribing its shard;</li>
 *   <li>every other event ({@code readers}, {@code all}, {@code user}, {@code internal}: a new thread, a user's
 *       change, a revoked session, everyone-mentions) goes to {@link #FORUM}, the forum shard, which every
 *       gateway and the notification service always subscribe.</li>
 * </ul>
 * {@code n}, the shard count, is one setting for every service ({@code FORUM_EVENT_SHARDS}). Changing it moves
 * threads between shards, so forum-api opens a new shard epoch: positions of another epoch cannot be compared.
 */
public final class EventShards {

    /** The forum shard: events not addressed to one thread's subscribers. */
    public static final int FORUM = -1;
    public static final int DEFAULT_COUNT = 16;

    private EventShards() {
    }

    /** The shard of an event with this audience and thread, among {@code shardCount} thread shards. */
    public static int shardOf(Audience audience, Long threadId, int shardCount) {
        checkCount(shardCount);
        Long key = shardKey(audience, threadId);
        return key == null ? FORUM : (int) Math.floorMod(key, (long) shardCount);
    }

    /**
     * What an event's thread shard is computed from ({@code floorMod(key, n)}), or null for an event of the forum
     * shard: for a writer that takes {@code n} where it writes (forum-api computes the shard in its INSERT, from the
     * current shard epoch).
     */
    public static Long shardKey(Audience audience, Long threadId) {
        return audience == Audience.THREAD ? threadId : null;
    }

    /** Every shard of a shard count: the forum shard, then 0..shardCount-1. */
    public static IntStream all(int shardCount) {
        checkCount(shardCount);
        return IntStream.range(FORUM, shardCount);
    }

    /** True for a shard that exists with this shard count. */
    public static boolean isValid(int shard, int shardCount) {
        return shard >= FORUM && shard < shardCount;
    }

    private static void checkCount(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive");
        }
    }
}

package dev.forum.notify.listener;

import dev.forum.contract.EventShards;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Where the consumer stands, in memory: the cursor (last seq processed) and the head (newest seq the feed reported
 * or pub/sub brought) of the legacy global stream and of every shard of the current shard epoch. Written by the
 * consumer's drain thread only; read by gauges and the health check. The stored cursors (consumer_cursor,
 * consumer_shard_cursor) stay the truth: these are reloaded from them after a failure or a takeover.
 */
final class StreamPositions {

    /** One stream's cursor and head. */
    private static final class Position {
        volatile long cursor;
        volatile long head;
    }

    private final Position legacy = new Position();
    private final Map<Integer, Position> shards = new ConcurrentHashMap<>();
    /** 0 until the feed (or a stored cursor) names the epoch. */
    private volatile int shardEpoch;
    private volatile int shardCount;

    StreamPositions(int shardCount) {
        this.shardCount = shardCount;
    }

    int shardEpoch() {
        return shardEpoch;
    }

    int shardCount() {
        return shardCount;
    }

    /** Every shard of the current shard count: the forum shard, then 0..N-1. */
    Set<Integer> allShards() {
        return EventShards.all(shardCount).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    boolean isShard(int shard) {
        return EventShards.isValid(shard, shardCount);
    }

    /** Starts over in {@code epoch}: the shard count it has, and the stored cursors of its shards (others at 0). */
    void resetEpoch(int epoch, int count, Map<Integer, Long> storedCursors) {
        shardEpoch = epoch;
        shardCount = count;
        shards.clear();
        storedCursors.forEach((shard, cursor) -> moveCursor(FeedStream.shard(epoch, shard), cursor));
    }

    void setShardCount(int count) {
        shardCount = count;
    }

    /** The stream shard {@code shard} of the current epoch. */
    FeedStream stream(int shard) {
        return FeedStream.shard(shardEpoch, shard);
    }

    long cursor(FeedStream stream) {
        return position(stream).cursor;
    }

    /** The cursor moved (events processed, or the stored one reloaded); the head is never behind it. */
    void moveCursor(FeedStream stream, long cursor) {
        Position position = position(stream);
        position.cursor = cursor;
        if (position.head < cursor) {
            position.head = cursor;
        }
    }

    void seeHead(FeedStream stream, long head) {
        Position position = position(stream);
        position.head = Math.max(head, position.cursor);
    }

    private Position position(FeedStream stream) {
        return stream.legacy() ? legacy : shards.computeIfAbsent(stream.shard(), shard -> new Position());
    }

    /** Events the feed reported that are not processed yet, summed over the streams. */
    long lag() {
        return headSum() - cursorSum();
    }

    /**
     * The cursors summed over the legacy stream and the current epoch's shards: every stream counts from 1 without
     * gaps, so this is the number of events consumed.
     */
    long cursorSum() {
        return legacy.cursor + shardCursorSum();
    }

    /** The cursors of the current epoch's shards summed (the legacy stream's left out). */
    long shardCursorSum() {
        return shards.values().stream().mapToLong(p -> p.cursor).sum();
    }

    /** The heads summed as {@link #cursorSum()}: the number of events the feed (or pub/sub) reported. */
    long headSum() {
        return legacy.head + shards.values().stream().mapToLong(p -> p.head).sum();
    }
}

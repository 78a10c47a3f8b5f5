package dev.forum.notify.listener;

import dev.forum.notify.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The consumer's positions in forum-api's event streams ({@link FeedStream}): the legacy global stream in
 * consumer_cursor, each (shard_epoch, shard) in consumer_shard_cursor.
 */
@ApplicationScoped
public class CursorStore {

    private final Sql sql;

    public CursorStore(Sql sql) {
        this.sql = sql;
    }

    /**
     * Reads the stream's cursor and locks its row until the transaction ends: a second replica consuming
     * the same stream at the same time waits here, then sees the advanced cursor and skips what was done.
     * The row is created only when it is missing (the stream's first event), not before every claim.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long lock(String consumerId, FeedStream stream) {
        Optional<Long> cursor = selectForUpdate(consumerId, stream);
        if (cursor.isPresent()) {
            return cursor.get();
        }
        if (stream.legacy()) {
            sql.update("INSERT INTO consumer_cursor (consumer_id) VALUES (?) ON CONFLICT DO NOTHING", consumerId);
        } else {
            sql.update("INSERT INTO consumer_shard_cursor (consumer_id, shard_epoch, shard) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", consumerId, stream.shardEpoch(), stream.shard());
        }
        return selectForUpdate(consumerId, stream).orElseThrow();
    }

    private Optional<Long> selectForUpdate(String consumerId, FeedStream stream) {
        if (stream.legacy()) {
            return sql.one("SELECT last_seq FROM consumer_cursor WHERE consumer_id = ? FOR UPDATE",
                    rs -> rs.getLong(1), consumerId);
        }
        return sql.one("SELECT last_seq FROM consumer_shard_cursor WHERE consumer_id = ? AND shard_epoch = ? "
                + "AND shard = ? FOR UPDATE", rs -> rs.getLong(1), consumerId, stream.shardEpoch(), stream.shard());
    }

    /**
     * Claims seqs {@code first..last} of the stream in one statement when the stored cursor is exactly
     * {@code first - 1} (the usual case: nothing of them consumed, no gap): advances it to {@code last}, which locks
     * its row as {@link #lock} would. False when the row is missing or the cursor is elsewhere: the caller then
     * takes {@link #lock} and decides per event.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean claimRun(String consumerId, FeedStream stream, long first, long last) {
        if (stream.legacy()) {
            return sql.update("UPDATE consumer_cursor SET last_seq = ?, updated_at = now() WHERE consumer_id = ? "
                    + "AND last_seq = ?", last, consumerId, first - 1) > 0;
        }
        return sql.update("UPDATE consumer_shard_cursor SET last_seq = ?, updated_at = now() WHERE consumer_id = ? "
                + "AND shard_epoch = ? AND shard = ? AND last_seq = ?", last, consumerId, stream.shardEpoch(),
                stream.shard(), first - 1) > 0;
    }

    /**
     * Claims {@code seq} of the stream for this transaction: returns false when {@code seq} was already consumed,
     * refuses a gap ({@link FeedGapException}), otherwise advances the cursor to it (its row locked until the
     * transaction ends).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean claimNext(String consumerId, FeedStream stream, long seq) {
        if (claimRun(consumerId, stream, seq, seq)) {
            return true;
        }
        long cursor = lock(consumerId, stream);
        if (seq <= cursor) {
            return false;
        }
        if (seq != cursor + 1) {
            throw new FeedGapException(stream, cursor, seq);
        }
        advance(consumerId, stream, seq);
        return true;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void advance(String consumerId, FeedStream stream, long seq) {
        if (stream.legacy()) {
            sql.update("UPDATE consumer_cursor SET last_seq = ?, updated_at = now() WHERE consumer_id = ?", seq,
                    consumerId);
        } else {
            sql.update("UPDATE consumer_shard_cursor SET last_seq = ?, updated_at = now() WHERE consumer_id = ? "
                    + "AND shard_epoch = ? AND shard = ?", seq, consumerId, stream.shardEpoch(), stream.shard());
        }
    }

    /** The stream's cursor: the last seq consumed, 0 before the first. */
    @Transactional
    public long current(String consumerId, FeedStream stream) {
        if (stream.legacy()) {
            return sql.count("SELECT coalesce(max(last_seq), 0) FROM consumer_cursor WHERE consumer_id = ?",
                    consumerId);
        }
        return sql.count("SELECT coalesce(max(last_seq), 0) FROM consumer_shard_cursor WHERE consumer_id = ? "
                + "AND shard_epoch = ? AND shard = ?", consumerId, stream.shardEpoch(), stream.shard());
    }

    /** Every stored shard cursor of the epoch, by shard (shards never consumed are absent: 0). */
    @Transactional
    public Map<Integer, Long> shardCursors(String consumerId, int shardEpoch) {
        Map<Integer, Long> cursors = new HashMap<>();
        sql.list("SELECT shard, last_seq FROM consumer_shard_cursor WHERE consumer_id = ? AND shard_epoch = ?",
                rs -> cursors.put(rs.getInt("shard"), rs.getLong("last_seq")), consumerId, shardEpoch);
        return cursors;
    }

    /** The newest shard epoch this consumer has a cursor in, 0 when none (never consumed a shard). */
    @Transactional
    public int latestShardEpoch(String consumerId) {
        return (int) sql.count("SELECT coalesce(max(shard_epoch), 0) FROM consumer_shard_cursor WHERE consumer_id = ?",
                consumerId);
    }

    /**
     * Records that the consumer processed this event; false if it already had (a redelivery: the caller changes
     * nothing). In the event's transaction, so the record and the side effects commit together.
     */
    public boolean recordProcessed(String consumerId, UUID eventId) {
        return sql.update("INSERT INTO processed_events (consumer_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                consumerId, eventId) > 0;
    }
}

package dev.forum.notify.listener;

import dev.forum.notify.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.UUID;

/** The consumer's position in forum-api's event feed (table consumer_cursor). */
@ApplicationScoped
public class CursorStore {

    private final Sql sql;

    public CursorStore(Sql sql) {
        this.sql = sql;
    }

    /**
     * Reads the cursor and locks its row until the transaction ends: a second replica consuming at
     * the same time waits here, then sees the advanced cursor and skips what was done.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long lock(String consumerId) {
        sql.update("INSERT INTO consumer_cursor (consumer_id) VALUES (?) ON CONFLICT DO NOTHING", consumerId);
        return sql.count("SELECT last_seq FROM consumer_cursor WHERE consumer_id = ? FOR UPDATE", consumerId);
    }

    /**
     * Claims {@code seq} for this transaction: locks the cursor row, returns false when {@code seq} was
     * already consumed, refuses a gap ({@link FeedGapException}), otherwise advances the cursor to it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean claimNext(String consumerId, long seq) {
        long cursor = lock(consumerId);
        if (seq <= cursor) {
            return false;
        }
        if (seq != cursor + 1) {
            throw new FeedGapException(cursor, seq);
        }
        advance(consumerId, seq);
        return true;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void advance(String consumerId, long seq) {
        sql.update("UPDATE consumer_cursor SET last_seq = ?, updated_at = now() WHERE consumer_id = ?", seq,
                consumerId);
    }

    @Transactional
    public long current(String consumerId) {
        return sql.count("SELECT last_seq FROM consumer_cursor WHERE consumer_id = ?", consumerId);
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

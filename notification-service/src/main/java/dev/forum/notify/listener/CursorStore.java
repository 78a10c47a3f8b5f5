package dev.forum.notify.listener;

import dev.forum.notify.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

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

    @Transactional(Transactional.TxType.MANDATORY)
    public void advance(String consumerId, long seq) {
        sql.update("UPDATE consumer_cursor SET last_seq = ?, updated_at = now() WHERE consumer_id = ?", seq,
                consumerId);
    }

    @Transactional
    public long current(String consumerId) {
        return sql.count("SELECT last_seq FROM consumer_cursor WHERE consumer_id = ?", consumerId);
    }
}

package dev.forum.api.thread;

import io.quarkus.hibernate.orm.panache.Panache;

import java.util.List;
import java.util.Optional;

/** The last message each user read in each thread: a plain (user_id, thread_id) table; these are its queries. */
public final class ReadPosition {

    private ReadPosition() {
    }

    public static Optional<Long> find(long threadId, long userId) {
        @SuppressWarnings("unchecked")
        List<Number> rows = Panache.getEntityManager()
                .createNativeQuery("SELECT last_read_message_id FROM thread_read_position WHERE thread_id = ?1 AND user_id = ?2")
                .setParameter(1, threadId).setParameter(2, userId).getResultList();
        return rows.stream().findFirst().map(Number::longValue);
    }

    /**
     * Moves the position forward to {@code messageId} (capped at the thread's newest message; never backwards) and
     * returns it; empty when the thread has no message at or below {@code messageId}.
     */
    public static Optional<Long> advance(long threadId, long userId, long messageId) {
        @SuppressWarnings("unchecked")
        List<Number> rows = Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO thread_read_position AS p (user_id, thread_id, last_read_message_id)
                        SELECT ?2, ?1, max(id) FROM forum_message WHERE thread_id = ?1 AND id <= ?3 HAVING max(id) IS NOT NULL
                        ON CONFLICT (user_id, thread_id) DO UPDATE
                            SET last_read_message_id = greatest(p.last_read_message_id, excluded.last_read_message_id),
                                updated_at = now()
                        RETURNING last_read_message_id""")
                .setParameter(1, threadId).setParameter(2, userId).setParameter(3, messageId).getResultList();
        return rows.stream().findFirst().map(Number::longValue);
    }
}

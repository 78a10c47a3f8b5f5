package dev.forum.notify.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.common.tx.AfterCommit;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * The push outbox (table push_outbox): envelopes for users' connections, written in the transaction
 * that stored what they announce, published after the commit by {@link PushRelay}.
 *
 * <p>Order: a writer takes the transaction-level advisory lock {@link #ORDER_LOCK_KEY} before it
 * reads the counts it pushes and before its first row, and keeps it until it commits. Push-writing
 * transactions therefore end one after the other, row ids grow in commit order, and counts are read
 * after the previous writer's commit: the relay, publishing in id order, keeps every user's pushes
 * in order and the last count a client sees is the current one. Take it as the LAST lock of the
 * transaction (after any row locks), so that its holder never waits for anyone.
 */
@ApplicationScoped
public class PushOutbox {

    /** {@code pg_advisory_xact_lock} key serialising push writers: "notifyod" as a long. */
    static final long ORDER_LOCK_KEY = 0x6e6f746966796f64L;
    private static final String WAKE_REGISTERED = PushOutbox.class.getName() + ".wake";

    private final Sql sql;
    private final ObjectMapper mapper;
    private final TransactionSynchronizationRegistry transactions;
    private final PushRelay relay;
    private final int bulkThreshold;
    private final int refetchPerSecond;

    public PushOutbox(Sql sql, ObjectMapper mapper, TransactionSynchronizationRegistry transactions,
            PushRelay relay, NotifyConfig config) {
        this.bulkThreshold = config.push().bulkThreshold();
        this.refetchPerSecond = Math.max(1, config.push().bulkRefetchPerSecond());
        this.sql = sql;
        this.mapper = mapper;
        this.transactions = transactions;
        this.relay = relay;
    }

    /** Serialises this transaction's pushes after those of transactions that committed before. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockOrder() {
        sql.one("SELECT pg_advisory_xact_lock(?)", rs -> Boolean.TRUE, ORDER_LOCK_KEY);
        if (transactions.getResource(WAKE_REGISTERED) == null) {
            transactions.putResource(WAKE_REGISTERED, Boolean.TRUE);
            AfterCommit.run(transactions, relay::wake);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(List<EventEnvelope> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        lockOrder();
        for (EventEnvelope e : envelopes) {
            sql.update("""
                    INSERT INTO push_outbox (event_id, type, audience, aggregate_type, aggregate_id, user_id,
                                             thread_id, min_tier_cents, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""", e.eventId(), e.type().wireName(),
                    e.audience().wireName(), e.aggregateType(), e.aggregateId(), e.userId(), e.threadId(),
                    e.minTierCents(), json(e));
        }
    }

    /**
     * Runs {@code modification} (an UPDATE or DELETE on notifications {@code RETURNING user_id, thread_id,
     * was_unread}) and pushes, set-based, to every user who lost unread notifications by it:
     * {@code unread_count_updated} per (user, thread) with the remaining unread count of that thread and
     * in total ({@code marked_read_count} = how many stopped counting), then one
     * {@code forum_notification_count}. More than {@code notify.push.bulk-threshold} users: instead ONE
     * {@code unread_counts_changed} per thread to the thread's readers, who refetch their counts
     * ({@link #appendRefetch}), so that a mass change never queues a backlog ahead of other users'
     * pushes. The modification runs first and the order lock is taken after it (last lock). Returns the
     * number of users affected.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int appendCountUpdatesAfter(String modification, Object... params) {
        sql.update("CREATE TEMP TABLE IF NOT EXISTS push_affected (user_id bigint, thread_id bigint, removed bigint) "
                + "ON COMMIT DELETE ROWS");
        sql.update("WITH changed (user_id, thread_id, was_unread) AS (" + modification + ") "
                + "INSERT INTO push_affected SELECT user_id, thread_id, count(*) FROM changed WHERE was_unread "
                + "GROUP BY user_id, thread_id", params);
        lockOrder();
        int users = (int) sql.count("SELECT count(DISTINCT user_id) FROM push_affected");
        if (users == 0) {
            return 0;
        }
        if (users > bulkThreshold) {
            appendRefetch(users);
            return users;
        }
        sql.update("""
                WITH counts AS (
                    SELECT a.user_id, a.thread_id, a.removed,
                           (SELECT count(*) FROM notifications n WHERE n.user_id = a.user_id
                                AND n.thread_id = a.thread_id AND NOT n.is_read) AS thread_unread,
                           (SELECT count(*) FROM notifications n WHERE n.user_id = a.user_id
                                AND NOT n.is_read) AS total_unread
                    FROM push_affected a),
                pushes AS (
                    SELECT user_id, thread_id, 1 AS k, 'unread_count_updated' AS type,
                           jsonb_build_object('thread_id', thread_id, 'thread_unread_count', thread_unread,
                                              'total_forum_unread', total_unread, 'marked_read_count', removed)
                               AS payload
                    FROM counts
                    UNION ALL
                    SELECT DISTINCT user_id, NULL::bigint, 2, 'forum_notification_count',
                           jsonb_build_object('count', total_unread)
                    FROM counts)
                INSERT INTO push_outbox (event_id, type, audience, aggregate_type, aggregate_id, user_id, thread_id,
                                         payload)
                SELECT gen_random_uuid(), type, 'user', 'user', user_id::text, user_id, thread_id, payload
                FROM pushes ORDER BY pushes.user_id, pushes.k""");
        return users;
    }

    /**
     * One {@code unread_counts_changed} per affected thread, audience {@code readers} at the thread's
     * tier (a thread unknown here: staff only), with {@code refetch_within_ms}: the window over which
     * clients spread their refetch, {@code users / notify.push.bulk-refetch-per-second}, 1 to 60 s.
     */
    private void appendRefetch(int users) {
        long windowMs = Math.min(60_000, Math.max(1_000, users * 1000L / refetchPerSecond));
        sql.update("""
                INSERT INTO push_outbox (event_id, type, audience, aggregate_type, aggregate_id, thread_id,
                                         min_tier_cents, payload)
                SELECT gen_random_uuid(), ?, 'readers', 'thread', a.thread_id::text, a.thread_id,
                       coalesce(t.min_tier_cents, 2147483647),
                       jsonb_build_object('thread_id', a.thread_id, 'refetch_within_ms', ?::bigint)
                FROM (SELECT DISTINCT thread_id FROM push_affected WHERE thread_id IS NOT NULL) a
                LEFT JOIN threads t ON t.id = a.thread_id
                ORDER BY a.thread_id""", EventType.UNREAD_COUNTS_CHANGED.wireName(), windowMs);
    }

    private String json(EventEnvelope e) {
        try {
            return mapper.writeValueAsString(e.payload());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise the payload of " + e.type(), ex);
        }
    }
}

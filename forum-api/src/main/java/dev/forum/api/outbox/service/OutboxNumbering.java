package dev.forum.api.outbox.service;

import dev.forum.api.outbox.mapping.OutboxRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay's numbering: gives committed outbox rows their {@code seq} and says what to publish next.
 *
 * <h2>Why seq is gap-free and given once</h2>
 * Rows are inserted with {@code seq = NULL}. Writers' transactions commit in any order, so insert order means
 * nothing; the relay only ever sees committed rows. A drain step runs one transaction that
 * <ol>
 *   <li>locks the single {@code outbox_relay_state} row: even a second relay during a fail-over (split brain)
 *       waits here, so seq assignment is strictly serial; the next statement takes its snapshot after the lock,
 *       so it sees every row the other relay numbered;</li>
 *   <li>numbers the visible rows with {@code seq IS NULL} as {@code last_seq + 1 ...}, in (committed_at,
 *       write_order) order, in one UPDATE that also stores the new {@code last_seq} and RETURNs the rows to
 *       publish ({@link #NUMBER}); then commits.</li>
 * </ol>
 * A row that commits late (its committed_at is earlier than rows already numbered) simply gets the next seq in a
 * later step: seq order is publish order, not clock order. Because numbering and {@code last_seq} change in one
 * transaction under the row lock, every row gets exactly one seq, seqs never repeat or skip, and a reader of the
 * feed sees seq N only once N-1 is visible too. {@code last_seq} lives in its own row so that purging old events
 * never resets the sequence.
 *
 * <p>Finding the unnumbered rows costs the same with a million rows of history, with or without VACUUM: each row
 * carries its writer's transaction id ({@code xid}), and the state row keeps {@code numbered_xmin}, the oldest
 * transaction that was still running when a step last numbered every row it could see. A transaction older than
 * that had finished, so all its rows were visible to that step and were numbered; the next step therefore only
 * looks at rows with {@code xid >= numbered_xmin} (index {@code outbox_event_unnumbered}), never at the entries of
 * rows numbered long ago. The watermark is taken from the numbering statement's own snapshot.
 *
 * <h2>Thread counters</h2>
 * A thread's {@code message_count} and {@code last_activity_at} are not updated by the posts themselves: that row
 * lock, held by each post until its commit, made every post to a thread wait for the previous one. Each event carries
 * {@code message_delta} instead (+1 for a post's {@code new_message}, minus the deleted messages for
 * {@code messages_deleted}, 0 otherwise), and {@link #NUMBER} adds the deltas of the rows it numbers to their threads
 * (and moves {@code last_activity_at} to the latest post's {@code committed_at}) in the same statement. Each row is
 * numbered exactly once, so each delta is counted exactly once: a backlog republished after a crash is read, not
 * numbered again. The counters therefore lag a post by the time to its numbering (normally milliseconds). The
 * thread rows are locked in id order, like a moderator's locks on a thread and its sub-threads, so the two cannot
 * deadlock.
 *
 * <p>Per aggregate, seq order is also commit order where it matters: a moderator's change of a thread (lock, tier,
 * deletion, and the same on its sub-threads) locks the thread's row {@code FOR UPDATE} before it inserts its event,
 * and every write into the thread (a message insert's foreign key check, a sub-thread's chain lock, a message
 * deletion) holds {@code FOR KEY SHARE} on that row before inserting its own event. So a post and a moderation of the
 * same thread are serialised, and the second one's event row is inserted (and stamped) only after the first one
 * committed; posts do not conflict with each other (nor with this numbering's {@code FOR NO KEY UPDATE}), and
 * concurrent posts' {@code new_message} events are numbered in the order of their {@code committed_at}, which is not
 * necessarily their message ids' order. Two writers of one message (edit, like, delete) are serialised by the
 * message's row lock, taken before the event is inserted.
 *
 * <p>Publishing progress is one number, {@code published_seq} in the state row ({@link OutboxRelay} keeps it moving):
 * a step first returns the rows numbered earlier but not published ({@code published_seq} and after: the backlog a new
 * leader or a failed publish left), then the rows it numbered.
 */
final class OutboxNumbering {

    private static final String LOCK_STATE =
            "SELECT last_seq, published_seq FROM outbox_relay_state WHERE id = 1 FOR UPDATE";
    private static final String MARK_AND_LOCK_STATE = "UPDATE outbox_relay_state SET published_seq ="
            + " greatest(published_seq, ?) WHERE id = 1 RETURNING last_seq, published_seq";
    private static final String MARK = "UPDATE outbox_relay_state SET published_seq = greatest(published_seq, ?)"
            + " WHERE id = 1 AND published_seq < ?";

    /**
     * Numbers up to ? (batch) unnumbered rows after ? (last_seq) and returns them; moves last_seq and, when the step
     * saw every unnumbered row (fewer than a batch), the watermark; folds the rows' {@code message_delta} into their
     * threads' counters (the class comment says why here). Parameters: batch, last_seq, batch.
     */
    private static final String NUMBER = """
            WITH state AS (
                SELECT numbered_xmin FROM outbox_relay_state WHERE id = 1),
            picked AS (
                SELECT id, row_number() OVER (ORDER BY committed_at, write_order) AS n
                FROM outbox_event
                WHERE seq IS NULL AND xid >= (SELECT numbered_xmin FROM state)
                ORDER BY committed_at, write_order
                LIMIT ?),
            numbered AS (
                UPDATE outbox_event e SET seq = ? + picked.n FROM picked WHERE e.id = picked.id
                RETURNING %s, e.message_delta),
            moved AS (
                UPDATE outbox_relay_state SET
                    last_seq = last_seq + (SELECT count(*) FROM numbered),
                    numbered_xmin = CASE WHEN (SELECT count(*) FROM numbered) < ?
                        THEN greatest(numbered_xmin, pg_snapshot_xmin(pg_current_snapshot()))
                        ELSE numbered_xmin END
                WHERE id = 1 AND EXISTS (SELECT 1 FROM numbered)),
            counts AS (
                SELECT thread_id, sum(message_delta) AS delta,
                       max(committed_at) FILTER (WHERE message_delta > 0) AS posted_at
                FROM numbered WHERE message_delta <> 0 GROUP BY thread_id),
            counted AS (
                UPDATE forum_thread t SET
                    message_count = greatest(0, t.message_count + counts.delta),
                    last_activity_at = greatest(t.last_activity_at, counts.posted_at)
                FROM counts
                WHERE t.id = counts.thread_id
                  AND t.id IN (SELECT id FROM forum_thread WHERE id IN (SELECT thread_id FROM counts)
                               ORDER BY id FOR NO KEY UPDATE))
            SELECT * FROM numbered ORDER BY seq""".formatted(OutboxRows.returning("e"));

    private static final String BACKLOG = "SELECT " + OutboxRows.COLUMNS
            + " FROM outbox_event WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final int batchSize;

    /** What one step found: the events to publish, in seq order, and whether more are waiting. */
    record Step(List<OutboxRows.Publishable> toPublish, boolean more) {
    }

    OutboxNumbering(AgroalDataSource dataSource, OutboxRows rows, int batchSize) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.batchSize = batchSize;
    }

    /**
     * One step in one transaction: locks the state row (recording {@code published_seq = markUpTo} first when
     * {@code markUpTo > 0}), reads the numbered rows after {@code max(published_seq, publishedUpTo)}, numbers the
     * next batch, commits.
     */
    Step next(long publishedUpTo, long markUpTo) throws SQLException {
        List<OutboxRows.Publishable> batch = new ArrayList<>();
        boolean more;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long last;
                long publishedInDb;
                boolean mark = markUpTo > 0;
                try (PreparedStatement st = c.prepareStatement(mark ? MARK_AND_LOCK_STATE : LOCK_STATE)) {
                    if (mark) {
                        st.setLong(1, markUpTo);
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        last = rs.getLong(1);
                        publishedInDb = rs.getLong(2);
                    }
                }
                long from = Math.max(publishedInDb, publishedUpTo);
                if (from < last) {
                    try (PreparedStatement st = c.prepareStatement(BACKLOG)) {
                        st.setLong(1, from);
                        st.setLong(2, last);
                        st.setInt(3, batchSize);
                        readInto(st, batch);
                    }
                }
                boolean backlogDone = from + batch.size() >= last;
                List<OutboxRows.Publishable> numbered = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement(NUMBER)) {
                    st.setInt(1, batchSize);
                    st.setLong(2, last);
                    st.setInt(3, batchSize);
                    readInto(st, numbered);
                }
                c.commit();
                if (backlogDone) {
                    batch.addAll(numbered);
                }
                more = !backlogDone || numbered.size() == batchSize;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return new Step(batch, more);
    }

    /** Records {@code published_seq = upTo} (one small update, if it moves it); true when recorded. */
    boolean markPublished(long upTo) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(MARK)) {
            st.setLong(1, upTo);
            st.setLong(2, upTo);
            st.executeUpdate();
            return true;
        } catch (SQLException e) {
            Log.debugf("recording publish progress failed, will retry: %s", e.getMessage());
            return false;
        }
    }

    private void readInto(PreparedStatement st, List<OutboxRows.Publishable> into) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                into.add(rows.publishable(rs));
            }
        }
    }
}

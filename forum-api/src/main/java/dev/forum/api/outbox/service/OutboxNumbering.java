package dev.forum.api.outbox.service;

import dev.forum.api.outbox.mapping.OutboxRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The relay's numbering: gives committed outbox rows their {@code seq} in their shard's stream and says what to
 * publish next. One step covers the woken shards of the relay's partitions; a writer's transaction runs it for its own
 * shards before its commit when that is free (below).
 *
 * <h2>Why seq is gap-free per shard and given once</h2>
 * Rows are inserted with their {@code shard} and {@code seq = NULL}. Writers' transactions commit in any order, so
 * insert order means nothing; a step only ever sees committed rows (and, in a writer's transaction, that writer's
 * own). A step runs one transaction that
 * <ol>
 *   <li>locks the partition's {@code outbox_shard_state} rows, one per shard of the current epoch, in shard order
 *       ({@link #LOCK_STATES}): even a second relay during a fail-over (split brain: the old owner's lock session
 *       died but its step still runs) waits here, so each shard's numbering is strictly serial; the next statement
 *       takes its snapshot after the lock, so it sees every row the other relay numbered;</li>
 *   <li>numbers the visible rows with {@code seq IS NULL} of those shards as {@code last_seq + 1 ...} of their
 *       shard, in (committed_at, write_order) order, in one UPDATE that also stores each shard's new
 *       {@code last_seq} and RETURNs the rows to publish ({@link #NUMBER}); then commits.</li>
 * </ol>
 * A row that commits late (its committed_at is earlier than rows already numbered) simply gets the next seq in a
 * later step: seq order is publish order, not clock order. Because numbering and {@code last_seq} change in one
 * transaction under the shard's row lock, every row gets exactly one seq, seqs never repeat or skip within a shard,
 * and a reader of the feed sees seq N of a shard only once N-1 is visible too. {@code last_seq} lives in the state
 * row so that purging old events never resets the sequence.
 *
 * <p>Finding the unnumbered rows costs the same with a million rows of history, with or without VACUUM: each row
 * carries its writer's transaction id ({@code xid}), and each shard's state row keeps {@code numbered_xmin}, a
 * transaction id below which every row of the shard is numbered: the oldest transaction still running at the last
 * numbering step (one older had finished, so its rows were visible to that step), or the oldest writer of the rows
 * that step left for later, if older. The next step therefore only looks at rows with {@code xid >= numbered_xmin}
 * (index {@code outbox_event_unnumbered_shard}), never at the entries of rows numbered long ago, also while a
 * backlog keeps every step a full batch. The watermark is taken from the numbering statement's own snapshot.
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
 * deadlock; and a thread's events are all in one shard, so two partitions numbering at once never lock the same
 * thread.
 *
 * <p>Per thread, seq order is also commit order where it matters: a thread's events are all in its shard; a
 * moderator's change of a thread (lock, tier, deletion, and the same on its sub-threads) locks the thread's row
 * {@code FOR UPDATE} before it inserts its event, and every write into the thread (a message insert's foreign key
 * check, a sub-thread's chain lock, a message deletion) holds {@code FOR KEY SHARE} on that row before inserting its
 * own event. So a post and a moderation of the same thread are serialised, and the second one's event row is inserted
 * (and stamped) only after the first one committed; posts do not conflict with each other (nor with this numbering's
 * {@code FOR NO KEY UPDATE}), and concurrent posts' {@code new_message} events are numbered in the order of their
 * {@code committed_at}, which is not necessarily their message ids' order. Two writers of one message (edit, like,
 * delete) are serialised by the message's row lock, taken before the event is inserted.
 *
 * <p>Publishing progress is one number per shard, {@code published_seq} in its state row ({@link OutboxRelay} keeps
 * it moving): a step first returns, per shard, the rows numbered earlier but not published ({@code published_seq}
 * and after: the backlog a new owner or a failed publish left), then the rows it numbered.
 *
 * <h2>Numbering in the writer's transaction</h2>
 * A relay step after each commit made a post cost two durable commits before its publish: its own and the step's.
 * So (with {@code forum.outbox.number-in-transaction}, the default) a transaction that wrote outbox rows runs this
 * numbering itself just before its commit ({@link #numberBeforeCommit}, from {@link OutboxWakeup}), for the shards it
 * wrote whose relay partition this replica owns. It is the same numbering, with the same statements, so all the
 * above holds: it numbers every visible unnumbered row of the shard, its own included, under the shard's state row
 * lock, and the seqs, {@code last_seq}, the watermark and the thread counters commit or roll back with the writer's
 * change; only in the current epoch, which cannot change before the writer's commit (its INSERT holds
 * {@code outbox_shard_epoch}'s ACCESS SHARE lock to then, {@link ShardEpochs#open()} waits for it). What differs:
 * <ul>
 *   <li>It never waits. It locks only the state rows that are free now ({@link #LOCK_FREE_STATES}, SKIP LOCKED): a
 *       post never queues behind a relay step or another post's numbering; a shard it skips keeps its rows
 *       unnumbered, and the relay, woken after the commit as without this, numbers them. And its fold fails at
 *       once on a thread row locked by another transaction ({@link #NUMBER_NOWAIT}): the writer already holds
 *       thread locks (a post's FOR KEY SHARE from its foreign key check, a moderator's FOR UPDATE), so waiting there
 *       could close a cycle with a moderator who locks a thread and its sub-threads in id order. Then it rolls back
 *       to its savepoint (releasing the state rows too) and leaves the shard to the relay. Posts' FOR KEY SHARE
 *       does not conflict with the fold's FOR NO KEY UPDATE, and the shard's other numberings are held back by its
 *       state row: only a moderator's change or an edit of a thread row of the shard makes it fall back.</li>
 *   <li>It holds the state rows from there to the writer's commit, a WAL flush later (nothing runs in between:
 *       Hibernate has flushed before).</li>
 *   <li>It publishes nothing: after the commit the rows are handed to the relay's drain thread
 *       ({@link OutboxRelay#handOver}), which publishes them when they continue what it published of their shard,
 *       else reads the shard's backlog from the database as for a new owner. A crash between the commit and the
 *       publish leaves them after {@code published_seq}, like a relay step's.</li>
 * </ul>
 */
final class OutboxNumbering {

    /**
     * Locks the partition's state rows of the current epoch (none if another epoch opened since): parameters epoch,
     * shards. %s: how it waits for a row locked by another transaction.
     */
    private static final String LOCK_STATES_WAITING = """
            SELECT shard, last_seq, published_seq FROM outbox_shard_state
            WHERE shard_epoch = ? AND shard = ANY(?) AND shard_epoch = (SELECT max(epoch) FROM outbox_shard_epoch)
            ORDER BY shard FOR UPDATE%s""";
    private static final String LOCK_STATES = LOCK_STATES_WAITING.formatted("");
    /** The same in a writer's transaction: only the rows free now, never waiting. */
    private static final String LOCK_FREE_STATES = LOCK_STATES_WAITING.formatted(" SKIP LOCKED");
    /** Moves published_seq of the given shards forward: parameters shards, seqs, epoch. */
    private static final String MARK = """
            UPDATE outbox_shard_state s SET published_seq = m.up_to
            FROM unnest(?::int[], ?::bigint[]) AS m(shard, up_to)
            WHERE s.shard_epoch = ? AND s.shard = m.shard AND s.published_seq < m.up_to""";

    /**
     * Numbers up to ? (batch) unnumbered rows of the partition's shards after their last_seq and returns them; moves
     * each numbered shard's last_seq and its watermark: to the step's snapshot xmin, or, when the batch left some of
     * the shard's visible rows unnumbered, to the oldest of their xids if that is older (every row of an older
     * transaction is numbered: it was visible, so it was picked or it is one of those). So the watermark keeps up
     * through a backlog of full batches, and no step walks the index entries of rows numbered since a stall.
     * Within a shard the picked rows are its earliest, so their numbers continue its last_seq without a hole. Folds
     * the rows' {@code message_delta} into their threads' counters (the class comment says why here).
     * Parameters: epoch, shards, batch, epoch, epoch. %2$s: how it waits for a thread row locked by another
     * transaction.
     */
    private static final String NUMBER_WAITING = """
            WITH state AS (
                SELECT shard, last_seq, numbered_xmin FROM outbox_shard_state WHERE shard_epoch = ? AND shard = ANY(?)),
            candidates AS (
                SELECT e.id, e.shard, e.xid, e.committed_at, e.write_order,
                       s.last_seq + row_number() OVER (PARTITION BY e.shard ORDER BY e.committed_at, e.write_order)
                           AS next_seq
                FROM state s JOIN outbox_event e
                    ON e.shard = s.shard AND e.seq IS NULL AND e.xid >= s.numbered_xmin),
            picked AS (
                SELECT id, next_seq FROM candidates ORDER BY committed_at, write_order LIMIT ?),
            left_behind AS (
                SELECT shard, min(xid) AS oldest FROM candidates WHERE id NOT IN (SELECT id FROM picked)
                GROUP BY shard),
            numbered AS (
                UPDATE outbox_event e SET seq = picked.next_seq, shard_epoch = ? FROM picked WHERE e.id = picked.id
                RETURNING %1$s, e.message_delta),
            per_shard AS (
                SELECT shard, count(*) AS n FROM numbered GROUP BY shard),
            moved AS (
                UPDATE outbox_shard_state st SET
                    last_seq = st.last_seq + per_shard.n,
                    numbered_xmin = greatest(st.numbered_xmin, least(pg_snapshot_xmin(pg_current_snapshot()),
                        coalesce((SELECT oldest FROM left_behind l WHERE l.shard = st.shard),
                                 pg_snapshot_xmin(pg_current_snapshot()))))
                FROM per_shard WHERE st.shard_epoch = ? AND st.shard = per_shard.shard),
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
                               ORDER BY id FOR NO KEY UPDATE%2$s))
            SELECT * FROM numbered ORDER BY shard, seq""";
    private static final String NUMBER = NUMBER_WAITING.formatted(OutboxRows.returning("e"), "");
    /** The same in a writer's transaction: fails at once (lock_not_available) rather than wait for a thread row. */
    private static final String NUMBER_NOWAIT = NUMBER_WAITING.formatted(OutboxRows.returning("e"), " NOWAIT");
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final String BACKLOG = "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event"
            + " WHERE shard_epoch = ? AND shard = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final int batchSize;

    /** What one step found: the events to publish, per shard in seq order, and whether more are waiting. */
    record Step(List<OutboxRows.Publishable> toPublish, boolean more) {
    }

    static final Step NOTHING = new Step(List.of(), false);

    /** Another epoch was opened (another replica runs with another shard count): this relay cannot number. */
    static final class EpochChangedException extends SQLException {
        EpochChangedException(int epoch) {
            super("shard epoch " + epoch + " is no longer the current one: restart with the current shard count");
        }
    }

    OutboxNumbering(AgroalDataSource dataSource, OutboxRows rows, int batchSize) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.batchSize = batchSize;
    }

    /**
     * One step for the partition's {@code shards} in one transaction: locks their state rows (recording
     * {@code published_seq} from {@code markUpTo} first), reads per shard the numbered rows after
     * {@code max(published_seq, publishedUpTo)}, numbers the next batch, commits.
     */
    Step next(int epoch, int[] shards, Map<Integer, Long> publishedUpTo, Map<Integer, Long> markUpTo)
            throws SQLException {
        return Transactions.inTransaction(dataSource, c -> {
            Array shardArray = c.createArrayOf("integer", box(shards));
            Map<Integer, long[]> states = lockStates(c, LOCK_STATES, epoch, shardArray);
            if (states.size() < shards.length) {
                throw new EpochChangedException(epoch);
            }
            if (!markUpTo.isEmpty()) {
                mark(c, epoch, markUpTo);
                markUpTo.forEach((shard, upTo) -> states.get(shard)[1] = Math.max(states.get(shard)[1], upTo));
            }
            List<OutboxRows.Publishable> toPublish = new ArrayList<>();
            Set<Integer> behindBacklog = new HashSet<>();
            for (Map.Entry<Integer, long[]> state : states.entrySet()) {
                int shard = state.getKey();
                long last = state.getValue()[0];
                long from = Math.max(state.getValue()[1], publishedUpTo.getOrDefault(shard, 0L));
                if (from < last) {
                    List<OutboxRows.Publishable> backlog = backlog(c, epoch, shard, from, last);
                    toPublish.addAll(backlog);
                    if (from + backlog.size() < last) {
                        behindBacklog.add(shard);
                    }
                }
            }
            List<OutboxRows.Publishable> numbered = number(c, NUMBER, epoch, shardArray);
            // Behind an unfinished backlog, a shard's new rows wait for the next step (as backlog).
            numbered.stream().filter(event -> !behindBacklog.contains(event.shard())).forEach(toPublish::add);
            return new Step(toPublish, !behindBacklog.isEmpty() || numbered.size() == batchSize);
        });
    }

    /**
     * Numbers {@code shards} inside the calling writer's transaction, just before its commit (the class comment says
     * why and when): only the shards whose state row is free now, and nothing if a thread counter to fold is locked
     * by another transaction; it never waits for a lock. Returns what it numbered, per shard in seq order ({@code
     * more} when the batch was full: rows are left for the relay). It never fails the writer: on an error it rolls
     * back to before the numbering and numbers nothing, and the relay numbers the rows as without it.
     */
    Step numberBeforeCommit(int epoch, int[] shards) {
        // The writer's own connection: within a JTA transaction the pool hands out the one enlisted in it. The
        // savepoint is not released: the commit, next, ends it (one round trip less).
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SAVEPOINT outbox_numbering");
            try {
                Set<Integer> free = lockStates(c, LOCK_FREE_STATES, epoch, c.createArrayOf("integer", box(shards)))
                        .keySet();
                List<OutboxRows.Publishable> numbered = free.isEmpty() ? List.of()
                        : number(c, NUMBER_NOWAIT, epoch, c.createArrayOf("integer", free.toArray()));
                return new Step(numbered, numbered.size() == batchSize);
            } catch (SQLException e) {
                // Also releases the state rows it locked: the relay numbers these shards at once.
                st.execute("ROLLBACK TO SAVEPOINT outbox_numbering");
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    Log.warnf("Numbering in the writer's transaction failed, left to the relay: %s", e.getMessage());
                }
                return NOTHING;
            }
        } catch (SQLException e) {
            Log.warnf("Numbering in the writer's transaction failed, left to the relay: %s", e.getMessage());
            return NOTHING;
        }
    }

    /** Records {@code published_seq} per shard (one small update); true when recorded. */
    boolean markPublished(int epoch, Map<Integer, Long> upTo) {
        try (Connection c = dataSource.getConnection()) {
            mark(c, epoch, upTo);
            return true;
        } catch (SQLException e) {
            Log.debugf("recording publish progress failed, will retry: %s", e.getMessage());
            return false;
        }
    }

    /** The shard's numbered rows after {@code from} up to {@code last}, at most a batch. */
    private List<OutboxRows.Publishable> backlog(Connection c, int epoch, int shard, long from, long last)
            throws SQLException {
        List<OutboxRows.Publishable> backlog = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(BACKLOG)) {
            st.setInt(1, epoch);
            st.setInt(2, shard);
            st.setLong(3, from);
            st.setLong(4, last);
            st.setInt(5, batchSize);
            readInto(st, backlog);
        }
        return backlog;
    }

    private List<OutboxRows.Publishable> number(Connection c, String sql, int epoch, Array shards)
            throws SQLException {
        List<OutboxRows.Publishable> numbered = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, epoch);
            st.setArray(2, shards);
            st.setInt(3, batchSize);
            st.setInt(4, epoch);
            st.setInt(5, epoch);
            readInto(st, numbered);
        }
        return numbered;
    }

    /** shard -> {last_seq, published_seq}, the rows locked. */
    private static Map<Integer, long[]> lockStates(Connection c, String sql, int epoch, Array shards)
            throws SQLException {
        Map<Integer, long[]> states = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, epoch);
            st.setArray(2, shards);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return states;
    }

    private static void mark(Connection c, int epoch, Map<Integer, Long> upTo) throws SQLException {
        List<Integer> shards = new ArrayList<>(upTo.keySet());
        try (PreparedStatement st = c.prepareStatement(MARK)) {
            st.setArray(1, c.createArrayOf("integer", shards.toArray()));
            st.setArray(2, c.createArrayOf("bigint", shards.stream().map(upTo::get).toArray()));
            st.setInt(3, epoch);
            st.executeUpdate();
        }
    }

    private static Integer[] box(int[] values) {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    private void readInto(PreparedStatement st, List<OutboxRows.Publishable> into) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                into.add(rows.publishable(rs));
            }
        }
    }
}

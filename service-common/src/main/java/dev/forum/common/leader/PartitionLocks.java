package dev.forum.common.leader;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * {@link LeaderLock}'s keyed variant: one leader per partition {@code 0..partitions-1}, spread over the replicas
 * that run it, on one dedicated session per replica (one connection, not one per partition).
 *
 * <ul>
 * <li>Ownership: partition {@code p} is owned by the session holding the advisory lock {@code (key, p)} (the
 *     two-int form). PostgreSQL grants it to one session: one owner at a time.</li>
 * <li>Membership: every member holds the shared lock {@code (key, -1)}; {@link #members()} counts its holders in
 *     {@code pg_locks}. A member that dies drops its session, and with it its membership and its partitions.</li>
 * <li>Fair spread ({@link #rebalance()}, called every few seconds by each member): a member keeps at most
 *     {@code ceil(partitions / members)} partitions, releases the surplus (highest first) and tries the free ones
 *     (from an offset of its own, so that members do not all race for the same). Each member's share then never
 *     exceeds the ceiling, and while a partition is free some member is below it and takes it: every partition
 *     is owned again within a tick or two of a change (a member joining, leaving or dying).</li>
 * <li>Losing the session: {@link #rebalance()} checks it first; if it died, this owns nothing any more (the
 *     caller stops work on every partition). Work done on other connections needs its own fence (a row lock), as
 *     with {@link LeaderLock}: between the death and the check, a partition may have two workers.</li>
 * </ul>
 * Not thread-safe except {@link #owns(int)}, {@link #owned()} and {@link #close()}: one thread runs the rest.
 */
public final class PartitionLocks implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PartitionLocks.class);
    private static final int MEMBERSHIP = -1;
    private static final String COUNT_MEMBERS = """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 2 AND classid = ?::oid AND objid = ?::oid AND mode = 'ShareLock'
              AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""";

    /** What one {@link #rebalance()} changed. */
    public record Change(List<Integer> taken, List<Integer> released, int members) {
        public boolean isEmpty() {
            return taken.isEmpty() && released.isEmpty();
        }
    }

    private final String name;
    private final int key;
    private final int partitions;
    private final int offset;
    private final LeaderLock.ConnectionSource source;
    private final BitSet owned = new BitSet(); // guarded by this
    private Connection connection;
    private volatile boolean closed;

    /**
     * @param key    the first half of every lock key; the partition (or -1, membership) is the second half
     * @param offset where this member starts looking for free partitions (e.g. a hash of its id)
     */
    public PartitionLocks(String name, int key, int partitions, int offset, LeaderLock.ConnectionSource source) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
        this.name = name;
        this.key = key;
        this.partitions = partitions;
        this.offset = Math.floorMod(offset, partitions);
        this.source = source;
    }

    public int partitions() {
        return partitions;
    }

    public synchronized boolean owns(int partition) {
        return owned.get(partition);
    }

    public synchronized List<Integer> owned() {
        return owned.stream().boxed().toList();
    }

    /** The session that holds the locks (to LISTEN on, say); opens it, joining the members, if needed. */
    public Connection connection() throws SQLException {
        return session();
    }

    /** The members now: sessions holding the membership lock. */
    public int members() throws SQLException {
        try (PreparedStatement st = session().prepareStatement(COUNT_MEMBERS)) {
            st.setInt(1, key);
            st.setInt(2, MEMBERSHIP);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Checks the session, then moves this member's share towards {@code ceil(partitions / members)}. A failure (the
     * session died, PostgreSQL unreachable) drops the session, so this owns nothing, and is thrown.
     */
    public Change rebalance() throws SQLException {
        return rebalance(partition -> { });
    }

    /**
     * {@link #rebalance()}, calling {@code beforeRelease} with each surplus partition before its lock is released
     * (the caller finishes its work on it there, so that the next owner does not start while it still runs).
     */
    public Change rebalance(IntConsumer beforeRelease) throws SQLException {
        if (closed) {
            return new Change(List.of(), List.of(), 0);
        }
        try {
            int members = Math.max(1, members());
            int share = (partitions + members - 1) / members;
            List<Integer> released = new ArrayList<>();
            List<Integer> mine = owned();
            for (int i = mine.size() - 1; i >= 0 && mine.size() - released.size() > share; i--) {
                beforeRelease.accept(mine.get(i));
                release(mine.get(i));
                released.add(mine.get(i));
            }
            List<Integer> taken = new ArrayList<>();
            int have = mine.size() - released.size();
            for (int i = 0; i < partitions && have < share; i++) {
                int p = (offset + i) % partitions;
                if (!owns(p) && !released.contains(p) && tryLock(p)) {
                    synchronized (this) {
                        owned.set(p);
                    }
                    taken.add(p);
                    have++;
                }
            }
            if (!taken.isEmpty() || !released.isEmpty()) {
                LOG.debugf("%s: took %s, released %s (%d members, share %d)", name, taken, released, members, share);
            }
            return new Change(taken, released, members);
        } catch (SQLException e) {
            drop();
            throw e;
        }
    }

    /** Gives up one partition (the caller finished its work on it); keeps the session. */
    public void release(int partition) throws SQLException {
        synchronized (this) {
            if (!owned.get(partition)) {
                return;
            }
            owned.clear(partition);
        }
        try (PreparedStatement st = session().prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            st.setInt(1, key);
            st.setInt(2, partition);
            st.execute();
        }
    }

    /** Ends the session (PostgreSQL releases every lock with it) without closing this: the next call reconnects. */
    public synchronized void drop() {
        owned.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debugf("%s: closing the session: %s", name, e.getMessage());
            }
            connection = null;
        }
    }

    /** Leaves for good: ends the session, releasing every partition and the membership. */
    @Override
    public void close() {
        closed = true;
        drop();
    }

    private boolean tryLock(int partition) throws SQLException {
        try (PreparedStatement st = session().prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            st.setInt(1, key);
            st.setInt(2, partition);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private synchronized Connection session() throws SQLException {
        if (closed) {
            throw new SQLException(name + ": closed");
        }
        if (connection == null || connection.isClosed()) {
            owned.clear();
            connection = source.open();
            connection.setAutoCommit(true);
            try (PreparedStatement st = connection.prepareStatement("SELECT pg_advisory_lock_shared(?, ?)")) {
                st.setInt(1, key);
                st.setInt(2, MEMBERSHIP);
                st.execute();
            }
        }
        return connection;
    }
}

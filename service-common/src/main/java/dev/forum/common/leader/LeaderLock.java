package dev.forum.common.leader;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One leader across replicas: whoever holds the session-level PostgreSQL advisory lock {@code key} on this object's
 * own JDBC connection (outside any pool, so that no other work shares or recycles the session that holds it).
 *
 * <ul>
 * <li>One at a time: PostgreSQL grants the lock to one session.</li>
 * <li>Take-over: when the leader's process or connection dies, PostgreSQL ends its session and releases the lock;
 *     a stand-by gets it at its next {@link #tryAcquire()} or, if it waits in {@link #await()}, at once.</li>
 * <li>Stepping down: {@link #close()} ends the session (PostgreSQL releases the lock with it) and cancels a wait;
 *     {@link #release()} unlocks but keeps the connection for the next {@link #tryAcquire()}.</li>
 * <li>A leader learns that it lost the lock (its connection died) from {@link #isAlive(int)}; work done under
 *     the lock on other connections needs its own fence (a row lock), since the lock can be lost mid-work.</li>
 * </ul>
 * Used by forum-api's outbox relay (waits in {@link #await()}, LISTENs on {@link #connection()}),
 * notification-service's feed consumer (tries every second) and its push relay (holds it for each drain).
 * Thread-safe, with one rule: {@link #tryAcquire()} and {@link #await()} come from one thread (they use the one
 * session). Only {@link #await()} blocks; {@link #close()} or {@link #cancelWait()} from another thread ends it.
 * Once closed, an instance stays closed: a component that starts again makes a new one.
 */
public final class LeaderLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderLock.class);

    /** Opens the dedicated session. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final String name;
    private final long key;
    private final ConnectionSource source;
    private Connection connection; // guarded by this
    private volatile boolean leader;
    private volatile boolean closed;
    private volatile PreparedStatement waiting;

    public LeaderLock(String name, long key, ConnectionSource source) {
        this.name = name;
        this.key = key;
        this.source = source;
    }

    /** Over plain JDBC (a service's {@code quarkus.datasource.jdbc.url}, user and password). */
    public static LeaderLock overJdbc(String name, long key, String jdbcUrl, String user, String password) {
        return new LeaderLock(name, key, () -> DriverManager.getConnection(jdbcUrl, user, password == null ? "" : password));
    }

    public boolean isLeader() {
        return leader;
    }

    /**
     * Takes the lock if it is free; true if this now leads (or already did). Opens the session if needed. A failure
     * (PostgreSQL unreachable) leaves this a stand-by without a session and is thrown.
     */
    public synchronized boolean tryAcquire() throws SQLException {
        if (leader) {
            return true;
        }
        if (closed) {
            return false;
        }
        try {
            leader = lockQuery("SELECT pg_try_advisory_lock(?)");
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
        if (leader) {
            LOG.debugf("%s: took the leader lock", name);
        }
        return leader;
    }

    /**
     * Waits for the lock (PostgreSQL queues the waiting session; waiting costs nothing) and leads once granted.
     * Throws if the session fails or {@link #close()} ends the wait.
     */
    public void await() throws SQLException {
        PreparedStatement st;
        synchronized (this) {
            if (leader) {
                return;
            }
            if (closed) {
                throw new SQLException(name + ": closed");
            }
            st = session().prepareStatement("SELECT true FROM pg_advisory_lock(?)");
            st.setLong(1, key);
            waiting = st;
        }
        try (st; ResultSet rs = st.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            synchronized (this) {
                closeConnection();
            }
            throw e;
        } finally {
            waiting = null;
        }
        synchronized (this) {
            if (closed) {
                closeConnection();
                throw new SQLException(name + ": closed while waiting");
            }
            leader = true;
        }
        LOG.debugf("%s: granted the leader lock", name);
    }

    /**
     * Leader: whether the session that holds the lock is still there (a round trip bounded by
     * {@code timeoutSeconds}). If not, this steps down and answers false. A stand-by answers false.
     */
    public synchronized boolean isAlive(int timeoutSeconds) {
        if (!leader) {
            return false;
        }
        try {
            if (connection != null && connection.isValid(timeoutSeconds)) {
                return true;
            }
        } catch (SQLException e) {
            LOG.debugf("%s: checking the leader session: %s", name, e.getMessage());
        }
        closeConnection();
        return false;
    }

    /** The session that holds the lock (to LISTEN on, say); only while {@link #isLeader()}. */
    public synchronized Connection connection() {
        if (!leader) {
            throw new IllegalStateException(name + ": not the leader");
        }
        return connection;
    }

    /** Steps down and keeps the session for the next {@link #tryAcquire()}; a failure closes the session. */
    public synchronized void release() {
        if (!leader) {
            return;
        }
        leader = false;
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            st.setLong(1, key);
            st.execute();
        } catch (SQLException e) {
            LOG.debugf("%s: unlocking, ending the session instead: %s", name, e.getMessage());
            closeConnection();
        }
    }

    /** Steps down for good: cancels a wait and ends the session (PostgreSQL releases the lock with it). */
    public void close() {
        closed = true;
        cancelWait();
        synchronized (this) {
            closeConnection();
        }
    }

    /** Ends the session without closing this for good (the connection was lost, say): the next try reconnects. */
    public synchronized void drop() {
        closeConnection();
    }

    /** Ends a wait in {@link #await()} (it throws); harmless when none is running. */
    public void cancelWait() {
        PreparedStatement st = waiting;
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException e) {
                LOG.debugf("%s: cancelling the lock wait: %s", name, e.getMessage());
            }
        }
    }

    private boolean lockQuery(String sql) throws SQLException {
        try (PreparedStatement st = session().prepareStatement(sql)) {
            st.setLong(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private Connection session() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = source.open();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void closeConnection() {
        leader = false;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debugf("%s: closing the leader session: %s", name, e.getMessage());
            }
            connection = null;
        }
    }
}

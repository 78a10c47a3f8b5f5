package dev.forum.common.leader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The leader lock on the real PostgreSQL (127.0.0.1:5432, a database of its own). Each "replica" is a
 * {@link LeaderLock} with its own session; the lock key is random per test.
 */
class LeaderLockTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private final long key = ThreadLocalRandom.current().nextLong();
    private final List<LeaderLock> locks = new ArrayList<>();

    @AfterEach
    void closeLocks() {
        locks.forEach(LeaderLock::close);
    }

    @Test
    void tryAcquireGrantsOneLeaderAtATime() throws SQLException {
        LeaderLock first = replica();
        LeaderLock second = replica();

        assertThat(first.tryAcquire()).isTrue();
        assertThat(second.tryAcquire()).isFalse();
        assertThat(first.isLeader()).isTrue();
        assertThat(second.isLeader()).isFalse();
        assertThat(first.tryAcquire()).as("the leader asking again still leads").isTrue();
    }

    @Test
    void tryAcquireTakesOverWhenTheLeadersConnectionDies() throws SQLException {
        LeaderLock first = replica();
        LeaderLock second = replica();
        first.tryAcquire();

        terminateSessionOf(first);

        assertThat(first.isAlive(2)).as("the old leader notices and steps down").isFalse();
        assertThat(first.isLeader()).isFalse();
        assertThat(second.tryAcquire()).isTrue();
        assertThat(first.tryAcquire()).as("the old leader reconnects as a stand-by").isFalse();
    }

    @Test
    void awaitIsGrantedAtOnceWhenTheLeadersConnectionDies() throws Exception {
        LeaderLock first = replica();
        LeaderLock second = replica();
        first.tryAcquire();
        CompletableFuture<Void> waiting = awaitInBackground(second);
        await().atMost(WAIT).until(() -> waitingSessions() == 1);

        terminateSessionOf(first);

        waiting.get();
        assertThat(second.isLeader()).isTrue();
    }

    @Test
    void closeStepsDownAndAWaitingStandByLeads() throws Exception {
        LeaderLock first = replica();
        LeaderLock second = replica();
        first.tryAcquire();
        CompletableFuture<Void> waiting = awaitInBackground(second);
        await().atMost(WAIT).until(() -> waitingSessions() == 1);

        first.close();

        waiting.get();
        assertThat(first.isLeader()).isFalse();
        assertThat(second.isLeader()).isTrue();
        assertThat(first.tryAcquire()).as("closed for good").isFalse();
    }

    @Test
    void releaseStepsDownAndKeepsTheSessionForTheNextTry() throws SQLException {
        LeaderLock first = replica();
        LeaderLock second = replica();
        first.tryAcquire();

        first.release();

        assertThat(first.isLeader()).isFalse();
        assertThat(second.tryAcquire()).isTrue();
        second.release();
        assertThat(first.tryAcquire()).isTrue();
    }

    @Test
    void closeEndsTheWaitOfAStandBy() throws Exception {
        LeaderLock first = replica();
        LeaderLock second = replica();
        first.tryAcquire();
        CompletableFuture<Void> waiting = awaitInBackground(second);
        await().atMost(WAIT).until(() -> waitingSessions() == 1);

        second.close();

        await().atMost(WAIT).until(waiting::isDone);
        assertThat(waiting).isCompletedExceptionally();
        assertThat(second.isLeader()).isFalse();
        assertThat(first.isAlive(2)).isTrue();
    }

    @Test
    void isAliveOfAStandByIsFalse() throws SQLException {
        LeaderLock first = replica();
        LeaderLock second = replica();
        first.tryAcquire();
        second.tryAcquire();

        assertThat(first.isAlive(2)).isTrue();
        assertThat(second.isAlive(2)).isFalse();
        assertThatThrownBy(second::connection).isInstanceOf(IllegalStateException.class);
    }

    private LeaderLock replica() {
        LeaderLock lock = LeaderLock.overJdbc("test", key, database.url, "postgres", null);
        locks.add(lock);
        return lock;
    }

    private static CompletableFuture<Void> awaitInBackground(LeaderLock lock) {
        return CompletableFuture.runAsync(() -> {
            try {
                lock.await();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Ends the leader's session from outside, as a crash or a network cut would. */
    private static void terminateSessionOf(LeaderLock leader) throws SQLException {
        database.terminate(leader.connection());
    }

    private long waitingSessions() throws SQLException {
        try (Connection admin = database.connect();
                PreparedStatement st = admin.prepareStatement("""
                        SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                        WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = ?
                          AND ((l.classid::bigint << 32) | l.objid::bigint) = ?""")) {
            st.setString(1, database.name);
            st.setLong(2, key);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

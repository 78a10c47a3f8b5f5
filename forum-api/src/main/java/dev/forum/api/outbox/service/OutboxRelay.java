package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.common.leader.LeaderLock;
import dev.forum.contract.Channels;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes committed outbox rows to Redis, in order, giving each its {@code seq}.
 *
 * <h2>One relay per cluster</h2>
 * Every replica runs this bean; the one that holds the {@link LeaderLock} {@link #LEADER_LOCK_KEY} (a session-level
 * advisory lock on its own dedicated JDBC connection) is the leader. The others wait for that lock
 * ({@link LeaderLock#await()}, which costs nothing while it waits): when the leader dies, its connection closes,
 * PostgreSQL releases the lock and grants it to a stand-by at once. The leader's connection also LISTENs on {@link OutboxWriter#NOTIFY_CHANNEL}: a writing
 * transaction's NOTIFY is delivered only when it commits, so the relay wakes on every commit without polling.
 * {@link #sweep()} is the safety net: it retries a failed publish and marks publishing progress, and drains once per
 * {@link #SAFETY_DRAIN_MILLIS} anyway; at rest it touches the database only for that.
 *
 * <h2>Seq assignment (why it is gap-free and given once)</h2>
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
 * <p>Per aggregate, seq order is also commit order: a write updates its row (the thread's counters, the message)
 * before it inserts its event, so two writers of the same row are serialised by that row lock, and the second
 * one's event row is inserted (and stamped) only after the first one committed.
 *
 * <h2>Publishing (nothing lost, duplicates possible)</h2>
 * Only after that commit are the numbered rows published to Redis, pipelined on one connection in seq order, as
 * the stored payload text wrapped in the envelope (no JSON tree is built). Progress is one number,
 * {@code published_seq} in the state row: every seq up to it was published at least once. The relay writes it
 * with its next numbering step, or from the sweep when nothing else happens, and before it gives up the lock. If
 * Redis fails, the batch is kept (the rows have their seq and are readable in the event feed, which gateways fill
 * gaps from) and published again, whole and in seq order, on the next step. After a crash, the next leader
 * republishes from {@code published_seq + 1}: consumers deduplicate by {@code event_id}/{@code seq}. Redis delivery
 * is therefore at-least-once and ordered per publisher; the feed is exactly-once by seq.
 *
 * <h2>Shutdown</h2>
 * {@link #stop()} lets the running step finish its batch, records progress, then releases the lock and closes the
 * connection.
 */
@ApplicationScoped
public class OutboxRelay {

    /** {@code pg_advisory_lock} key of the leader: "forumrly" as a long. Advisory locks are per database. */
    static final long LEADER_LOCK_KEY = 0x666f72756d726c79L;
    private static final long RECONNECT_MILLIS = 1000;
    private static final int LISTEN_WAIT_MILLIS = 500;
    private static final long SAFETY_DRAIN_MILLIS = 30_000;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    private static final String LOCK_STATE =
            "SELECT last_seq, published_seq FROM outbox_relay_state WHERE id = 1 FOR UPDATE";
    private static final String MARK_AND_LOCK_STATE = "UPDATE outbox_relay_state SET published_seq ="
            + " greatest(published_seq, ?) WHERE id = 1 RETURNING last_seq, published_seq";
    private static final String MARK = "UPDATE outbox_relay_state SET published_seq = greatest(published_seq, ?)"
            + " WHERE id = 1 AND published_seq < ?";

    /**
     * Numbers up to ? (batch) unnumbered rows after ? (last_seq) and returns them; moves last_seq and, when the step
     * saw every unnumbered row (fewer than a batch), the watermark. Parameters: batch, last_seq, batch.
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
                RETURNING %s),
            moved AS (
                UPDATE outbox_relay_state SET
                    last_seq = last_seq + (SELECT count(*) FROM numbered),
                    numbered_xmin = CASE WHEN (SELECT count(*) FROM numbered) < ?
                        THEN greatest(numbered_xmin, pg_snapshot_xmin(pg_current_snapshot()))
                        ELSE numbered_xmin END
                WHERE id = 1 AND EXISTS (SELECT 1 FROM numbered))
            SELECT * FROM numbered ORDER BY seq""".formatted(OutboxRows.returning("e"));

    private static final String BACKLOG = "SELECT " + OutboxRows.COLUMNS
            + " FROM outbox_event WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final Redis redis;
    private final Channels channels;
    private final int batchSize;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;
    private final Counter published;
    private final Counter publishFailures;

    private final ReentrantLock drainLock = new ReentrantLock();
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private volatile boolean running;
    private volatile boolean leader;
    private volatile boolean standingBy;
    private volatile boolean lastPublishOk = true;
    /** Set when a step failed (Redis or database): the sweep drains again. */
    private volatile boolean retryPending;
    /** Highest seq this relay published, and the highest it recorded as {@code published_seq}. */
    private volatile long publishedUpTo;
    private volatile long markedUpTo;
    /** committed_at of the oldest event waiting for a publish retry (null when none). */
    private volatile Instant oldestUnpublished;
    private volatile long lastDrainMillis;
    private volatile LeaderLock leaderLock;
    /** The leader lock's session, LISTENing for commits (null while not the leader). */
    private Connection listening;
    private Thread loop;

    public OutboxRelay(AgroalDataSource dataSource, OutboxRows rows, RedisDataSource redis, ForumConfig config,
                       MeterRegistry registry,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                       @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.redis = redis.getReactive().getRedis();
        this.channels = new Channels(config.redis().namespace(), config.redis().shardCount());
        this.batchSize = config.outbox().batchSize();
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        this.published = Counter.builder("forum.outbox.published")
                .description("Outbox events published to Redis").register(registry);
        this.publishFailures = Counter.builder("forum.outbox.publish.failures")
                .description("Failed Redis publishes of outbox events (retried)").register(registry);
        Gauge.builder("forum.outbox.oldest.unpublished.age", this, OutboxRelay::oldestUnpublishedAgeSeconds)
                .description("Age of the oldest numbered outbox event this leader has not yet published to Redis")
                .baseUnit("seconds").register(registry);
        Gauge.builder("forum.outbox.relay.leader", this, r -> r.leader ? 1 : 0)
                .description("1 on the replica whose outbox relay holds the leader lock").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        leaderLock = LeaderLock.overJdbc("outbox relay", LEADER_LOCK_KEY, jdbcUrl, jdbcUser, jdbcPassword.orElse(null));
        loop = new Thread(this::listenLoop, "outbox-relay");
        loop.setDaemon(true);
        loop.start();
    }

    /** Stops relaying on this replica: the current batch completes, progress is recorded, the lock released. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        standingBy = false;
        try {
            // Cancel a stand-by's lock wait; again if the cancel came just before the wait began.
            for (int i = 0; i < 10 && loop.isAlive(); i++) {
                leaderLock.cancelWait();
                loop.join(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainLock.lock();
        try {
            markPublished();
            releaseLeadership();
            leaderLock.close();
        } finally {
            drainLock.unlock();
        }
        Log.info("Outbox relay stopped (current batch finished, leader lock released)");
    }

    public boolean isLeader() {
        return leader;
    }

    /** True once this replica has tried the leader lock and found it held by another. */
    public boolean isStandingBy() {
        return standingBy && !leader;
    }

    public boolean isLastPublishOk() {
        return lastPublishOk;
    }

    public Channels channels() {
        return channels;
    }

    // Not before the application runs: a sweep on the scheduler thread would construct this bean (and its Redis
    // client) while Quarkus still creates the Redis clients on the main thread, and that registry is not safe for
    // concurrent creation (seen as a ConcurrentModificationException at startup).
    @Scheduled(every = "${forum.outbox.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        if (!running || !leader) {
            return;
        }
        if (retryPending || System.currentTimeMillis() - lastDrainMillis >= SAFETY_DRAIN_MILLIS) {
            requestDrain();
        }
        if (drainLock.tryLock()) {
            try {
                markPublished();
            } finally {
                drainLock.unlock();
            }
            // A wake-up that came while this held the lock found it taken: drain for it now.
            if (drainRequested.get()) {
                requestDrain();
            }
        }
    }

    private void listenLoop() {
        while (running) {
            try {
                if (!leader) {
                    becomeLeader();
                    if (!leader) {
                        continue;
                    }
                    requestDrain();
                }
                PGNotification[] notifications =
                        listening.unwrap(PGConnection.class).getNotifications(LISTEN_WAIT_MILLIS);
                if (notifications != null && notifications.length > 0) {
                    requestDrain();
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    Log.warnf("Outbox relay lost its connection, standing by: %s", e.getMessage());
                }
                drainLock.lock();
                try {
                    releaseLeadership();
                } finally {
                    drainLock.unlock();
                }
                pause(RECONNECT_MILLIS);
            }
        }
    }

    /** Takes the leader lock, waiting for it (at no cost) while another replica holds it. */
    private void becomeLeader() throws SQLException {
        if (!leaderLock.tryAcquire()) {
            standingBy = true;
            leaderLock.await();
            if (!running) {
                throw new SQLException("stopped while standing by");
            }
        }
        listening = leaderLock.connection();
        try (Statement st = listening.createStatement()) {
            st.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);
        }
        // A new leader starts from the recorded progress: what this process published before is not trusted.
        publishedUpTo = 0;
        markedUpTo = 0;
        leader = true;
        standingBy = false;
        Log.infof("Outbox relay is the leader (namespace %s)", channels.namespace());
    }

    /** Stops leading: ends the lock's session (PostgreSQL releases the lock with it); the next try reconnects. */
    private void releaseLeadership() {
        leader = false;
        listening = null;
        leaderLock.drop();
    }

    /**
     * Drains now, or makes the thread that is draining go round once more, so that no wake-up is lost.
     */
    void requestDrain() {
        drainRequested.set(true);
        while (drainRequested.get() && running && leader && drainLock.tryLock()) {
            try {
                while (drainRequested.getAndSet(false) && running && leader) {
                    drainAll();
                }
            } finally {
                drainLock.unlock();
            }
        }
    }

    private void drainAll() {
        lastDrainMillis = System.currentTimeMillis();
        try {
            boolean more = true;
            while (more && running && leader) {
                more = drainStep();
            }
        } catch (SQLException e) {
            retryPending = true;
            Log.warnf("Outbox drain failed, will retry: %s", e.getMessage());
        }
    }

    /** Numbers the next batch and publishes what is numbered and not yet published; true when more is waiting. */
    private boolean drainStep() throws SQLException {
        List<OutboxRows.Publishable> batch = new ArrayList<>();
        boolean more;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long last;
                long publishedInDb;
                boolean mark = publishedUpTo > markedUpTo;
                try (PreparedStatement st = c.prepareStatement(mark ? MARK_AND_LOCK_STATE : LOCK_STATE)) {
                    if (mark) {
                        st.setLong(1, publishedUpTo);
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
                if (mark) {
                    markedUpTo = Math.max(markedUpTo, publishedUpTo);
                }
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
        return publish(batch) && more;
    }

    private void readInto(PreparedStatement st, List<OutboxRows.Publishable> into) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                into.add(rows.publishable(rs));
            }
        }
    }

    /** Publishes the batch pipelined, in seq order; true when Redis accepted all of it. */
    private boolean publish(List<OutboxRows.Publishable> batch) {
        if (batch.isEmpty()) {
            retryPending = false;
            oldestUnpublished = null;
            return true;
        }
        List<Request> publishes = new ArrayList<>(batch.size());
        for (OutboxRows.Publishable event : batch) {
            publishes.add(Request.cmd(Command.PUBLISH).arg(channels.eventsChannelFor(event.threadId())).arg(event.json()));
        }
        OutboxRows.Publishable first = batch.get(0);
        try {
            redis.batch(publishes).await().atMost(PUBLISH_TIMEOUT);
        } catch (RuntimeException e) {
            publishFailures.increment(batch.size());
            if (lastPublishOk) {
                Log.warnf("Redis publish of seq %d-%d failed; retrying every sweep, the feed still serves them: %s",
                        first.seq(), batch.get(batch.size() - 1).seq(), e.getMessage());
            } else {
                Log.debugf("Redis publish from seq %d failed again: %s", first.seq(), e.getMessage());
            }
            lastPublishOk = false;
            retryPending = true;
            if (oldestUnpublished == null) {
                oldestUnpublished = first.committedAt();
            }
            return false;
        }
        if (!lastPublishOk) {
            Log.infof("Redis publish works again from seq %d", first.seq());
        }
        lastPublishOk = true;
        retryPending = false;
        oldestUnpublished = null;
        publishedUpTo = Math.max(publishedUpTo, batch.get(batch.size() - 1).seq());
        published.increment(batch.size());
        return true;
    }

    /** Records {@code published_seq} if this relay published more than it recorded (one small update). */
    private void markPublished() {
        long upTo = publishedUpTo;
        if (upTo <= markedUpTo) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(MARK)) {
            st.setLong(1, upTo);
            st.setLong(2, upTo);
            st.executeUpdate();
            markedUpTo = upTo;
        } catch (SQLException e) {
            Log.debugf("recording publish progress failed, will retry: %s", e.getMessage());
        }
    }

    private double oldestUnpublishedAgeSeconds() {
        Instant oldest = oldestUnpublished;
        return oldest == null ? 0.0 : Math.max(0, (System.currentTimeMillis() - oldest.toEpochMilli()) / 1000.0);
    }

    private void pause(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.common.leader.LeaderLock;
import dev.forum.contract.Channels;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * PostgreSQL releases the lock and grants it to a stand-by at once. Every commit that wrote outbox rows wakes the
 * leader without polling ({@link OutboxWakeup}): in process on the leader's replica ({@link #wakeIfLeader()}, drained
 * on this relay's own thread, not the writer's), by a NOTIFY on {@link OutboxWriter#NOTIFY_CHANNEL}, which the
 * leader's connection LISTENs on, from any other.
 * {@link #sweep()} is the safety net: it retries a failed publish and marks publishing progress, and drains once per
 * {@link #SAFETY_DRAIN_MILLIS} anyway; at rest it touches the database only for that.
 *
 * <h2>Seq and publishing</h2>
 * {@link OutboxNumbering} gives committed rows a gap-free {@code seq} (its comment says why the sequence has no gaps
 * and every row gets exactly one); {@link OutboxPublisher} publishes them to Redis, pipelined, in seq order. This
 * class keeps the leadership, wakes a drain for every commit and keeps progress ({@code published_seq}) moving.
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

    private final OutboxNumbering numbering;
    private final OutboxPublisher publisher;
    private final Channels channels;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;

    private final ReentrantLock drainLock = new ReentrantLock();
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    /** A local wake-up is queued on {@link #waker} (one at a time: the drain it runs covers every later commit). */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final ExecutorService waker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay-wake");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;
    private volatile boolean leader;
    private volatile boolean standingBy;
    /** Set when a step failed (Redis or database): the sweep drains again. */
    private volatile boolean retryPending;
    /** Highest seq this relay published, and the highest it recorded as {@code published_seq}. */
    private volatile long publishedUpTo;
    private volatile long markedUpTo;
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
        this.channels = new Channels(config.redis().namespace(), config.redis().shardCount());
        this.numbering = new OutboxNumbering(dataSource, rows, config.outbox().batchSize());
        this.publisher = new OutboxPublisher(redis.getReactive().getRedis(), channels, registry);
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
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

    /**
     * A commit on this replica wrote outbox rows: if this relay leads, drains soon on its own thread and returns true;
     * false when another replica's relay must be notified. (Should the leadership have just been lost, draining here
     * is still safe: numbering is serialised by the state row lock, see {@link OutboxNumbering}.)
     */
    public boolean wakeIfLeader() {
        if (!running || !leader) {
            return false;
        }
        drainRequested.set(true);
        if (wakeQueued.compareAndSet(false, true)) {
            waker.execute(() -> {
                wakeQueued.set(false);
                requestDrain();
            });
        }
        return true;
    }

    /** True once this replica has tried the leader lock and found it held by another. */
    public boolean isStandingBy() {
        return standingBy && !leader;
    }

    public boolean isLastPublishOk() {
        return publisher.isLastPublishOk();
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
        long marking = publishedUpTo > markedUpTo ? publishedUpTo : 0;
        OutboxNumbering.Step step = numbering.next(publishedUpTo, marking);
        if (marking > 0) {
            markedUpTo = Math.max(markedUpTo, marking);
        }
        List<OutboxRows.Publishable> batch = step.toPublish();
        boolean ok = publisher.publish(batch);
        retryPending = !ok;
        if (ok && !batch.isEmpty()) {
            publishedUpTo = Math.max(publishedUpTo, batch.get(batch.size() - 1).seq());
        }
        return ok && step.more();
    }

    /** Records {@code published_seq} if this relay published more than it recorded (one small update). */
    private void markPublished() {
        long upTo = publishedUpTo;
        if (upTo > markedUpTo && numbering.markPublished(upTo)) {
            markedUpTo = upTo;
        }
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

package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes committed outbox rows to Redis, in order, giving each its {@code seq}.
 *
 * <h2>One relay per cluster</h2>
 * Every replica runs this bean; the one that holds the session-level advisory lock {@link #LEADER_LOCK_KEY} on its
 * own dedicated JDBC connection is the leader. The others retry the lock every second. If the leader dies, its
 * connection closes, PostgreSQL releases the lock, and a stand-by takes over. The dedicated connection also
 * LISTENs on {@link OutboxWriter#NOTIFY_CHANNEL}: a writing transaction's NOTIFY is delivered only when it commits,
 * so the relay wakes on every commit without polling; {@link #sweep()} runs every second as a safety net.
 *
 * <h2>Seq assignment (why it is gap-free and given once)</h2>
 * Rows are inserted with {@code seq = NULL}. Writers' transactions commit in any order, so insert order means
 * nothing; the relay only ever sees committed rows. A drain step runs one transaction that
 * <ol>
 *   <li>locks the single {@code outbox_relay_state} row ({@code SELECT ... FOR UPDATE}): even a second relay
 *       during a fail-over (split brain) waits here, so seq assignment is strictly serial;</li>
 *   <li>numbers the visible rows with {@code seq IS NULL} as {@code last_seq + 1 ...}, in (committed_at,
 *       write_order) order, in one UPDATE, and stores the new {@code last_seq}; then commits.</li>
 * </ol>
 * A row that commits late (its committed_at is earlier than rows already numbered) simply gets the next seq in a
 * later step: seq order is publish order, not clock order. Because numbering and {@code last_seq} change in one
 * transaction under the row lock, every row gets exactly one seq, seqs never repeat or skip, and a reader of the
 * feed sees seq N only once N-1 is visible too. {@code last_seq} lives in its own row so that purging old events
 * never resets the sequence.
 *
 * <p>Per aggregate, seq order is also commit order: a write updates its row (the thread's counters, the message)
 * before it inserts its event, so two writers of the same row are serialised by that row lock, and the second
 * one's event row is inserted (and stamped) only after the first one committed.
 *
 * <h2>Publishing (nothing lost, duplicates possible)</h2>
 * Only after that commit are the numbered rows published to Redis, in seq order, and then marked
 * {@code published_at}. If Redis fails, publishing stops at the first failure; the rows keep their seq, are already
 * readable in the event feed (gateways fill gaps from it), and are published again, still in seq order, on the
 * next step. After a crash between the seq commit and the mark, the next leader republishes the rows with a seq
 * and no {@code published_at}: consumers deduplicate by {@code event_id}/{@code seq}. Redis delivery is therefore
 * at-least-once and ordered per publisher; the feed is exactly-once by seq.
 *
 * <h2>Shutdown</h2>
 * {@link #stop()} lets the running step finish its batch, then releases the lock and closes the connection.
 */
@ApplicationScoped
public class OutboxRelay {

    /** {@code pg_try_advisory_lock} key of the leader: "forumrly" as a long. Advisory locks are per database. */
    static final long LEADER_LOCK_KEY = 0x666f72756d726c79L;
    private static final long STANDBY_RETRY_MILLIS = 1000;
    private static final int LISTEN_WAIT_MILLIS = 500;

    private static final String ASSIGN_SEQ = """
            WITH picked AS (
                SELECT id, row_number() OVER (ORDER BY committed_at, write_order) AS n
                FROM outbox_event
                WHERE seq IS NULL AND published_at IS NULL
                ORDER BY committed_at, write_order
                LIMIT ?)
            UPDATE outbox_event e SET seq = ? + picked.n FROM picked WHERE e.id = picked.id""";

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final PubSubCommands<String> pubsub;
    private final Channels channels;
    private final int batchSize;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;
    private final Counter published;
    private final Counter publishFailures;
    private final AtomicReference<Double> oldestUnpublishedAge = new AtomicReference<>(0.0);

    private final ReentrantLock drainLock = new ReentrantLock();
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private volatile boolean running;
    private volatile boolean leader;
    private volatile boolean standingBy;
    private volatile boolean lastPublishOk = true;
    private Connection leaderConnection;
    private Thread loop;

    public OutboxRelay(AgroalDataSource dataSource, OutboxRows rows, RedisDataSource redis, ForumConfig config,
                       MeterRegistry registry,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                       @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.pubsub = redis.pubsub(String.class);
        this.channels = new Channels(config.redis().namespace(), config.redis().shardCount());
        this.batchSize = config.outbox().batchSize();
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        this.published = Counter.builder("forum.outbox.published")
                .description("Outbox events published to Redis").register(registry);
        this.publishFailures = Counter.builder("forum.outbox.publish.failures")
                .description("Failed Redis publishes of outbox events (retried)").register(registry);
        Gauge.builder("forum.outbox.oldest.unpublished.age", oldestUnpublishedAge, AtomicReference::get)
                .description("Age of the oldest outbox event not yet published to Redis")
                .baseUnit("seconds").register(registry);
        Gauge.builder("forum.outbox.relay.leader", this, relay -> relay.leader ? 1 : 0)
                .description("1 on the replica that holds the relay's leader lock, else 0").register(registry);
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
        loop = new Thread(this::listenLoop, "outbox-relay");
        loop.setDaemon(true);
        loop.start();
    }

    /** Stops relaying on this replica: the current batch completes, then the leader lock is released. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        standingBy = false;
        try {
            loop.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainLock.lock();
        try {
            releaseLeadership();
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
        if (running && leader) {
            requestDrain();
        }
        oldestUnpublishedAge.set(readOldestUnpublishedAge());
    }

    private void listenLoop() {
        while (running) {
            try {
                if (!leader) {
                    if (!tryBecomeLeader()) {
                        standingBy = true;
                        pause(STANDBY_RETRY_MILLIS);
                        continue;
                    }
                    requestDrain();
                }
                PGNotification[] notifications =
                        leaderConnection.unwrap(PGConnection.class).getNotifications(LISTEN_WAIT_MILLIS);
                if (notifications != null && notifications.length > 0) {
                    requestDrain();
                }
            } catch (SQLException | RuntimeException e) {
                Log.warnf("Outbox relay lost its connection, standing by: %s", e.getMessage());
                drainLock.lock();
                try {
                    releaseLeadership();
                } finally {
                    drainLock.unlock();
                }
                pause(STANDBY_RETRY_MILLIS);
            }
        }
    }

    private boolean tryBecomeLeader() throws SQLException {
        if (leaderConnection == null || leaderConnection.isClosed()) {
            leaderConnection = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword.orElse(""));
            leaderConnection.setAutoCommit(true);
        }
        try (PreparedStatement st = leaderConnection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            st.setLong(1, LEADER_LOCK_KEY);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (Statement st = leaderConnection.createStatement()) {
            st.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);
        }
        leader = true;
        standingBy = false;
        Log.infof("Outbox relay is the leader (namespace %s)", channels.namespace());
        return true;
    }

    private void releaseLeadership() {
        leader = false;
        if (leaderConnection != null) {
            try {
                leaderConnection.close();
            } catch (SQLException e) {
                Log.debugf("closing relay connection: %s", e.getMessage());
            }
            leaderConnection = null;
        }
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
        try {
            boolean more = true;
            while (more && running && leader) {
                int numbered = assignSeqs();
                int sent = publishNumbered();
                more = numbered == batchSize || sent == batchSize;
            }
        } catch (SQLException e) {
            Log.warnf("Outbox drain failed, will retry: %s", e.getMessage());
        }
    }

    /** Gives the next batch of committed, unnumbered rows their seq, in one transaction. */
    private int assignSeqs() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long last;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT last_seq FROM outbox_relay_state WHERE id = 1 FOR UPDATE")) {
                    rs.next();
                    last = rs.getLong(1);
                }
                int numbered;
                try (PreparedStatement st = c.prepareStatement(ASSIGN_SEQ)) {
                    st.setInt(1, batchSize);
                    st.setLong(2, last);
                    numbered = st.executeUpdate();
                }
                if (numbered > 0) {
                    try (PreparedStatement st = c.prepareStatement("UPDATE outbox_relay_state SET last_seq = ? WHERE id = 1")) {
                        st.setLong(1, last + numbered);
                        st.executeUpdate();
                    }
                }
                c.commit();
                return numbered;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Publishes numbered, unpublished rows in seq order; stops at the first Redis failure. */
    private int publishNumbered() throws SQLException {
        List<EventEnvelope> batch = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT " + OutboxRows.COLUMNS
                     + " FROM outbox_event WHERE published_at IS NULL AND seq IS NOT NULL ORDER BY seq LIMIT ?")) {
            st.setInt(1, batchSize);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    batch.add(rows.envelope(rs));
                }
            }
        }
        List<UUID> sent = new ArrayList<>(batch.size());
        for (EventEnvelope event : batch) {
            try {
                pubsub.publish(channels.eventsChannelFor(event.threadId()), rows.toJson(event));
                sent.add(event.eventId());
                if (!lastPublishOk) {
                    Log.infof("Redis publish works again from seq %d", event.seq());
                }
                lastPublishOk = true;
            } catch (RuntimeException e) {
                publishFailures.increment();
                if (lastPublishOk) {
                    Log.warnf("Redis publish of seq %d failed; retrying every sweep, the feed still serves it: %s",
                            event.seq(), e.getMessage());
                } else {
                    Log.debugf("Redis publish of seq %d failed again: %s", event.seq(), e.getMessage());
                }
                lastPublishOk = false;
                break;
            }
        }
        if (!sent.isEmpty()) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement st = c.prepareStatement(
                         "UPDATE outbox_event SET published_at = now() WHERE id = ANY(?)")) {
                Array ids = c.createArrayOf("uuid", sent.toArray());
                st.setArray(1, ids);
                st.executeUpdate();
            }
            published.increment(sent.size());
        }
        return sent.size();
    }

    private double readOldestUnpublishedAge() {
        try (Connection c = dataSource.getConnection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT min(committed_at) FROM outbox_event WHERE published_at IS NULL")) {
            rs.next();
            java.sql.Timestamp oldest = rs.getTimestamp(1);
            return oldest == null ? 0.0
                    : Math.max(0, (Instant.now().toEpochMilli() - oldest.toInstant().toEpochMilli()) / 1000.0);
        } catch (SQLException e) {
            Log.debugf("oldest unpublished age unavailable: %s", e.getMessage());
            return oldestUnpublishedAge.get();
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

package dev.forum.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.common.leader.LeaderLock;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes push_outbox rows on {@code <ns>:notify} in id order (= commit order, see
 * {@link PushOutbox}) and deletes each batch once Redis accepted it. Woken after every commit that
 * wrote pushes (in-process, {@link #wake()}), at startup (a restart publishes what was pending) and by
 * a sweep ({@link #sweep()}: every {@code notify.push.sweep-interval} after a drain that left rows, e.g.
 * Redis down; otherwise every {@code notify.push.idle-sweep-interval}, for rows of a replica that died). A drain
 * runs while holding the {@link LeaderLock} {@link #RELAY_LOCK_KEY}: one relay at a time across replicas, taken
 * for each drain and released after it, so that whichever replica committed pushes relays them at once when no
 * other is relaying. Each batch also locks its rows ({@code FOR UPDATE}): should the lock's session die
 * mid-drain and another replica take over, the second relay waits for the first one's batch instead of
 * overtaking it. On a failed publish it stops at that row and retries from it later, so a
 * user's pushes never overtake each other. A crash between publishing and the commit republishes the
 * batch (at least once; clients treat counts as absolute values).
 */
@ApplicationScoped
public class PushRelay {

    /** {@link LeaderLock} key of the relay: "notifyrl" as a long. */
    static final long RELAY_LOCK_KEY = 0x6e6f74696679726cL;

    private record Row(long id, EventEnvelope envelope) {
    }

    private final Sql sql;
    private final LeaderLock lock;
    private final NotificationPublisher publisher;
    private final ObjectMapper mapper;
    private final int batchSize;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicInteger relaying = new AtomicInteger();
    private volatile boolean stopping;
    private final long idleSweepNanos;
    /** The last drain stopped with rows left (or failed): the sweep retries at its next tick. */
    private volatile boolean unfinished = true;
    private volatile long lastDrainNanos = System.nanoTime();
    private final ExecutorService relayThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "notify-push-relay");
        t.setDaemon(true);
        return t;
    });

    public PushRelay(Sql sql, NotificationPublisher publisher, ObjectMapper mapper, NotifyConfig config,
            MeterRegistry registry,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.sql = sql;
        this.lock = LeaderLock.overJdbc("push relay", RELAY_LOCK_KEY, jdbcUrl, jdbcUser, jdbcPassword.orElse(null));
        this.publisher = publisher;
        this.mapper = mapper;
        this.batchSize = config.push().batchSize();
        this.idleSweepNanos = config.push().idleSweepInterval().toNanos();
        Gauge.builder("notify.push.outbox.oldest.age.seconds", this, PushRelay::oldestPendingAgeSeconds)
                .description("Age of the oldest unpublished push_outbox row (0 when none)").register(registry);
        Gauge.builder("notify.push.relay.leader", relaying, AtomicInteger::get)
                .description("1 if this replica held the push relay's lock at its latest attempt, else 0")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        wake();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        relayThread.shutdown();
        try {
            if (!relayThread.awaitTermination(10, TimeUnit.SECONDS)) {
                Log.warn("push relay did not finish its batch in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.close();
    }

    /** "Pushes were committed." Never blocks; at most one run is queued behind the running one. */
    public void wake() {
        if (stopping || !wakePending.compareAndSet(false, true)) {
            return;
        }
        try {
            relayThread.execute(this::drain);
        } catch (RejectedExecutionException e) {
            wakePending.set(false);
        }
    }

    /**
     * Retries a drain that left rows behind (another replica held the relay lock, Redis refused, an
     * error) at every tick; otherwise does nothing until {@code notify.push.idle-sweep-interval} passed
     * since the last drain (rows of a replica that died before relaying them).
     */
    @Scheduled(every = "${notify.push.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sweep() {
        if (unfinished || System.nanoTime() - lastDrainNanos >= idleSweepNanos) {
            wake();
        }
    }

    private void drain() {
        wakePending.set(false);
        lastDrainNanos = System.nanoTime();
        unfinished = true;
        try {
            boolean relay = lock.tryAcquire();
            relaying.set(relay ? 1 : 0);
            if (!relay) {
                return; // another replica is relaying; the next sweep tick retries (unfinished stays set)
            }
        } catch (SQLException e) {
            Log.warnf("push relay cannot take its lock (retrying on the next wake or sweep): %s", e.getMessage());
            return;
        }
        try {
            while (!stopping && QuarkusTransaction.requiringNew().call(this::publishBatch)) {
                Log.debug("push relay: next batch");
            }
        } catch (RuntimeException e) {
            unfinished = true;
            Log.warnf("push relay failed (retrying on the next wake or sweep): %s", e.getMessage());
        } finally {
            lock.release();
        }
    }

    /** One batch in one transaction; true when a full batch went out and more may be waiting. */
    private boolean publishBatch() {
        List<Row> rows = sql.list("""
                SELECT id, event_id, type, audience, aggregate_type, aggregate_id, user_id, thread_id, min_tier_cents,
                       payload::text, created_at
                FROM push_outbox ORDER BY id LIMIT ? FOR UPDATE""", this::row, batchSize);
        // Stops at the first push Redis did not accept: the rest is retried later, in order.
        int published = publisher.publishInOrder(rows.stream().map(Row::envelope).toList());
        if (published > 0) {
            sql.update("DELETE FROM push_outbox WHERE id = ANY(?)",
                    (Object) rows.subList(0, published).stream().mapToLong(Row::id).toArray());
        }
        boolean more = rows.size() == batchSize && published == rows.size();
        unfinished = published < rows.size();
        return more;
    }

    private Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        ObjectNode payload;
        try {
            payload = (ObjectNode) mapper.readTree(rs.getString("payload"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("push_outbox row " + rs.getLong("id") + " has an unreadable payload", e);
        }
        return new Row(rs.getLong("id"), new EventEnvelope(rs.getObject("event_id", UUID.class), null,
                EventType.fromWireName(rs.getString("type")), rs.getString("aggregate_type"),
                rs.getString("aggregate_id"), Audience.fromWireName(rs.getString("audience")),
                (Long) rs.getObject("thread_id"), (Long) rs.getObject("user_id"),
                (Integer) rs.getObject("min_tier_cents"), Sql.instant(rs, "created_at"), payload));
    }

    /** Age of the oldest unpublished push (0 when none): grows while Redis is unreachable. */
    double oldestPendingAgeSeconds() {
        try {
            return sql.one("SELECT extract(epoch FROM clock_timestamp() - created_at) FROM push_outbox "
                    + "ORDER BY id LIMIT 1", rs -> rs.getDouble(1)).orElse(0.0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Rows not yet published. */
    public long pending() {
        return sql.count("SELECT count(*) FROM push_outbox");
    }
}

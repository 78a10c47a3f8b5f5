package dev.forum.api.outbox.service;

import dev.forum.common.tx.AfterCommit;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes the owners of the shards a transaction wrote outbox rows to, once it has committed, without a {@code NOTIFY}
 * inside that transaction: PostgreSQL serialises the commits of notifying transactions on one lock held through each
 * one's WAL flush, so a NOTIFY in every post made every post's commit wait for the previous one's (docs/benchmarks.md,
 * "Thread counters folded by the relay"). After the commit, for each shard written:
 * <ul>
 *   <li>when this replica's relay owns the shard's partition, it is woken in process
 *       ({@link OutboxRelay#wakeOwned}, which hands the drain to the relay's own thread: one step for all the
 *       transaction's shards);</li>
 *   <li>otherwise the shard joins the next {@code NOTIFY} {@link OutboxWriter#NOTIFY_CHANNEL} (payload: the shard),
 *       sent in a transaction of its own, on a single thread, coalesced: commits while one is queued or being sent
 *       share the next one, so a burst of posts costs a few notifications, not one lock round per post.</li>
 * </ul>
 * A wake-up lost to a crash between the commit and the NOTIFY is covered by the relay's safety drain, as a missed
 * notification always was.
 */
@ApplicationScoped
public class OutboxWakeup {

    /** The transaction's resource: the shards it wrote to (one wake-up after its commit, however many events). */
    private static final Object SHARDS_WRITTEN = new Object();
    private static final String NOTIFY = "SELECT pg_notify('" + OutboxWriter.NOTIFY_CHANNEL + "', s::text)"
            + " FROM unnest(?::int[]) AS s";

    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;
    private final AgroalDataSource dataSource;
    /** Shards owned by other replicas, waiting for the next NOTIFY. */
    private final Set<Integer> toNotify = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean notifyQueued = new AtomicBoolean();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-notify");
        t.setDaemon(true);
        return t;
    });

    public OutboxWakeup(TransactionSynchronizationRegistry transactions, OutboxRelay relay,
                        AgroalDataSource dataSource) {
        this.transactions = transactions;
        this.relay = relay;
        this.dataSource = dataSource;
    }

    /** In a transaction that wrote an outbox row of {@code shard}: wakes its owner after the commit (not on rollback). */
    @SuppressWarnings("unchecked")
    void afterCommit(int shard) {
        Set<Integer> shards = (Set<Integer>) transactions.getResource(SHARDS_WRITTEN);
        if (shards == null) {
            Set<Integer> written = new HashSet<>();
            transactions.putResource(SHARDS_WRITTEN, written);
            AfterCommit.run(transactions, () -> wake(written));
            shards = written;
        }
        shards.add(shard);
    }

    private void wake(Set<Integer> shards) {
        toNotify.addAll(relay.wakeOwned(shards));
        if (!toNotify.isEmpty() && notifyQueued.compareAndSet(false, true)) {
            notifier.execute(this::sendNotify);
        }
    }

    private void sendNotify() {
        // Cleared before taking the shards: a commit during the send queues the next notification rather than being
        // missed.
        notifyQueued.set(false);
        Set<Integer> shards = new TreeSet<>();
        for (Integer shard : toNotify) {
            if (toNotify.remove(shard)) {
                shards.add(shard);
            }
        }
        if (shards.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(NOTIFY)) {
            st.setArray(1, c.createArrayOf("integer", shards.toArray()));
            st.executeQuery().close();
        } catch (SQLException e) {
            Log.warnf("Could not notify the outbox relay of shards %s (its safety drain will): %s", shards,
                    e.getMessage());
        }
    }
}

package dev.forum.api.outbox.service;

import dev.forum.common.tx.AfterCommit;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes the relay leader once a transaction that wrote outbox rows has committed, without a {@code NOTIFY} inside that
 * transaction: PostgreSQL serialises the commits of notifying transactions on one lock held through each one's WAL
 * flush, so a NOTIFY in every post made every post's commit wait for the previous one's (docs/benchmarks.md, "Thread
 * counters folded by the relay"). After the commit:
 * <ul>
 *   <li>when this replica's relay leads, it is woken in process ({@link OutboxRelay#wakeIfLeader()});</li>
 *   <li>otherwise one {@code NOTIFY} {@link OutboxWriter#NOTIFY_CHANNEL} is sent in a transaction of its own, on a
 *       single thread, coalesced: commits while one is queued or being sent share the next one, so a burst of posts
 *       costs a few notifications, not one lock round per post.</li>
 * </ul>
 * A wake-up lost to a crash between the commit and the NOTIFY is covered by the relay's safety drain, as a missed
 * notification always was.
 */
@ApplicationScoped
public class OutboxWakeup {

    /** Marks a transaction whose commit already wakes the relay (one wake-up however many events it wrote). */
    private static final Object REGISTERED = new Object();

    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;
    private final AgroalDataSource dataSource;
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

    /** In a transaction that wrote an outbox row: wakes the relay after it commits (never after a rollback). */
    void afterCommit() {
        if (transactions.getResource(REGISTERED) == null) {
            transactions.putResource(REGISTERED, Boolean.TRUE);
            AfterCommit.run(transactions, this::wake);
        }
    }

    private void wake() {
        if (!relay.wakeIfLeader() && notifyQueued.compareAndSet(false, true)) {
            notifier.execute(this::sendNotify);
        }
    }

    private void sendNotify() {
        // Cleared before sending: a commit during the send queues the next notification rather than being missed.
        notifyQueued.set(false);
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_notify('" + OutboxWriter.NOTIFY_CHANNEL + "', '')");
        } catch (SQLException e) {
            Log.warnf("Could not notify the outbox relay (its sweep will drain): %s", e.getMessage());
        }
    }
}

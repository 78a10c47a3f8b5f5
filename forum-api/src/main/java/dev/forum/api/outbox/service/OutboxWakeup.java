package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
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
 * Numbers a transaction's outbox rows before its commit when that is free, and wakes the owners of the shards it wrote
 * to once it has committed, without a {@code NOTIFY} inside that transaction: PostgreSQL serialises the commits of
 * notifying transactions on one lock held through each one's WAL flush, so a NOTIFY in every post made every post's
 * commit wait for the previous one's (docs/benchmarks.md, "Thread counters folded by the relay").
 * <ul>
 *   <li>Just before the commit (a synchronization's {@code beforeCompletion}; interposed, so after Hibernate's final
 *       flush), with {@code forum.outbox.number-in-transaction}: the shards this replica relays are numbered in the
 *       transaction itself, those whose state rows are free ({@link OutboxRelay#numberBeforeCommit}): then the
 *       post costs one durable commit before Redis, not two (its own and a relay step's). Only while this replica
 *       commits at most {@code forum.outbox.number-in-transaction-max-rate} writers per second ({@link CommitRate}):
 *       above that a relay step numbers many commits' rows at once, which costs PostgreSQL less per post than a
 *       numbering statement in each commit, and the second commit's latency matters less than the throughput.</li>
 *   <li>After the commit, the rows it numbered are handed to the relay's drain thread, which publishes them
 *       ({@link OutboxRelay#handOver}); for each other shard written, when this replica's relay owns the shard's
 *       partition, the relay is woken in process ({@link OutboxRelay#wakeOwned}, which hands the drain to the
 *       relay's own thread: one step for all the transaction's shards);</li>
 *   <li>otherwise the shard joins the next {@code NOTIFY} {@link OutboxWriter#NOTIFY_CHANNEL} (payload: the shard),
 *       sent in a transaction of its own, on a single thread, coalesced: commits while one is queued or being sent
 *       share the next one, so a burst of posts costs a few notifications, not one lock round per post.</li>
 * </ul>
 * A rollback hands over and wakes nothing. A wake-up lost to a crash between the commit and the NOTIFY or the
 * publish is covered by the relay's safety drain, as a missed notification always was.
 */
@ApplicationScoped
public class OutboxWakeup {

    /** The transaction's resource: its {@link Writes} (one numbering and one wake-up, however many events). */
    private static final Object WRITES = new Object();
    private static final String NOTIFY = "SELECT pg_notify('" + OutboxWriter.NOTIFY_CHANNEL + "', s::text)"
            + " FROM unnest(?::int[]) AS s";

    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;
    private final AgroalDataSource dataSource;
    private final boolean numberInTransaction;
    private final int numberInTransactionMaxRate;
    private final CommitRate commitRate = new CommitRate();
    /** Shards owned by other replicas, waiting for the next NOTIFY. */
    private final Set<Integer> toNotify = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean notifyQueued = new AtomicBoolean();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-notify");
        t.setDaemon(true);
        return t;
    });

    public OutboxWakeup(TransactionSynchronizationRegistry transactions, OutboxRelay relay,
                        AgroalDataSource dataSource, ForumConfig config) {
        this.transactions = transactions;
        this.relay = relay;
        this.dataSource = dataSource;
        this.numberInTransaction = config.outbox().numberInTransaction();
        this.numberInTransactionMaxRate = config.outbox().numberInTransactionMaxRate();
    }

    /**
     * In a transaction that wrote an outbox row of {@code shard}: numbers it before the commit if that is free, and
     * has it published or its owner woken after the commit (not on rollback).
     */
    void written(int shard) {
        Writes writes = (Writes) transactions.getResource(WRITES);
        if (writes == null) {
            writes = new Writes();
            transactions.putResource(WRITES, writes);
            transactions.registerInterposedSynchronization(writes);
        }
        writes.add(shard);
    }

    /** One transaction's outbox writes: the shards written, and what its numbering numbered. */
    private final class Writes implements Synchronization {

        private final Set<Integer> shards = new TreeSet<>();
        /** Shards written after the numbering ran (no writer does): woken, never taken as numbered. */
        private final Set<Integer> late = new HashSet<>();
        private OutboxNumbering.Step numbered = OutboxNumbering.NOTHING;
        private boolean numberingRan;

        void add(int shard) {
            shards.add(shard);
            if (numberingRan) {
                late.add(shard);
            }
        }

        @Override
        public void beforeCompletion() {
            numberingRan = true;
            // Under load the relay's steps batch many commits' rows, cheaper per post than a numbering in each.
            // The rate is counted only where it decides something: with the switch off no commit takes its lock.
            if (numberInTransaction && commitRate.record(System.currentTimeMillis()) <= numberInTransactionMaxRate) {
                try {
                    numbered = relay.numberBeforeCommit(shards);
                } catch (RuntimeException e) { // never the writer's failure: its rows are numbered by the relay
                    Log.warnf("Numbering in the writer's transaction failed, left to the relay: %s", e.getMessage());
                }
            }
        }

        @Override
        public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED) {
                return;
            }
            Set<Integer> toWake = new TreeSet<>(shards);
            Set<Integer> taken = relay.handOver(numbered.toPublish());
            if (!numbered.more()) { // a full batch may have left rows of these shards: then they are woken too
                toWake.removeAll(taken);
            }
            toWake.addAll(late);
            wake(toWake);
        }
    }

    private void wake(Set<Integer> shards) {
        if (shards.isEmpty()) {
            return;
        }
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

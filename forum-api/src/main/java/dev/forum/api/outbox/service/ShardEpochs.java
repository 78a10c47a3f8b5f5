package dev.forum.api.outbox.service;

import dev.forum.api.config.ForumConfig;
import dev.forum.contract.Audience;
import dev.forum.contract.EventShards;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Shard epochs, and the rows that reach the relay without a shard.
 *
 * <h2>Epochs</h2>
 * A stream is (epoch, shard). The current epoch is the greatest row of {@code outbox_shard_epoch}, with the shard
 * count it was opened with. {@link #open()} (every replica, at start) opens epoch 1 on the first run of the sharded
 * relay, and a new epoch when this replica's {@code forum.events.shard-count} differs from the current epoch's: a
 * change of N moves threads between shards, so positions of the old epoch cannot be compared with the new one.
 * Opening an epoch closes the old one (nothing is numbered in it any more, see {@code close}), creates the new
 * one's state rows (one per shard, -1..N-1) and gives every row not yet numbered the shard of the new count. The
 * old epoch's numbered rows stay readable in the feed ({@link EventFeedService}) until the purge deletes them, so
 * a consumer that was behind reads it to its end before the new one: nothing is skipped, and nothing is in both.
 * The table lock serialises replicas starting together; while an epoch opens it also holds back writers, which take
 * the current epoch's count in their INSERT ({@link OutboxWriter}), so no row is written with the old count after
 * the re-sharding. A change of N may therefore roll through the replicas: one still configured with the old N writes
 * into the new epoch's shards like the others; its relay finds its epoch gone and numbers nothing (see
 * {@link OutboxNumbering}), so the shards of the partitions it holds wait for it to be replaced (a delay, not a loss).
 *
 * <h2>Adopting rows without a shard</h2>
 * Rows written before V10, or by a replica of the previous version during a rolling upgrade, have no shard (the
 * migration stopped the global numbering). {@link #adoptUnsharded(int)} gives them their shard by the same rule as
 * {@link OutboxWriter} and stamps them with the adopting transaction's id, as if written now: the shard's watermark
 * then cannot have passed them, and the NOTIFY of each shard wakes its owner on commit.
 */
@ApplicationScoped
public class ShardEpochs {

    /** An epoch and its shard count. */
    public record Epoch(int epoch, int shardCount) {
    }

    private static final String CURRENT =
            "SELECT epoch, shard_count FROM outbox_shard_epoch ORDER BY epoch DESC LIMIT 1";
    private static final String UNSHARDED = "SELECT id, audience, thread_id FROM outbox_event"
            + " WHERE seq IS NULL AND shard IS NULL ORDER BY write_order LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String ADOPT = """
            UPDATE outbox_event e SET shard = a.shard, xid = pg_current_xact_id()
            FROM unnest(?::uuid[], ?::int[]) AS a(id, shard) WHERE e.id = a.id""";

    private final AgroalDataSource dataSource;
    private final int shardCount;

    @Inject
    public ShardEpochs(AgroalDataSource dataSource, ForumConfig config) {
        this(dataSource, config.events().shardCount());
    }

    /** As a replica configured with {@code shardCount} shards sees the epochs (tests: another replica's N). */
    ShardEpochs(AgroalDataSource dataSource, int shardCount) {
        this.dataSource = dataSource;
        this.shardCount = shardCount;
    }

    /** The current epoch, opening one if there is none or if its shard count is not this replica's. */
    public Epoch open() throws SQLException {
        return Transactions.inTransaction(dataSource, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("LOCK TABLE outbox_shard_epoch IN SHARE ROW EXCLUSIVE MODE");
            }
            Optional<Epoch> current = current(c);
            if (current.isPresent() && current.get().shardCount() == shardCount) {
                analyzeStates(c);
                return current.get();
            }
            if (current.isPresent()) {
                // Writers read the current count in their INSERT (OutboxWriter) and hold this table's ACCESS SHARE
                // lock to their commit: wait for those in flight, and have new ones wait until the new epoch is
                // there, so that every row written with the old count is unnumbered and re-sharded below.
                try (Statement st = c.createStatement()) {
                    st.execute("LOCK TABLE outbox_shard_epoch IN ACCESS EXCLUSIVE MODE");
                }
                close(c, current.get());
            }
            Epoch opened = new Epoch(current.map(e -> e.epoch() + 1).orElse(1), shardCount);
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO outbox_shard_epoch (epoch, shard_count) VALUES (?, ?)")) {
                st.setInt(1, opened.epoch());
                st.setInt(2, opened.shardCount());
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO outbox_shard_state (shard_epoch, shard)"
                    + " SELECT ?, s FROM generate_series(?, ?) AS s")) {
                st.setInt(1, opened.epoch());
                st.setInt(2, EventShards.FORUM);
                st.setInt(3, opened.shardCount() - 1);
                st.executeUpdate();
            }
            if (current.isPresent()) {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE outbox_event SET shard = NULL WHERE seq IS NULL");
                }
            }
            while (adopt(c, 1000) == 1000) {
                Log.debug("adopting more rows into the new epoch");
            }
            analyzeStates(c);
            Log.infof("Opening shard epoch %d with %d shards", opened.epoch(), opened.shardCount());
            return opened;
        });
    }

    /**
     * Ends the numbering in {@code old} before its unnumbered rows move to the new epoch. First its state rows are
     * locked in shard order, as a numbering step locks them ({@link OutboxNumbering}, no deadlock): a step of the
     * old epoch still running on another replica finishes first, so none is caught half-way (a row it numbers after
     * the re-sharding below would get a seq of its old shard's sequence while carrying its new shard). Then each
     * shard's watermark moves past every transaction id, as V10 did for the legacy stream: a step that was waiting
     * for these locks (its epoch check already passed) numbers nothing, so the old epoch's heads never move again
     * and the feed can serve it to its end. Its published_seq moves to its head: nothing publishes the old epoch any
     * more (its numbered rows are read from the feed; a gateway that sees the new epoch resyncs its subscriptions),
     * and the purge may then delete its rows after the retention like any others.
     */
    private static void close(Connection c, Epoch old) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT shard FROM outbox_shard_state WHERE shard_epoch = ? ORDER BY shard FOR UPDATE")) {
            st.setInt(1, old.epoch());
            st.executeQuery().close();
        }
        try (PreparedStatement st = c.prepareStatement("UPDATE outbox_shard_state SET published_seq = last_seq,"
                + " numbered_xmin = '18446744073709551615' WHERE shard_epoch = ?")) {
            st.setInt(1, old.epoch());
            st.executeUpdate();
        }
    }

    /** Epoch {@code epoch} if it was opened (older epochs stay until their rows are purged). */
    public Optional<Epoch> find(Connection c, int epoch) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT epoch, shard_count FROM outbox_shard_epoch WHERE epoch = ?")) {
            st.setInt(1, epoch);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new Epoch(rs.getInt(1), rs.getInt(2))) : Optional.empty();
            }
        }
    }

    /**
     * Statistics for {@code outbox_shard_state}, whose rows change only when an epoch opens: without them (a new
     * table, autovacuum off or not yet run) the planner takes the table for a few rows and reads every state row of
     * the epoch to find a relay step's few shards ({@code shard = ANY(?)} as a filter instead of an index condition):
     * 1,025 rows per numbering step with 1,024 shards (docs/benchmarks.md, "One numbering step for all woken
     * shards"). Cheap: one small table, at each start and epoch change.
     */
    private static void analyzeStates(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ANALYZE outbox_shard_state");
        }
    }

    /** The current epoch as {@code c} sees it (empty before the first {@link #open()}). */
    public Optional<Epoch> current(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(CURRENT); ResultSet rs = st.executeQuery()) {
            return rs.next() ? Optional.of(new Epoch(rs.getInt(1), rs.getInt(2))) : Optional.empty();
        }
    }

    /** Gives up to {@code limit} unnumbered rows without a shard their shard, in one transaction; returns how many. */
    public int adoptUnsharded(int limit) throws SQLException {
        int adopted = Transactions.inTransaction(dataSource, c -> adopt(c, limit));
        if (adopted > 0) {
            Log.infof("Adopted %d outbox rows written without a shard", adopted);
        }
        return adopted;
    }

    private int adopt(Connection c, int limit) throws SQLException {
        int count = current(c).map(Epoch::shardCount).orElse(shardCount); // the writers' rule (OutboxWriter)
        List<UUID> ids = new ArrayList<>();
        List<Integer> shards = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(UNSHARDED)) {
            st.setInt(1, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                    shards.add(EventShards.shardOf(Audience.fromWireName(rs.getString(2)),
                            (Long) rs.getObject(3), count));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement st = c.prepareStatement(ADOPT)) {
            st.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            st.setArray(2, c.createArrayOf("integer", shards.toArray()));
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement(
                "SELECT pg_notify('" + OutboxWriter.NOTIFY_CHANNEL + "', s::text) FROM unnest(?::int[]) AS s")) {
            st.setArray(1, c.createArrayOf("integer", new TreeSet<>(shards).toArray()));
            st.executeQuery().close();
        }
        return ids.size();
    }
}

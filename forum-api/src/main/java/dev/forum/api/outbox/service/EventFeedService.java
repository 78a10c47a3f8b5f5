package dev.forum.api.outbox.service;

import dev.forum.api.outbox.mapping.CurrentTextMapper;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventShards;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The event feed: published outbox rows of one stream by seq: a shard's stream in the current epoch, or the legacy
 * global stream (rows numbered before sharding). A page's head and oldest kept seq are read in the same snapshot as
 * the page (one REPEATABLE READ transaction), so a page never contradicts its own head; the multi-shard form reads
 * every page in one snapshot. Messages' text is the current one, also read in that snapshot
 * ({@link CurrentTextMapper}): deleted or replaced text is never served.
 */
@ApplicationScoped
public class EventFeedService {

    public static final int DEFAULT_LIMIT = 500;
    public static final int MAX_LIMIT = 1000;

    /** A feed request that names no valid stream (a shard outside the current epoch's). */
    public static final class UnknownShardException extends IllegalArgumentException {
        UnknownShardException(int shard, int shardCount) {
            super("shard must be " + EventShards.FORUM + ".." + (shardCount - 1) + ", was " + shard);
        }
    }

    private static final String SHARD_STATE = "SELECT last_seq, purged_seq FROM outbox_shard_state"
            + " WHERE shard_epoch = ? AND shard = ?";
    private static final String SHARD_STATES = "SELECT shard, last_seq, purged_seq FROM outbox_shard_state"
            + " WHERE shard_epoch = ? AND shard = ANY(?)";
    /** Each position's next events (a shard's published rows are exactly its seqs up to last_seq). */
    private static final String EVENTS_AT_POSITIONS = """
            SELECT e.* FROM unnest(?::int[], ?::bigint[]) AS p(shard, after_seq)
            CROSS JOIN LATERAL (
                SELECT %s FROM outbox_event
                WHERE shard_epoch = ? AND shard = p.shard AND seq > p.after_seq ORDER BY seq LIMIT ?) e
            ORDER BY e.shard, e.seq""".formatted(OutboxRows.COLUMNS);
    private static final String SHARD_EVENTS = "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event"
            + " WHERE shard_epoch = ? AND shard = ? AND seq > ? AND seq <= ? %s ORDER BY seq LIMIT ?";

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final CurrentTextMapper currentText;
    private final ShardEpochs epochs;

    public EventFeedService(AgroalDataSource dataSource, OutboxRows rows, CurrentTextMapper currentText,
                            ShardEpochs epochs) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.currentText = currentText;
        this.epochs = epochs;
    }

    /** A page of the legacy global stream: events numbered before sharding, with {@code seq > afterSeq}. */
    public EventPage findLegacyEventsAfter(long afterSeq, int limit, Long threadId) {
        String sql = "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event WHERE seq > ? AND shard_epoch IS NULL"
                + (threadId == null ? "" : " AND thread_id = ?") + " ORDER BY seq LIMIT ?";
        return inSnapshot(c -> {
            long head;
            long oldest;
            // Every seq up to purged_seq was purged, every seq after it up to last_seq is kept.
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT last_seq, purged_seq FROM outbox_relay_state WHERE id = 1");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
                oldest = rs.getLong(2) + 1;
            }
            List<EventEnvelope> events = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(sql)) {
                int i = 1;
                st.setLong(i++, afterSeq);
                if (threadId != null) {
                    st.setLong(i++, threadId);
                }
                st.setInt(i, limit);
                readInto(st, events);
            }
            return new EventPage(currentText.withCurrentText(c, events), head, oldest, afterSeq < oldest - 1);
        });
    }

    /**
     * A page of shard {@code shard}'s stream in the current epoch, events with {@code seq > afterSeq}; a
     * {@code shardEpoch} other than the current one gets {@code resync_required} and no events.
     */
    public EventPage findShardEventsAfter(int shard, long afterSeq, int limit, Long threadId, Integer shardEpoch) {
        return inSnapshot(c -> {
            ShardEpochs.Epoch current = currentEpoch(c);
            checkShard(shard, current);
            return shardPage(c, current, shard, afterSeq, limit, threadId, shardEpoch);
        });
    }

    /**
     * One page per requested shard (ascending), all in one snapshot; see {@link #findShardEventsAfter}. Two queries
     * whatever the number of shards: their states, then their events (up to {@code limit} each, one index range per
     * shard).
     */
    public EventPositionPages findEventsAtPositions(Integer shardEpoch, Map<Integer, Long> positions, int limit) {
        return inSnapshot(c -> {
            ShardEpochs.Epoch current = currentEpoch(c);
            Map<Integer, Long> sorted = new TreeMap<>(positions);
            sorted.keySet().forEach(shard -> checkShard(shard, current));
            Integer[] shards = sorted.keySet().toArray(Integer[]::new);
            Map<Integer, long[]> states = new HashMap<>();
            try (PreparedStatement st = c.prepareStatement(SHARD_STATES)) {
                st.setInt(1, current.epoch());
                st.setArray(2, c.createArrayOf("integer", shards));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3) + 1});
                    }
                }
            }
            boolean otherEpoch = shardEpoch != null && shardEpoch != current.epoch();
            List<EventEnvelope> events = new ArrayList<>();
            if (!otherEpoch) {
                try (PreparedStatement st = c.prepareStatement(EVENTS_AT_POSITIONS)) {
                    st.setArray(1, c.createArrayOf("integer", shards));
                    st.setArray(2, c.createArrayOf("bigint", sorted.values().toArray()));
                    st.setInt(3, current.epoch());
                    st.setInt(4, limit);
                    readInto(st, events);
                }
            }
            Map<Integer, List<EventEnvelope>> byShard = new HashMap<>();
            for (EventEnvelope event : currentText.withCurrentText(c, events)) {
                byShard.computeIfAbsent(event.shard(), s -> new ArrayList<>()).add(event);
            }
            List<EventPage> pages = new ArrayList<>(sorted.size());
            sorted.forEach((shard, afterSeq) -> {
                long[] state = states.get(shard);
                pages.add(new EventPage(byShard.getOrDefault(shard, List.of()), state[0], state[1],
                        otherEpoch || afterSeq < state[1] - 1, shard, current.epoch(), current.shardCount()));
            });
            return new EventPositionPages(current.epoch(), current.shardCount(), pages);
        });
    }

    /** A published event by id, with its stream's position; unnumbered (no seq yet) and purged events are unknown. */
    public Optional<EventEnvelope> findEventById(UUID eventId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event WHERE id = ? AND seq IS NOT NULL")) {
            st.setObject(1, eventId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(currentText.withCurrentText(c, List.of(rows.envelope(rs))).get(0));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event lookup failed", e);
        }
    }

    private EventPage shardPage(Connection c, ShardEpochs.Epoch current, int shard, long afterSeq, int limit,
                                Long threadId, Integer shardEpoch) throws SQLException {
        long head;
        long oldest;
        try (PreparedStatement st = c.prepareStatement(SHARD_STATE)) {
            st.setInt(1, current.epoch());
            st.setInt(2, shard);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
                oldest = rs.getLong(2) + 1;
            }
        }
        if (shardEpoch != null && shardEpoch != current.epoch()) {
            return new EventPage(List.of(), head, oldest, true, shard, current.epoch(), current.shardCount());
        }
        List<EventEnvelope> events = new ArrayList<>();
        if (afterSeq < head) {
            try (PreparedStatement st = c.prepareStatement(
                    SHARD_EVENTS.formatted(threadId == null ? "" : "AND thread_id = ?"))) {
                int i = 1;
                st.setInt(i++, current.epoch());
                st.setInt(i++, shard);
                st.setLong(i++, afterSeq);
                st.setLong(i++, head);
                if (threadId != null) {
                    st.setLong(i++, threadId);
                }
                st.setInt(i, limit);
                readInto(st, events);
            }
        }
        return new EventPage(currentText.withCurrentText(c, events), head, oldest, afterSeq < oldest - 1, shard,
                current.epoch(), current.shardCount());
    }

    private ShardEpochs.Epoch currentEpoch(Connection c) throws SQLException {
        return epochs.current(c).orElseThrow(() -> new IllegalStateException("no shard epoch opened yet"));
    }

    private static void checkShard(int shard, ShardEpochs.Epoch current) {
        if (!EventShards.isValid(shard, current.shardCount())) {
            throw new UnknownShardException(shard, current.shardCount());
        }
    }

    private void readInto(PreparedStatement st, List<EventEnvelope> into) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                into.add(rows.envelope(rs));
            }
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T inSnapshot(Read<T> read) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                T result = read.apply(c);
                c.commit();
                return result;
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setAutoCommit(true);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event feed query failed", e);
        }
    }
}

package dev.forum.api.outbox.service;

import dev.forum.api.outbox.mapping.CurrentTextMapper;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventHeads;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The event feed: published outbox rows of one stream by seq: a shard's stream in the current epoch or in an older
 * one whose rows are kept (a consumer finishing it after a change of the shard count, see {@link Served}), or the
 * legacy global stream (rows numbered before sharding). A page's head and oldest kept seq are read in the same snapshot as
 * the page (one REPEATABLE READ transaction), so a page never contradicts its own head; the multi-shard form reads
 * every page in one snapshot. Messages' text is the current one, also read in that snapshot
 * ({@link CurrentTextMapper}): deleted or replaced text is never served.
 */
@ApplicationScoped
public class EventFeedService {

    public static final int DEFAULT_LIMIT = 500;
    public static final int MAX_LIMIT = 1000;

    /** A feed request that names no valid stream (a shard outside both the asked epoch's and the current one's). */
    public static final class UnknownShardException extends IllegalArgumentException {
        UnknownShardException(int shard, int shardCount) {
            super("shard must be " + EventShards.FORUM + ".." + (shardCount - 1) + ", was " + shard);
        }
    }

    /** head, oldest kept seq of a stream that has no state row: a shard the epoch did not have, empty. */
    private static final long[] NO_STREAM = {0, 1};
    private static final String SHARD_STATE = "SELECT last_seq, purged_seq FROM outbox_shard_state"
            + " WHERE shard_epoch = ? AND shard = ?";
    private static final String SHARD_STATES = "SELECT shard, last_seq, purged_seq FROM outbox_shard_state"
            + " WHERE shard_epoch = ? AND shard = ANY(?)";
    private static final String HEAD_SUM = "SELECT coalesce(sum(last_seq), 0) FROM outbox_shard_state"
            + " WHERE shard_epoch = ?";
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
     * A page of shard {@code shard}'s stream, events with {@code seq > afterSeq}: in {@code shardEpoch} (an older
     * epoch is served while its rows are kept, see {@link Served}), or in the current one when absent.
     */
    public EventPage findShardEventsAfter(int shard, long afterSeq, int limit, Long threadId, Integer shardEpoch) {
        return inSnapshot(c -> {
            Served served = served(c, shardEpoch, List.of(shard));
            return shardPage(c, served, shard, afterSeq, limit, threadId);
        });
    }

    /**
     * One page per requested shard (ascending), all in one snapshot; see {@link #findShardEventsAfter}. Two queries
     * whatever the number of shards: their states, then their events (up to {@code limit} each, one index range per
     * shard). The answer names the current epoch and count, also when the pages are of an older one.
     */
    public EventPositionPages findEventsAtPositions(Integer shardEpoch, Map<Integer, Long> positions, int limit) {
        return inSnapshot(c -> {
            Map<Integer, Long> sorted = new TreeMap<>(positions);
            Served served = served(c, shardEpoch, sorted.keySet());
            Integer[] shards = sorted.keySet().toArray(Integer[]::new);
            Map<Integer, long[]> states = new HashMap<>();
            try (PreparedStatement st = c.prepareStatement(SHARD_STATES)) {
                st.setInt(1, served.pages().epoch());
                st.setArray(2, c.createArrayOf("integer", shards));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3) + 1});
                    }
                }
            }
            List<EventEnvelope> events = new ArrayList<>();
            if (served.known()) {
                try (PreparedStatement st = c.prepareStatement(EVENTS_AT_POSITIONS)) {
                    st.setArray(1, c.createArrayOf("integer", shards));
                    st.setArray(2, c.createArrayOf("bigint", sorted.values().toArray()));
                    st.setInt(3, served.pages().epoch());
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
                long[] state = states.getOrDefault(shard, NO_STREAM);
                pages.add(served.page(byShard.getOrDefault(shard, List.of()), state[0], state[1],
                        !served.known() || afterSeq < state[1] - 1, shard));
            });
            return new EventPositionPages(served.current().epoch(), served.current().shardCount(), pages);
        });
    }

    /**
     * The current epoch and its shards' heads summed ({@link EventHeads}): a consumer checks with it that it missed
     * nothing, at a cost that does not grow with the number of shards on its side.
     */
    public EventHeads heads() {
        return inSnapshot(c -> {
            ShardEpochs.Epoch current = currentEpoch(c);
            try (PreparedStatement st = c.prepareStatement(HEAD_SUM)) {
                st.setInt(1, current.epoch());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return new EventHeads(current.epoch(), current.shardCount(), rs.getLong(1));
                }
            }
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

    private EventPage shardPage(Connection c, Served served, int shard, long afterSeq, int limit, Long threadId)
            throws SQLException {
        long head = NO_STREAM[0];
        long oldest = NO_STREAM[1];
        try (PreparedStatement st = c.prepareStatement(SHARD_STATE)) {
            st.setInt(1, served.pages().epoch());
            st.setInt(2, shard);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    head = rs.getLong(1);
                    oldest = rs.getLong(2) + 1;
                }
            }
        }
        if (!served.known()) {
            return served.page(List.of(), head, oldest, true, shard);
        }
        List<EventEnvelope> events = new ArrayList<>();
        if (afterSeq < head) {
            try (PreparedStatement st = c.prepareStatement(
                    SHARD_EVENTS.formatted(threadId == null ? "" : "AND thread_id = ?"))) {
                int i = 1;
                st.setInt(i++, served.pages().epoch());
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
        return served.page(currentText.withCurrentText(c, events), head, oldest, afterSeq < oldest - 1, shard);
    }

    /**
     * The epoch whose pages a request gets, and the current one. An epoch still in {@code outbox_shard_epoch} is
     * served with its own shard count and state rows: once a newer epoch is open, nothing numbers in the old one
     * any more ({@link ShardEpochs#open()} closes it), so its heads do not move and a consumer can read it to its
     * end; its oldest kept seq says where the purge got to, as in the current epoch. A shard of the current count
     * that the older epoch did not have is an empty stream there (head 0): a consumer configured with the new
     * count may ask for it. An epoch that was never opened gets {@code resync_required} pages with the current
     * epoch's heads, as before.
     */
    private record Served(ShardEpochs.Epoch pages, ShardEpochs.Epoch current, boolean known) {

        EventPage page(List<EventEnvelope> events, long head, long oldest, boolean resync, int shard) {
            boolean older = pages.epoch() != current.epoch();
            return new EventPage(events, head, oldest, resync, shard, pages.epoch(), pages.shardCount(),
                    older ? current.epoch() : null, older ? current.shardCount() : null);
        }
    }

    /** The epoch asked for ({@code null}: the current one), checking that every shard is valid there or now. */
    private Served served(Connection c, Integer shardEpoch, Collection<Integer> shards) throws SQLException {
        ShardEpochs.Epoch current = currentEpoch(c);
        Optional<ShardEpochs.Epoch> asked = shardEpoch == null || shardEpoch == current.epoch() ? Optional.of(current)
                : epochs.find(c, shardEpoch);
        ShardEpochs.Epoch pages = asked.orElse(current);
        int widest = Math.max(pages.shardCount(), current.shardCount());
        for (int shard : shards) {
            if (!EventShards.isValid(shard, widest)) {
                throw new UnknownShardException(shard, widest);
            }
        }
        return new Served(pages, current, asked.isPresent());
    }

    private ShardEpochs.Epoch currentEpoch(Connection c) throws SQLException {
        return epochs.current(c).orElseThrow(() -> new IllegalStateException("no shard epoch opened yet"));
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

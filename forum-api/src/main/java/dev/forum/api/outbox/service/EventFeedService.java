package dev.forum.api.outbox.service;

import dev.forum.api.outbox.mapping.CurrentTextMapper;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The event feed: published outbox rows by seq. The head and the oldest kept seq are read in the same snapshot
 * as the page (one REPEATABLE READ transaction), so a page never contradicts its own head. Messages' text is the
 * current one, also read in that snapshot ({@link CurrentTextMapper}): deleted or replaced text is never served.
 */
@ApplicationScoped
public class EventFeedService {

    public static final int DEFAULT_LIMIT = 500;
    public static final int MAX_LIMIT = 1000;

    private final AgroalDataSource dataSource;
    private final OutboxRows rows;
    private final CurrentTextMapper currentText;

    public EventFeedService(AgroalDataSource dataSource, OutboxRows rows, CurrentTextMapper currentText) {
        this.dataSource = dataSource;
        this.rows = rows;
        this.currentText = currentText;
    }

    public EventPage findEventsAfter(long afterSeq, int limit, Long threadId) {
        String sql = "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event WHERE seq > ?"
                + (threadId == null ? "" : " AND thread_id = ?") + " ORDER BY seq LIMIT ?";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
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
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            events.add(rows.envelope(rs));
                        }
                    }
                }
                List<EventEnvelope> served = currentText.withCurrentText(c, events);
                c.commit();
                return new EventPage(served, head, oldest, afterSeq < oldest - 1);
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

    /** A published event by id; unpublished (no seq yet) and purged events are unknown. */
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
}

package dev.forum.api.outbox.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.UUID;

/** Reads {@code outbox_event} rows into the contract's {@link EventEnvelope}. */
@ApplicationScoped
public class OutboxRows {

    /** The columns {@link #envelope} expects, in a SELECT list. */
    public static final String COLUMNS =
            "id, seq, type, aggregate_type, aggregate_id, audience, thread_id, user_id, min_tier_cents, committed_at, payload";

    private final ObjectMapper json;

    public OutboxRows(ObjectMapper json) {
        this.json = json;
    }

    public EventEnvelope envelope(ResultSet rs) throws SQLException {
        Timestamp committedAt = rs.getTimestamp("committed_at");
        try {
            return new EventEnvelope(
                    rs.getObject("id", UUID.class),
                    (Long) rs.getObject("seq"),
                    EventType.fromWireName(rs.getString("type")),
                    rs.getString("aggregate_type"),
                    rs.getString("aggregate_id"),
                    Audience.fromWireName(rs.getString("audience")),
                    (Long) rs.getObject("thread_id"),
                    (Long) rs.getObject("user_id"),
                    (Integer) rs.getObject("min_tier_cents"),
                    committedAt.toInstant(),
                    (ObjectNode) json.readTree(rs.getString("payload")));
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable outbox payload", e);
        }
    }

    public String toJson(EventEnvelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

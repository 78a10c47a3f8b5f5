package dev.forum.api.outbox.mapping;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.StringWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reads {@code outbox_event} rows into the contract's {@link EventEnvelope}. */
@ApplicationScoped
public class OutboxRows {

    private static final List<String> COLUMN_LIST = List.of("id", "shard_epoch", "shard", "seq", "type",
            "aggregate_type", "aggregate_id", "audience", "thread_id", "user_id", "min_tier_cents", "committed_at",
            "payload");

    /** The columns {@link #envelope} and {@link #publishable} expect, in a SELECT list. */
    public static final String COLUMNS = String.join(", ", COLUMN_LIST);

    /**
     * An event as the relay publishes it: the envelope's JSON text, with what routing and bookkeeping need
     * ({@code shard} is null for an event of the legacy global stream).
     */
    public record Publishable(Integer shard, long seq, Long threadId, Instant committedAt, String json) {
    }

    private final ObjectMapper json;

    public OutboxRows(ObjectMapper json) {
        this.json = json;
    }

    public EventEnvelope envelope(ResultSet rs) throws SQLException {
        Timestamp committedAt = rs.getTimestamp("committed_at");
        try {
            Integer shardEpoch = (Integer) rs.getObject("shard_epoch");
            return new EventEnvelope(
                    rs.getObject("id", UUID.class),
                    shardEpoch,
                    shardEpoch == null ? null : (Integer) rs.getObject("shard"),
                    (Long) rs.getObject("seq"),
                    EventType.fromWireName(rs.getString("type")),
                    null,
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

    /** The same columns qualified by a table alias, for a RETURNING list. */
    public static String returning(String alias) {
        return COLUMN_LIST.stream().map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

    /**
     * The row as the JSON text of its {@link EventEnvelope}, with the stored payload text written as it is: the
     * same document {@code toJson(envelope(rs))} gives, without parsing and re-encoding the payload.
     */
    public Publishable publishable(ResultSet rs) throws SQLException {
        long seq = rs.getLong("seq");
        Integer shardEpoch = (Integer) rs.getObject("shard_epoch");
        Integer shard = shardEpoch == null ? null : (Integer) rs.getObject("shard");
        Long threadId = (Long) rs.getObject("thread_id");
        Long userId = (Long) rs.getObject("user_id");
        Integer minTierCents = (Integer) rs.getObject("min_tier_cents");
        Instant committedAt = rs.getTimestamp("committed_at").toInstant();
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event_id", rs.getObject("id", UUID.class).toString());
            if (shardEpoch != null) {
                g.writeNumberField("shard_epoch", shardEpoch);
                g.writeNumberField("shard", shard);
            }
            g.writeNumberField("seq", seq);
            g.writeStringField("type", rs.getString("type"));
            g.writeStringField("aggregate_type", rs.getString("aggregate_type"));
            g.writeStringField("aggregate_id", rs.getString("aggregate_id"));
            g.writeStringField("audience", rs.getString("audience"));
            if (threadId != null) {
                g.writeNumberField("thread_id", threadId);
            }
            if (userId != null) {
                g.writeNumberField("user_id", userId);
            }
            if (minTierCents != null) {
                g.writeNumberField("min_tier_cents", minTierCents);
            }
            g.writeFieldName("committed_at");
            g.writeObject(committedAt);
            g.writeFieldName("payload");
            g.writeRawValue(rs.getString("payload"));
            g.writeEndObject();
        } catch (IOException e) {
            throw new SQLException("cannot write the envelope of seq " + seq, e);
        }
        return new Publishable(shard, seq, threadId, committedAt, out.toString());
    }

    public String toJson(EventEnvelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

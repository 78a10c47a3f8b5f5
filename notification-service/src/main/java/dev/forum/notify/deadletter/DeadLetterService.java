package dev.forum.notify.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import dev.forum.notify.listener.CursorStore;
import dev.forum.notify.listener.FeedStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Records poison events in dead_letter_events and moves the consumer past them, in one transaction
 * with the same cursor checks as processing: the cursor row of the event's stream is locked, the event must be the next
 * one, its id goes into processed_events (a redelivery is a duplicate), the cursor advances.
 */
@ApplicationScoped
@Transactional
public class DeadLetterService {

    public static final int MAX_LIMIT = 1000;
    private static final int MAX_ERROR_CHARS = 4000;

    private final Sql sql;
    private final CursorStore cursors;
    private final ObjectMapper mapper;
    private final String consumerId;

    public DeadLetterService(Sql sql, CursorStore cursors, ObjectMapper mapper, NotifyConfig config) {
        this.sql = sql;
        this.cursors = cursors;
        this.mapper = mapper;
        this.consumerId = config.consumer().id();
    }

    /** Returns false when the event was consumed meanwhile (nothing recorded). */
    public boolean persistDeadLetter(EventEnvelope event, int attempts, Instant firstFailure, Throwable failure) {
        if (event.seq() != null && !cursors.claimNext(consumerId, FeedStream.of(event), event.seq())) {
            return false;
        }
        sql.update("INSERT INTO processed_events (consumer_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                consumerId, event.eventId());
        sql.update("""
                INSERT INTO dead_letter_events (consumer_id, event_id, shard_epoch, shard, seq, type, error, payload,
                                                attempts, first_failure, last_failure)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, clock_timestamp())
                ON CONFLICT (consumer_id, event_id) DO UPDATE SET shard_epoch = excluded.shard_epoch,
                    shard = excluded.shard, seq = excluded.seq, error = excluded.error,
                    attempts = dead_letter_events.attempts + excluded.attempts, last_failure = excluded.last_failure""",
                consumerId, event.eventId(), event.shardEpoch(), event.shard(), event.seq(), event.type().wireName(),
                Failures.describe(failure, MAX_ERROR_CHARS), json(event), attempts, firstFailure);
        return true;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public DeadLetterPage findDeadLetterPage(int limit) {
        List<DeadLetter> rows = sql.list("""
                SELECT event_id, shard_epoch, shard, seq, type, error, payload::text, attempts, first_failure,
                       last_failure
                FROM dead_letter_events WHERE consumer_id = ? ORDER BY last_failure DESC LIMIT ?""",
                rs -> new DeadLetter(rs.getObject("event_id", UUID.class), (Integer) rs.getObject("shard_epoch"),
                        (Integer) rs.getObject("shard"), (Long) rs.getObject("seq"),
                        rs.getString("type"), rs.getString("error"), tree(rs.getString("payload")),
                        rs.getInt("attempts"), Sql.instant(rs, "first_failure"), Sql.instant(rs, "last_failure")),
                consumerId, limit);
        return new DeadLetterPage(rows);
    }

    private String json(EventEnvelope event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise event " + event.eventId(), e);
        }
    }

    private com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable dead letter payload", e);
        }
    }
}

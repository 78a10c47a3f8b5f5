package dev.forum.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.UUID;

/**
 * The one envelope every event travels in: on Redis, in forum-api's event feed, and (flattened by
 * {@link #clientFrame()}) on client sockets.
 *
 * @param eventId       unique id; consumers deduplicate on it, clients resume from it
 * @param seq           the relay's publish sequence: strictly increasing, gap-free across all
 *                      outbox events; {@code null} for events that are not stored (typing) or that
 *                      come from the notification service
 * @param type          what happened
 * @param v             the version of the payload's schema; absent (null) means 1, and writers leave it absent
 *                      while it is 1 (see {@link EventType#payloadVersion()})
 * @param aggregateType the noun that routes the event ({@code thread}, {@code user}, {@code forum})
 * @param aggregateId   its key; order is kept per aggregate
 * @param audience      who may receive it
 * @param threadId      the thread a thread event belongs to
 * @param userId        the addressee of a {@link Audience#USER} event
 * @param minTierCents  the thread's tier at the time of the event, so that the gateway can filter
 *                      without a lookup
 * @param committedAt   when the event was written: at its INSERT, inside its transaction, before the commit (the
 *                      wire name is historical; seq, not this time, gives the commit order)
 * @param payload       the seeds' payload fields for this type
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(
        UUID eventId,
        Long seq,
        EventType type,
        Integer v,
        String aggregateType,
        String aggregateId,
        Audience audience,
        Long threadId,
        Long userId,
        Integer minTierCents,
        Instant committedAt,
        ObjectNode payload) {

    /** An envelope of a version-1 payload (no {@code v} on the wire). */
    public EventEnvelope(UUID eventId, Long seq, EventType type, String aggregateType, String aggregateId,
            Audience audience, Long threadId, Long userId, Integer minTierCents, Instant committedAt,
            ObjectNode payload) {
        this(eventId, seq, type, null, aggregateType, aggregateId, audience, threadId, userId, minTierCents,
                committedAt, payload);
    }

    /** The same event with the sequence the relay gave it. */
    public EventEnvelope withSeq(long newSeq) {
        return new EventEnvelope(eventId, newSeq, type, v, aggregateType, aggregateId, audience, threadId, userId,
                minTierCents, committedAt, payload);
    }

    /** The version of the payload's schema: {@code v}, or 1 when absent. */
    public int payloadVersion() {
        return v == null ? 1 : v;
    }

    /**
     * What a client receives: the payload's fields with {@code type}, {@code event_id}, {@code seq},
     * {@code v} and {@code thread_id} beside them, as in the seeds.
     */
    public ObjectNode clientFrame() {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("type", type.wireName());
        frame.put("event_id", eventId.toString());
        if (seq != null) {
            frame.put("seq", seq);
        }
        if (v != null) {
            frame.put("v", v);
        }
        if (threadId != null) {
            frame.put("thread_id", threadId);
        }
        if (payload != null) {
            payload.fields().forEachRemaining(field -> {
                if (!frame.has(field.getKey())) {
                    frame.set(field.getKey(), field.getValue());
                }
            });
        }
        return frame;
    }
}

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
 * @param shardEpoch    the epoch of the event's stream: together with {@link #shard} it names the stream
 *                      {@link #seq} counts in ({@link EventShards}); {@code null} on events of the legacy
 *                      global stream (written before sharding) and on events that are not stored
 * @param shard         the event's shard ({@link EventShards#shardOf}); {@code null} as {@code shardEpoch}
 * @param seq           the event's position in its stream, strictly increasing by 1 and gap-free: in the
 *                      stream ({@code shardEpoch}, {@code shard}) when those are set, else in the legacy
 *                      global stream; {@code null} for events that are not stored (typing) or that come
 *                      from the notification service
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
        Integer shardEpoch,
        Integer shard,
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

    /** An envelope with no shard position (the legacy global stream, or an event that is not stored). */
    public EventEnvelope(UUID eventId, Long seq, EventType type, Integer v, String aggregateType,
            String aggregateId, Audience audience, Long threadId, Long userId, Integer minTierCents,
            Instant committedAt, ObjectNode payload) {
        this(eventId, null, null, seq, type, v, aggregateType, aggregateId, audience, threadId, userId,
                minTierCents, committedAt, payload);
    }

    /** An envelope of a version-1 payload (no {@code v} on the wire) with no shard position. */
    public EventEnvelope(UUID eventId, Long seq, EventType type, String aggregateType, String aggregateId,
            Audience audience, Long threadId, Long userId, Integer minTierCents, Instant committedAt,
            ObjectNode payload) {
        this(eventId, seq, type, null, aggregateType, aggregateId, audience, threadId, userId, minTierCents,
                committedAt, payload);
    }

    /** The same event with the sequence the relay gave it, in the stream it already names. */
    public EventEnvelope withSeq(long newSeq) {
        return withPosition(shardEpoch, shard, newSeq);
    }

    /** The same event at position {@code newSeq} of the stream ({@code newShardEpoch}, {@code newShard}). */
    public EventEnvelope withPosition(Integer newShardEpoch, Integer newShard, long newSeq) {
        return new EventEnvelope(eventId, newShardEpoch, newShard, newSeq, type, v, aggregateType, aggregateId,
                audience, threadId, userId, minTierCents, committedAt, payload);
    }

    /** The same event (position included) with another payload. */
    public EventEnvelope withPayload(ObjectNode newPayload) {
        return new EventEnvelope(eventId, shardEpoch, shard, seq, type, v, aggregateType, aggregateId, audience,
                threadId, userId, minTierCents, committedAt, newPayload);
    }

    /** The version of the payload's schema: {@code v}, or 1 when absent. */
    public int payloadVersion() {
        return v == null ? 1 : v;
    }

    /**
     * What a client receives: the payload's fields with {@code type}, {@code event_id}, {@code seq},
     * {@code v} and {@code thread_id} beside them, as in the seeds. No shard fields: a thread lives in one shard, so
     * {@code seq} alone orders a thread's frames.
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

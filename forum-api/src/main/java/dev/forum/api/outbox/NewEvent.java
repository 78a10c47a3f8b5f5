package dev.forum.api.outbox;

import dev.forum.contract.Audience;
import dev.forum.contract.EventType;
import dev.forum.contract.payload.EventPayload;

/**
 * An event about to be written to the outbox, in the same transaction as the change it describes. Its seq is
 * given later by the relay; its type is the one of its payload record. {@code messageDelta} is what the event does to
 * its thread's {@code message_count} (and, when positive, to its {@code last_activity_at}): the relay folds it into the
 * thread's row when it numbers the event ({@code OutboxNumbering}), so posts never wait for each other on that row.
 */
public record NewEvent(String aggregateType, String aggregateId, Audience audience, Long threadId, Long userId,
                       Integer minTierCents, EventPayload payload, int messageDelta) {

    /** An event that leaves every thread's counters as they are. */
    public NewEvent(String aggregateType, String aggregateId, Audience audience, Long threadId, Long userId,
                    Integer minTierCents, EventPayload payload) {
        this(aggregateType, aggregateId, audience, threadId, userId, minTierCents, payload, 0);
    }

    public EventType type() {
        return EventType.of(payload.getClass());
    }

    public NewEvent withMessageDelta(int delta) {
        return new NewEvent(aggregateType, aggregateId, audience, threadId, userId, minTierCents, payload, delta);
    }
}

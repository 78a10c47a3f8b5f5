package dev.forum.api.outbox;

import dev.forum.contract.Audience;
import dev.forum.contract.EventType;
import dev.forum.contract.payload.EventPayload;

/**
 * An event about to be written to the outbox, in the same transaction as the change it describes. Its seq is
 * given later by the relay; its type is the one of its payload record.
 */
public record NewEvent(String aggregateType, String aggregateId, Audience audience, Long threadId, Long userId,
                       Integer minTierCents, EventPayload payload) {

    public EventType type() {
        return EventType.of(payload.getClass());
    }
}

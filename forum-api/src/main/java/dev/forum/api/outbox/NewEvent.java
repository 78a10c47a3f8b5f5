package dev.forum.api.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.EventType;

/**
 * An event about to be written to the outbox, in the same transaction as the change it describes. Its seq is
 * given later by the relay.
 */
public record NewEvent(EventType type, String aggregateType, String aggregateId, Audience audience, Long threadId,
                       Long userId, Integer minTierCents, ObjectNode payload) {
}

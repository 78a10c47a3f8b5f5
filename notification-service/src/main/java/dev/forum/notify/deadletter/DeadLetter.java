package dev.forum.notify.deadletter;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * An event the consumer gave up on; {@code payload} is the whole envelope as the feed served it. {@code seq} is its
 * position in its stream: shard {@code shard} of {@code shardEpoch}, or the legacy global stream (both null).
 */
public record DeadLetter(UUID eventId, Integer shardEpoch, Integer shard, Long seq, String type, String error, JsonNode payload, int attempts,
        Instant firstFailure, Instant lastFailure) {
}

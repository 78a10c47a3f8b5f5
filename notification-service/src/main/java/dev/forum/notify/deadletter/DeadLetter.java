package dev.forum.notify.deadletter;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/** An event the consumer gave up on; {@code payload} is the whole envelope as the feed served it. */
public record DeadLetter(UUID eventId, Long seq, String type, String error, JsonNode payload, int attempts,
        Instant firstFailure, Instant lastFailure) {
}

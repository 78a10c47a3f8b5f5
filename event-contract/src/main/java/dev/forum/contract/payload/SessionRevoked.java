package dev.forum.contract.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code session_revoked} (internal). Two forms: one session logged out ({@code sessionId} set, {@code allSessions}
 * false, reason {@code logout}: gateways re-check the user's sockets), or every session of the user ended
 * ({@code allSessions} true, no {@code sessionId}, reason {@code suspended} or {@code sessions_ended}: gateways
 * close every socket of the user without asking).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionRevoked(long userId, Long sessionId, boolean allSessions, String reason) implements EventPayload {
}

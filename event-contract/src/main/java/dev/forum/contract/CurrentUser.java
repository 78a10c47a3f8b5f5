package dev.forum.contract;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The caller as {@code GET /api/auth/me} describes them. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CurrentUser(long id, String username, String displayName, Role role, int tierCents) {
}

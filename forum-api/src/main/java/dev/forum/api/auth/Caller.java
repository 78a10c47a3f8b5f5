package dev.forum.api.auth;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;

import java.time.Instant;

/**
 * The authenticated caller of one request: who they are and which session they used (and when it
 * expires; null for callers that are not behind a session, such as the demo data).
 */
public record Caller(long sessionId, CurrentUser user, Instant sessionExpiresAt) {

    public long id() {
        return user.id();
    }

    public String username() {
        return user.username();
    }

    public boolean isStaff() {
        return user.role().isStaff();
    }

    public boolean isAdmin() {
        return user.role() == Role.ADMIN;
    }
}

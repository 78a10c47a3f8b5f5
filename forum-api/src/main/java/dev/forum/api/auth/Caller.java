package dev.forum.api.auth;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;

/** The authenticated caller of one request: who they are and which session they used. */
public record Caller(long sessionId, CurrentUser user) {

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

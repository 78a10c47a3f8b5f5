package dev.forum.api.auth;

import dev.forum.common.error.ApiException;
import jakarta.enterprise.context.RequestScoped;

/** Request-scoped: set by {@link AuthFilter}, read by resources. */
@RequestScoped
public class CallerHolder {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller; endpoints behind the filter always have one. */
    public Caller get() {
        if (caller == null) {
            throw ApiException.unauthorized("Authentication required");
        }
        return caller;
    }

    /** The caller, who must be an admin (403 otherwise). */
    public Caller requireAdmin() {
        Caller c = get();
        if (!c.isAdmin()) {
            throw ApiException.forbidden("Admins only");
        }
        return c;
    }

    /** The caller, who must be a moderator or an admin (403 otherwise). */
    public Caller requireStaff() {
        Caller c = get();
        if (!c.isStaff()) {
            throw ApiException.forbidden("Moderators only");
        }
        return c;
    }
}

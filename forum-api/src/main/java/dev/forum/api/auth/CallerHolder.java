package dev.forum.api.auth;

import dev.forum.api.common.ApiException;
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
}

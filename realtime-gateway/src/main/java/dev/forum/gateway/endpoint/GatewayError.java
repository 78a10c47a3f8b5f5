package dev.forum.gateway.endpoint;

import java.util.Locale;

/**
 * Every error the gateway reports in an {@code error} frame. The wire {@code code} is the lower-case
 * name; {@code temporary} tells the client that the same request may succeed later.
 */
public enum GatewayError {
    MALFORMED_JSON(false),
    UNKNOWN_TYPE(false),
    MISSING_FIELD(false),
    INVALID_FIELD(false),
    UNSUPPORTED_ON_ENDPOINT(false),
    FORBIDDEN_THREAD(false),
    THREAD_NOT_FOUND(false),
    NOT_SUBSCRIBED(false),
    TOO_MANY_SUBSCRIPTIONS(false),
    RATE_LIMITED(true),
    UPSTREAM_UNAVAILABLE(true);

    private final boolean temporary;

    GatewayError(boolean temporary) {
        this.temporary = temporary;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean temporary() {
        return temporary;
    }
}

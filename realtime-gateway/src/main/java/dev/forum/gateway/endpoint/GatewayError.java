package dev.forum.gateway.endpoint;

import java.util.Locale;

/**
 * Every error the gateway reports in an {@code error} frame. The wire {@code code} is the lower-case
 * name; {@code number} is stable for logs and dashboards; {@code temporary} tells the client that the
 * same request may succeed later.
 */
public enum GatewayError {
    MALFORMED_JSON(1001, false),
    UNKNOWN_TYPE(1002, false),
    MISSING_FIELD(1003, false),
    INVALID_FIELD(1004, false),
    UNSUPPORTED_ON_ENDPOINT(1005, false),
    FORBIDDEN_THREAD(1101, false),
    THREAD_NOT_FOUND(1102, false),
    NOT_SUBSCRIBED(1103, false),
    TOO_MANY_SUBSCRIPTIONS(1104, false),
    RATE_LIMITED(1201, true),
    UPSTREAM_UNAVAILABLE(1301, true);

    private final int number;
    private final boolean temporary;

    GatewayError(int number, boolean temporary) {
        this.number = number;
        this.temporary = temporary;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int number() {
        return number;
    }

    public boolean temporary() {
        return temporary;
    }
}

package dev.forum.gateway.endpoint;

/**
 * Why an upgrade was refused, answered before any upgrade: the HTTP status, and the code and message of the JSON error
 * body (docs/websocket.md, "Authentication"). The code is also the {@code gateway_upgrades_refused_total} reason.
 */
enum UpgradeRefusal implements UpgradeDecision {
    BAD_THREAD_ID(400, "bad_thread_id", "the thread id must be a positive integer"),
    BAD_HANDSHAKE(400, "bad_handshake", "not a valid WebSocket handshake"),
    UNAUTHORIZED(401, "unauthorized", "a valid session is required"),
    FOREIGN_ORIGIN(403, "foreign_origin", "the session cookie may not be used from this origin"),
    AUTH_THROTTLED(429, "auth_throttled", "too many failed authentications, retry later"),
    UPSTREAM_UNAVAILABLE(503, "upstream_unavailable", "the session cannot be checked right now, retry");

    private final int status;
    private final String code;
    private final String message;

    UpgradeRefusal(int status, String code, String message) {
        this.status = status;
        this.code = code;
        this.message = message;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String message() {
        return message;
    }
}

package dev.forum.contract;

/**
 * How every service recognises a caller. forum-api issues one opaque session token; the browser
 * holds it in an HttpOnly cookie, API and WebSocket clients send it as a bearer token. Other
 * services resolve it with {@code GET /api/auth/me} on forum-api, and call forum-api's internal
 * endpoints with the shared internal token.
 */
public final class AuthContract {

    public static final String SESSION_COOKIE = "forum_session";
    public static final String INTERNAL_TOKEN_HEADER = "X-Internal-Token";
    public static final String ME_PATH = "/api/auth/me";
    /** On {@code /api/auth/me}: when the session used expires (ISO-8601 instant); the gateway closes sockets then. */
    public static final String SESSION_EXPIRES_HEADER = "X-Session-Expires-At";
    public static final String INTERNAL_EVENTS_PATH = "/api/internal/events";
    public static final String INTERNAL_THREADS_PATH = "/api/internal/threads";

    private AuthContract() {
    }
}

package dev.forum.contract;

import java.util.Locale;
import java.util.Set;

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
    /**
     * The header a browser client sends on every request (any non-empty value; ours sends {@code forum}). Another
     * site cannot make a browser send a custom header to us without a CORS pre-flight we never grant, so a
     * cookie-authenticated write without it is refused (CSRF defence, docs/security.md).
     */
    public static final String CSRF_HEADER = "X-Requested-With";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private AuthContract() {
    }

    /**
     * The CSRF rule of every service: safe methods pass, requests that authenticate with {@code Authorization}
     * (not the cookie) pass, and any other request needs a non-blank {@link #CSRF_HEADER}.
     */
    public static boolean passesCsrfCheck(String method, String authorization, String csrfHeader) {
        return SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT))
                || (authorization != null && !authorization.isBlank())
                || (csrfHeader != null && !csrfHeader.isBlank());
    }
}

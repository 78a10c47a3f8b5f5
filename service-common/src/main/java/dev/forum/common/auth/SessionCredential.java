package dev.forum.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The session token a request carries, and whether the browser attached it by itself (the {@code forum_session}
 * cookie, subject to CSRF and origin checks) or the client sent it ({@code Authorization: Bearer}). The one parser
 * of every service: the header wins over the cookie, both are trimmed, blank means none.
 */
public record SessionCredential(String token, boolean fromCookie) {

    private static final String BEARER = "Bearer ";

    /**
     * The credential of a request, from its {@code Authorization} header and the value of its {@code forum_session}
     * cookie (either may be null); null when it has neither.
     */
    public static SessionCredential of(String authorizationHeader, String sessionCookie) {
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorizationHeader.substring(BEARER.length()).trim();
            if (!token.isEmpty()) {
                return new SessionCredential(token, false);
            }
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            return new SessionCredential(sessionCookie.trim(), true);
        }
        return null;
    }

    /** The token, or null without a credential. */
    public static String tokenOf(String authorizationHeader, String sessionCookie) {
        SessionCredential credential = of(authorizationHeader, sessionCookie);
        return credential == null ? null : credential.token();
    }

    /** The {@code Authorization} header that presents {@code token} to another service. */
    public static String bearer(String token) {
        return BEARER + token;
    }

    /**
     * SHA-256 of the token, lowercase hex: what forum-api stores ({@code user_session.token_hash}) and what caches
     * key on, so that a token is never kept at rest or in a heap dump.
     */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

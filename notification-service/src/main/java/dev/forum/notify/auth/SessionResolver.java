package dev.forum.notify.auth;

import dev.forum.contract.CurrentUser;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.error.ApiException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a bearer token or {@code forum_session} cookie to the caller by asking forum-api, and
 * remembers the answer for {@code notify.auth.cache-ttl}. A {@code session_revoked} event drops the
 * user's cached sessions at once (the cache is keyed by a hash of the token, never the token).
 */
@ApplicationScoped
public class SessionResolver {

    private record Cached(CurrentUser user, long expiresAtNanos) {
    }

    private final ForumAuthClient forumApi;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SessionResolver(@RestClient ForumAuthClient forumApi, NotifyConfig config) {
        this.forumApi = forumApi;
        this.ttl = config.auth().cacheTtl();
    }

    /** The caller, or a 401 {@link ApiException}. */
    public CurrentUser requireUser(String authorizationHeader, String sessionCookie) {
        String token = tokenFrom(authorizationHeader, sessionCookie);
        if (token == null) {
            throw ApiException.unauthorized();
        }
        String key = hash(token);
        Cached cached = cache.get(key);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return cached.user();
        }
        CurrentUser user;
        try {
            user = forumApi.me("Bearer " + token);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 401 || e.getResponse().getStatus() == 403) {
                cache.remove(key);
                throw ApiException.unauthorized();
            }
            Log.warnf("forum-api /api/auth/me answered %d", e.getResponse().getStatus());
            throw new ApiException(503, "auth_unavailable", "Cannot verify the session right now");
        } catch (RuntimeException e) {
            Log.warnf("forum-api /api/auth/me unreachable: %s", e.getMessage());
            throw new ApiException(503, "auth_unavailable", "Cannot verify the session right now");
        }
        cache.put(key, new Cached(user, System.nanoTime() + ttl.toNanos()));
        return user;
    }

    /** session_revoked: forget every cached session of the user. */
    public void evictUser(long userId) {
        cache.values().removeIf(c -> c.user().id() == userId);
    }

    static String tokenFrom(String authorizationHeader, String sessionCookie) {
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorizationHeader.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return sessionCookie == null || sessionCookie.isBlank() ? null : sessionCookie.trim();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.forum.notify.auth;

import dev.forum.common.auth.AuthUnavailableException;
import dev.forum.common.auth.ResolvedSession;
import dev.forum.common.auth.SessionCredential;
import dev.forum.common.auth.SessionLookup;
import dev.forum.common.error.ApiException;
import dev.forum.contract.CurrentUser;
import dev.forum.notify.config.NotifyConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a bearer token or {@code forum_session} cookie to the caller by asking forum-api ({@link SessionLookup}:
 * refused is 401, cannot tell is 503), and remembers the answer for {@code notify.auth.cache-ttl}. A
 * {@code session_revoked} event drops the user's cached sessions at once (the cache is keyed by a hash of the
 * token, never the token).
 */
@ApplicationScoped
public class SessionResolver {

    private record Cached(CurrentUser user, long expiresAtNanos) {
    }

    private final SessionLookup forumApi;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    public SessionResolver(@ConfigProperty(name = "quarkus.rest-client.forum-api.url") String forumApiUrl,
            NotifyConfig config) {
        this(SessionLookup.connect(forumApiUrl, config.auth().timeout()), config);
    }

    SessionResolver(SessionLookup forumApi, NotifyConfig config) {
        this.forumApi = forumApi;
        this.ttl = config.auth().cacheTtl();
    }

    /** The caller, or a 401 (no or refused session) or 503 (forum-api cannot tell) {@link ApiException}. Blocking. */
    public CurrentUser requireUser(String authorizationHeader, String sessionCookie) {
        String token = SessionCredential.tokenOf(authorizationHeader, sessionCookie);
        if (token == null) {
            throw unauthorized();
        }
        String key = SessionCredential.hash(token);
        Cached cached = cache.get(key);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return cached.user();
        }
        Optional<ResolvedSession> session;
        try {
            session = forumApi.resolve(token).await().indefinitely();
        } catch (AuthUnavailableException e) {
            Log.warnf("cannot verify a session: %s", e.getMessage());
            throw new ApiException(503, "auth_unavailable", "Cannot verify the session right now");
        }
        if (session.isEmpty()) {
            cache.remove(key);
            throw unauthorized();
        }
        CurrentUser user = session.get().user();
        cache.put(key, new Cached(user, System.nanoTime() + ttl.toNanos()));
        return user;
    }

    /** session_revoked: forget every cached session of the user. */
    public void evictUser(long userId) {
        cache.values().removeIf(c -> c.user().id() == userId);
    }

    private static ApiException unauthorized() {
        return ApiException.unauthorized("A valid session (bearer token or forum_session cookie) is required");
    }
}

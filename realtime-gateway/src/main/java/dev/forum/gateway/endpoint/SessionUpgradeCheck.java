package dev.forum.gateway.endpoint;

import dev.forum.contract.AuthContract;
import dev.forum.gateway.client.ForumApi;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Authenticates every upgrade to our endpoints before it happens: the session token comes from the
 * {@code forum_session} cookie or an {@code Authorization: Bearer} header (no query-string token:
 * browsers send the cookie, and URLs end up in logs) and is resolved by forum-api's
 * {@code /api/auth/me}. Unknown, expired or logged-out sessions get 401; forum-api unreachable, 503.
 */
@ApplicationScoped
public class SessionUpgradeCheck implements HttpUpgradeCheck {

    private static final Set<String> ENDPOINTS = Set.of(V2WebSocket.ID, ThreadWebSocket.ID, GlobalWebSocket.ID);
    private static final int UNAUTHORIZED = 401;
    private static final int BAD_REQUEST = 400;
    private static final int UNAVAILABLE = 503;

    private final ForumApi forumApi;

    public SessionUpgradeCheck(ForumApi forumApi) {
        this.forumApi = forumApi;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return ENDPOINTS.contains(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (ThreadWebSocket.ID.equals(context.endpointId())
                && ThreadWebSocket.parseThreadId(context.pathParam(ThreadWebSocket.THREAD_ID)) == null) {
            return CheckResult.rejectUpgrade(BAD_REQUEST);
        }
        String token = sessionToken(context.httpRequest());
        if (token == null) {
            return CheckResult.rejectUpgrade(UNAUTHORIZED);
        }
        return forumApi.resolveSession(token).onItemOrFailure().transformToUni((user, failure) -> {
            if (failure != null) {
                Log.warnf("refusing WebSocket upgrade, cannot check the session: %s", failure.getMessage());
                return CheckResult.rejectUpgrade(UNAVAILABLE);
            }
            if (user.isEmpty()) {
                return CheckResult.rejectUpgrade(UNAUTHORIZED);
            }
            context.userData().put(ConnectionKeys.USER, user.get());
            context.userData().put(ConnectionKeys.TOKEN, token);
            return CheckResult.permitUpgrade();
        });
    }

    static String sessionToken(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            if (!token.isEmpty()) {
                return token;
            }
        }
        Cookie cookie = request.getCookie(AuthContract.SESSION_COOKIE);
        if (cookie != null && !cookie.getValue().isBlank()) {
            return cookie.getValue();
        }
        return null;
    }
}
